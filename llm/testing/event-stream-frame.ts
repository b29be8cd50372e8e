// Encodes one AWS event-stream message (application/vnd.amazon.eventstream), the framing of Bedrock's streamed answers.
// Layout: total length, headers length, prelude CRC32, headers, payload, message CRC32; integers big-endian.
import { crc32 } from 'node:zlib';

/** String-valued headers only: all Bedrock's Converse events need (`:event-type`, `:message-type`, ...). */
export function encodeEventStreamFrame(headers: Record<string, string>, payload: Uint8Array): Uint8Array {
  const headerBytes = Buffer.concat(Object.entries(headers).map(([name, value]) => stringHeader(name, value)));
  const length = 12 + headerBytes.byteLength + payload.byteLength + 4;
  const frame = Buffer.alloc(length);
  frame.writeUInt32BE(length, 0);
  frame.writeUInt32BE(headerBytes.byteLength, 4);
  frame.writeUInt32BE(crc32(frame.subarray(0, 8)), 8);
  headerBytes.copy(frame, 12);
  frame.set(payload, 12 + headerBytes.byteLength);
  frame.writeUInt32BE(crc32(frame.subarray(0, length - 4)), length - 4);
  return frame;
}

/** An event frame with a JSON payload, as Bedrock sends `contentBlockDelta`, `messageStop`, `metadata`... */
export function eventFrame(eventType: string, body: unknown): Uint8Array {
  return encodeEventStreamFrame(
    { ':event-type': eventType, ':content-type': 'application/json', ':message-type': 'event' },
    Buffer.from(JSON.stringify(body)),
  );
}

/** An exception frame, as Bedrock reports a failure once the stream has started. */
export function exceptionFrame(exceptionType: string, message: string): Uint8Array {
  return encodeEventStreamFrame(
    { ':exception-type': exceptionType, ':content-type': 'application/json', ':message-type': 'exception' },
    Buffer.from(JSON.stringify({ message })),
  );
}

// Header: name length (1 byte), name, value type 7 (string), value length (2 bytes), value.
function stringHeader(name: string, value: string): Buffer {
  const nameBytes = Buffer.from(name);
  const valueBytes = Buffer.from(value);
  const header = Buffer.alloc(1 + nameBytes.byteLength + 1 + 2 + valueBytes.byteLength);
  let at = header.writeUInt8(nameBytes.byteLength, 0);
  at += nameBytes.copy(header, at);
  at = header.writeUInt8(7, at);
  at = header.writeUInt16BE(valueBytes.byteLength, at);
  valueBytes.copy(header, at);
  return header;
}
