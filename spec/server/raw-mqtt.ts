/** Hand-built MQTT 3.1.1 packets and a raw loopback socket, for clients that misbehave on purpose. */
import { connect, type Socket } from 'node:net';

/** The MQTT remaining-length varint. */
export function remainingLength(length: number): Buffer {
  const bytes: number[] = [];
  let value = length;
  do {
    let byte = value % 128;
    value = Math.floor(value / 128);
    if (value > 0) byte |= 0x80;
    bytes.push(byte);
  } while (value > 0);
  return Buffer.from(bytes);
}

function utf8(text: string): Buffer {
  const bytes = Buffer.from(text, 'utf8');
  const length = Buffer.alloc(2);
  length.writeUInt16BE(bytes.length);
  return Buffer.concat([length, bytes]);
}

/** CONNECT, clean session, keep-alive 60 s. */
export function connectPacket(clientId: string): Buffer {
  const body = Buffer.concat([utf8('MQTT'), Buffer.from([4, 0x02, 0, 60]), utf8(clientId)]);
  return Buffer.concat([Buffer.from([0x10]), remainingLength(body.length), body]);
}

/** The fixed header and topic of a QoS 0 PUBLISH whose payload of `payloadLength` bytes follows. */
export function publishHeader(topic: string, payloadLength: number): Buffer {
  const name = utf8(topic);
  return Buffer.concat([Buffer.from([0x30]), remainingLength(name.length + payloadLength), name]);
}

/** A whole QoS 0 PUBLISH. */
export function publishPacket(topic: string, payload: string | Buffer): Buffer {
  const bytes = typeof payload === 'string' ? Buffer.from(payload, 'utf8') : payload;
  return Buffer.concat([publishHeader(topic, bytes.length), bytes]);
}

/** Opens a socket, sends CONNECT and resolves once the CONNACK (accepted) arrived. */
export function rawConnect(port: number, clientId: string): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const socket = connect({ host: '127.0.0.1', port, noDelay: true }, () => socket.write(connectPacket(clientId)));
    const onData = (data: Buffer): void => {
      socket.off('data', onData);
      socket.off('error', reject);
      if (data[0] === 0x20 && data[3] === 0) resolve(socket);
      else reject(new Error(`no CONNACK: ${data.toString('hex')}`));
    };
    socket.on('data', onData);
    socket.once('error', reject);
  });
}
