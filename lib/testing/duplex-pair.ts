/**
 * Two connected in-process Duplex streams: what one writes, the other reads.
 * Node 20 has no `stream.duplexPair()`, and `Duplex.from({ readable, writable })`
 * raises an unhandled AbortError when aedes closes its side (toolchain.md).
 * @packageDocumentation
 */

import { Duplex } from 'node:stream';

class Endpoint extends Duplex {
  peer: Endpoint | undefined;

  override _read(): void {
    // Data is pushed by the peer's _write; nothing to pull.
  }

  override _write(chunk: Buffer, _encoding: BufferEncoding, callback: (error?: Error | null) => void): void {
    const peer = this.peer;
    if (peer && !peer.destroyed && !peer.readableEnded) peer.push(chunk);
    callback();
  }

  override _final(callback: (error?: Error | null) => void): void {
    this.peer?.push(null);
    callback();
  }

  override _destroy(error: Error | null, callback: (error?: Error | null) => void): void {
    const peer = this.peer;
    this.peer = undefined;
    if (peer) {
      peer.peer = undefined;
      // The other side sees a clean end of stream, like a closed socket.
      if (!peer.destroyed) {
        peer.push(null);
        peer.destroy();
      }
    }
    callback(error);
  }
}

/** Creates two Duplex streams wired to each other. */
export function createDuplexPair(): [Duplex, Duplex] {
  const a = new Endpoint();
  const b = new Endpoint();
  a.peer = b;
  b.peer = a;
  return [a, b];
}
