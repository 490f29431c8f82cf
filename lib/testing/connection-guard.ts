/**
 * Per-connection memory bounds of the TCP/TLS broker, applied to the socket
 * before aedes reads from it:
 *
 * - **Packet size.** The fixed header of each incoming MQTT packet is read as
 *   it arrives; a PUBLISH whose payload exceeds the limit (AWS IoT Core: 128
 *   KB), or any packet larger than that limit plus the largest topic, closes
 *   the connection at once, before its body is buffered. AWS IoT Core also
 *   disconnects a client that publishes an oversized message.
 * - **Outbound queue.** When the bytes written to a client and not yet taken
 *   by the network (a client that does not read its socket) exceed the limit,
 *   the connection is closed and the queued bytes are freed.
 * @packageDocumentation
 */

import type { Socket } from 'node:net';

/** AWS IoT Core's limit on the payload of a PUBLISH: 128 KB. */
export const AWS_IOT_MAX_PAYLOAD_BYTES = 128 * 1024;

/** Room beyond the payload limit for any packet: a 2-byte topic length, a topic of up to 65,535 bytes, a packet id. */
const PACKET_OVERHEAD_BYTES = 2 + 65_535 + 2;

/** The limits of one connection. */
export interface ConnectionLimits {
  /** Largest PUBLISH payload a client may send, in bytes. */
  readonly maxPayloadBytes: number;
  /** Largest number of bytes queued for a client that does not read. */
  readonly maxOutboundBytes: number;
}

/** Why a connection was closed by a limit. */
export type LimitEvent =
  | {
      /** A packet over the size limit. */
      readonly kind: 'packet-too-large';
      /** The remote address. */
      readonly remote: string;
      /** The size the packet declared (its payload for a PUBLISH), in bytes. */
      readonly bytes: number;
      /** The limit it broke, in bytes. */
      readonly limit: number;
    }
  | {
      /** A client that stopped reading while replies piled up. */
      readonly kind: 'slow-reader';
      /** The remote address. */
      readonly remote: string;
      /** Bytes queued when it was closed. */
      readonly bytes: number;
      /** The limit it broke, in bytes. */
      readonly limit: number;
    }
  | {
      /** A connection over the connection cap, closed at once. */
      readonly kind: 'connection-refused';
      /** The remote address. */
      readonly remote: string;
      /** The cap. */
      readonly limit: number;
    };

/** The guard of each guarded socket, for {@link reserveOutbound}. */
const guards = new WeakMap<object, ConnectionGuard>();

/**
 * Applies `limits` to `socket` (a net or TLS socket that aedes will read).
 * @param onLimit - hears each connection closed by a limit.
 */
export function guardConnection(socket: Socket, limits: ConnectionLimits, onLimit: (event: LimitEvent) => void): void {
  guards.set(socket, new ConnectionGuard(socket, limits, onLimit));
}

/**
 * Reserves room for `bytes` about to be sent on `connection` (the simulator's
 * replies, which are built before aedes writes them). Returns false, having
 * closed the connection, when they would take its outbound queue over the
 * limit; true otherwise, and always for a connection without a guard (the
 * in-process broker).
 */
export function reserveOutbound(connection: unknown, bytes: number): boolean {
  const guard = typeof connection === 'object' && connection !== null ? guards.get(connection) : undefined;
  return guard === undefined || guard.reserve(bytes);
}

/** The limits of one socket. */
class ConnectionGuard {
  private readonly remote: string;
  private readonly frames: FrameTracker;
  private tripped = false;
  /** Bytes reserved for replies and not yet written to the socket. */
  private pending = 0;

