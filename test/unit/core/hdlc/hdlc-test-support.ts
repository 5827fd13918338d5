/**
 * Shared helpers of the HDLC tests: independent, deliberately naive models of Python RNS's
 * algorithms (written from the Python semantics, not from the implementation under test) and
 * fast-check arbitraries biased towards the bytes that matter for HDLC.
 */
import fc from 'fast-check';
import { HEADER_MINSIZE } from '../../../../src/core/constants';

/** Python `bytes.replace(pattern, replacement)`: non-overlapping, left to right. */
export function bytesReplace(data: Uint8Array, pattern: number[], replacement: number[]): Buffer {
  const out: number[] = [];
  let i = 0;
  while (i < data.length) {
    if (i + pattern.length <= data.length && pattern.every((byte, k) => data[i + k] === byte)) {
      out.push(...replacement);
      i += pattern.length;
    } else {
      out.push(data[i]);
      i++;
    }
  }
  return Buffer.from(out);
}

/** Python `HDLC.escape`: ESC first, FLAG second. */
export function pythonEscape(data: Uint8Array): Buffer {
  return bytesReplace(bytesReplace(data, [0x7d], [0x7d, 0x5d]), [0x7e], [0x7d, 0x5e]);
}

/** Python's receive-loop unescape: `7D 5E` first, `7D 5D` second. */
export function pythonUnescape(data: Uint8Array): Buffer {
  return bytesReplace(bytesReplace(data, [0x7d, 0x5e], [0x7e]), [0x7d, 0x5d], [0x7d]);
}

/** What Python's receive loop delivers and rejects for a whole stream received at once. */
export interface ModelResult {
  frames: Buffer[];
  short: number;
  oversize: number;
}

/**
 * Python `BackboneClientInterface.receive` fed the whole stream in one call, without the
 * `2 × HW_MTU` buffer cap (callers keep streams short enough that the cap cannot trigger).
 */
export function pythonReceiveModel(stream: Uint8Array, hwMtu: number): ModelResult {
  const result: ModelResult = { frames: [], short: 0, oversize: 0 };
  let buffer = Buffer.from(stream);
  for (;;) {
    const start = buffer.indexOf(0x7e);
    if (start === -1) break;
    const end = buffer.indexOf(0x7e, start + 1);
    if (end === -1) break;
    const frame = pythonUnescape(buffer.subarray(start + 1, end));
    if (frame.length !== 0) {
      if (frame.length <= HEADER_MINSIZE) result.short++;
      else if (frame.length > hwMtu) result.oversize++;
      else result.frames.push(frame);
    }
    buffer = buffer.subarray(end);
  }
  return result;
}

/** A byte that is a FLAG, an ESC, one of the escaped second bytes, or anything, each ~1 in 5. */
export const hdlcByte = fc.oneof(
  fc.constant(0x7e),
  fc.constant(0x7d),
  fc.constant(0x5e),
  fc.constant(0x5d),
  fc.integer({ min: 0, max: 255 }),
);

/** Random bytes that often contain FLAG/ESC. */
export function hdlcBytes(minLength: number, maxLength: number): fc.Arbitrary<Buffer> {
  return fc.oneof(
    fc.uint8Array({ minLength, maxLength }).map((a) => Buffer.from(a)),
    fc.array(hdlcByte, { minLength, maxLength }).map((a) => Buffer.from(a)),
  );
}

/** A valid packet for framing: 20..maxLength bytes, often containing FLAG/ESC. */
export function packet(maxLength = 4000): fc.Arbitrary<Buffer> {
  return hdlcBytes(HEADER_MINSIZE + 1, maxLength);
}

/** Garbage that contains no FLAG, so it cannot open or close a frame. */
export const garbageWithoutFlag = fc
  .uint8Array({ minLength: 0, maxLength: 64 })
  .map((a) => Buffer.from(a.map((byte) => (byte === 0x7e ? 0x00 : byte))));

/**
 * Splits `data` at the given cut points (taken modulo its length, deduplicated), yielding
 * views; an empty cut list yields the whole buffer.
 */
export function splitAt(data: Buffer, cuts: number[]): Buffer[] {
  if (data.length === 0) return [data];
  const points = [...new Set(cuts.map((c) => c % data.length))].filter((c) => c > 0).sort((a, b) => a - b);
  const pieces: Buffer[] = [];
  let previous = 0;
  for (const point of points) {
    pieces.push(data.subarray(previous, point));
    previous = point;
  }
  pieces.push(data.subarray(previous));
  return pieces;
}

/** Copies each piece into its own fresh buffer, like separate socket reads. */
export function asSeparateChunks(pieces: Buffer[]): Buffer[] {
  return pieces.map((piece) => Buffer.from(piece));
}

/** Parses a hex literal (spaces allowed) into a Buffer. */
export function hex(text: string): Buffer {
  return Buffer.from(text.replace(/\s+/g, ''), 'hex');
}
