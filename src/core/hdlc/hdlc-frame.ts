/**
 * HDLC framing of outgoing packets: `7E ‖ escape(packet) ‖ 7E`, as Python RNS sends them.
 *
 * Every frame carries both its FLAGs, so back-to-back frames have `7E 7E` between them; the
 * receiver sees an empty frame there and skips it.
 */
import { HDLC_ESC, HDLC_FLAG } from './hdlc-constants';
import { asBuffer, escapedLength, escapeInto } from './hdlc-escape';

/**
 * Length of the framed form of `packet` (escaped length plus the two FLAGs).
 *
 * @param packet - the raw packet
 * @returns the number of bytes {@link frame} would produce
 */
export function framedLength(packet: Uint8Array): number {
  return escapedLength(packet) + 2;
}

/**
 * Writes the framed form of `packet` into `target` at `offset`; lets a writer batch many frames
 * into one buffer (one socket write) without an intermediate allocation per frame.
 *
 * @param packet - the raw packet
 * @param target - the buffer to write into; it must have room for {@link framedLength} bytes
 * @param offset - where in `target` to start writing
 * @returns the number of bytes written
 * @throws RangeError when `target` is too small; bytes after `offset` are then unspecified
 */
export function frameInto(packet: Uint8Array, target: Buffer, offset: number): number {
  if (offset + packet.length + 2 > target.length) throw new RangeError('frameInto: target buffer too small');
  target[offset] = HDLC_FLAG;
  const written = escapeInto(packet, target, offset + 1);
  const end = offset + 1 + written;
  if (end >= target.length) throw new RangeError('frameInto: target buffer too small');
  target[end] = HDLC_FLAG;
  return written + 2;
}

/**
 * Frames `packet` for a stream interface, byte-for-byte as Python RNS does.
 *
 * @param packet - the raw packet
 * @returns a new buffer `7E ‖ escape(packet) ‖ 7E` (one allocation; a single copy of the body
 *   when it holds no FLAG or ESC byte)
 */
export function frame(packet: Uint8Array): Buffer {
  const source = asBuffer(packet);
  const length = source.length;
  // Fast path: two native scans tell whether anything needs escaping; if not, the frame is one
  // allocation and one copy, with no per-run bookkeeping.
  if (source.indexOf(HDLC_ESC) === -1 && source.indexOf(HDLC_FLAG) === -1) {
    const target = Buffer.allocUnsafe(length + 2);
    target[0] = HDLC_FLAG;
    source.copy(target, 1);
    target[length + 1] = HDLC_FLAG;
    return target;
  }
  const target = Buffer.allocUnsafe(escapedLength(source) + 2);
  target[0] = HDLC_FLAG;
  const written = escapeInto(source, target, 1);
  target[written + 1] = HDLC_FLAG;
  return target;
}