  constructor(
    private readonly socket: Socket,
    private readonly limits: ConnectionLimits,
    private readonly onLimit: (event: LimitEvent) => void,
  ) {
    this.remote = `${socket.remoteAddress ?? '?'}:${socket.remotePort ?? '?'}`;
    this.frames = new FrameTracker(limits.maxPayloadBytes);

    // aedes reads with socket.read() on 'readable'; look at each chunk first.
    const read = socket.read.bind(socket);
    socket.read = (size?: number): unknown => {
      const chunk: unknown = read(size);
      if (this.tripped) return null;
      if (Buffer.isBuffer(chunk)) {
        const refused = this.frames.feed(chunk);
        if (refused !== undefined) {
          this.trip({ kind: 'packet-too-large', remote: this.remote, bytes: refused.bytes, limit: refused.limit });
          return null;
        }
      }
      return chunk;
    };

    // mqtt-packet writes each packet in a few socket.write calls; check the queue after each.
    const write = socket.write.bind(socket) as (...args: unknown[]) => boolean;
    (socket as { write: (...args: unknown[]) => boolean }).write = (...args: unknown[]): boolean => {
      if (this.tripped) return false;
      const [chunk] = args;
      const size = typeof chunk === 'string' ? Buffer.byteLength(chunk) : chunk instanceof Uint8Array ? chunk.byteLength : 0;
      this.pending = Math.max(0, this.pending - size);
      const result = write(...args);
      this.checkQueue();
      return result;
    };
  }

  reserve(bytes: number): boolean {
    if (this.tripped) return false;
    this.pending += bytes;
    return this.checkQueue();
  }

  /** True while the queue is within the limit; trips the connection otherwise. */
  private checkQueue(): boolean {
    const queued = this.socket.writableLength + this.pending;
    if (queued <= this.limits.maxOutboundBytes) return true;
    this.trip({ kind: 'slow-reader', remote: this.remote, bytes: queued, limit: this.limits.maxOutboundBytes });
    return false;
  }

  private trip(event: LimitEvent): void {
    if (this.tripped) return;
    this.tripped = true;
    this.socket.destroy();
    this.onLimit(event);
  }
}

/**
 * Follows MQTT packet boundaries through a byte stream, reading only fixed
 * headers (and a PUBLISH's topic length) and skipping bodies.
 */
export class FrameTracker {
  private state: 'type' | 'length' | 'topic' | 'body' | 'off' = 'type';
  private header = 0;
  private length = 0;
  private multiplier = 1;
  private lengthBytes = 0;
  private topicLength = 0;
  private topicBytes = 0;
  private remaining = 0;
  private readonly maxPacketBytes: number;

  /** @param maxPayloadBytes - the largest PUBLISH payload. */
  constructor(private readonly maxPayloadBytes: number) {
    this.maxPacketBytes = maxPayloadBytes + PACKET_OVERHEAD_BYTES;
  }

  /** Reads `chunk`; returns the offending size and limit as soon as a packet breaks the limit. */
  feed(chunk: Uint8Array): { bytes: number; limit: number } | undefined {
    let i = 0;
    while (i < chunk.length && this.state !== 'off') {
      const byte = chunk[i] ?? 0;
      switch (this.state) {
        case 'type':
          this.header = byte;
          this.length = 0;
          this.multiplier = 1;
          this.lengthBytes = 0;
          this.state = 'length';
          i++;
          break;
        case 'length': {
          i++;
          this.length += (byte & 0x7f) * this.multiplier;
          this.multiplier *= 128;
          this.lengthBytes++;
          if (byte & 0x80) {
            // A fifth length byte is malformed; aedes's parser refuses it.
            if (this.lengthBytes === 4) this.state = 'off';
            break;
          }
          this.remaining = this.length;
          // A PUBLISH is judged by its payload once its topic length is known; any other packet by its size.
          if (this.header >> 4 === 3 && this.length >= 2) {
            this.topicLength = 0;
            this.topicBytes = 0;
            this.state = 'topic';
          } else {
            if (this.length > this.maxPacketBytes) return { bytes: this.length, limit: this.maxPacketBytes };
            this.state = this.remaining === 0 ? 'type' : 'body';
          }
          break;
        }
        case 'topic': {
          i++;
          this.remaining--;
          this.topicLength = this.topicLength * 256 + byte;
          if (++this.topicBytes < 2) break;
          const packetId = (this.header >> 1) & 0x03 ? 2 : 0;
          const payload = this.length - 2 - this.topicLength - packetId;
          if (payload > this.maxPayloadBytes) return { bytes: payload, limit: this.maxPayloadBytes };
          this.state = this.remaining === 0 ? 'type' : 'body';
          break;
        }
        case 'body': {
          const skip = Math.min(this.remaining, chunk.length - i);
          i += skip;
          this.remaining -= skip;
          if (this.remaining === 0) this.state = 'type';
          break;
        }
      }
    }
    return undefined;
  }
}
