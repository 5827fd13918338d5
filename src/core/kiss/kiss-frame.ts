/**
 * KISS framing of outgoing packets: `C0 00 ‖ escape(packet) ‖ C0`, as Python RNS's
 * `TCPClientInterface.process_outgoing` sends them with `kiss_framing`.
 *
 * Python escapes with two `bytes.replace` calls, FESC first (`DB -> DB DD`), then FEND
 * (`C0 -> DB DC`). The first pass introduces only `DB` and `DD`, neither of which the second
 * rewrites, so one left-to-right pass gives the same bytes.
 */
import { asBuffer } from '../hdlc/hdlc-escape';
import { KISS_CMD_DATA, KISS_FEND, KISS_FESC, KISS_TFEND, KISS_TFESC } from './kiss-constants';

function countByte(data: Buffer, byte: number): number {
  let count = 0;
  for (let i = data.indexOf(byte); i !== -1; i = data.indexOf(byte, i + 1)) count++;
  return count;
}

/** Length of `data` once escaped: every FEND and FESC byte doubles. */
export function kissEscapedLength(data: Uint8Array): number {
  const source = asBuffer(data);
  return source.length + countByte(source, KISS_FEND) + countByte(source, KISS_FESC);
}

/**
 * Writes the escaped form of `data` into `target` at `offset`.
 *
 * @returns the number of bytes written
 * @throws RangeError when `target` has no room for {@link kissEscapedLength} bytes after `offset`
 */
export function kissEscapeInto(data: Uint8Array, target: Buffer, offset: number): number {
  const source = asBuffer(data);
  if (offset + kissEscapedLength(source) > target.length) {
    throw new RangeError('kissEscapeInto: target buffer too small');
  }
  let write = offset;
  let read = 0;
  for (;;) {
    const fend = source.indexOf(KISS_FEND, read);
    const fesc = source.indexOf(KISS_FESC, read);
    const special = fend === -1 ? fesc : fesc === -1 ? fend : Math.min(fend, fesc);
    if (special === -1) break;
    write += source.copy(target, write, read, special);
    target[write++] = KISS_FESC;
    target[write++] = source[special] === KISS_FEND ? KISS_TFEND : KISS_TFESC;
    read = special + 1;
  }
  write += source.copy(target, write, read);
  return write - offset;
}

/** Escapes `data` the way Python's `KISS.escape` does. */
export function kissEscape(data: Uint8Array): Buffer {
  const target = Buffer.allocUnsafe(kissEscapedLength(data));
  kissEscapeInto(data, target, 0);
  return target;
}

/** Length of the KISS frame of `packet`: FEND, command, escaped body, FEND. */
export function kissFramedLength(packet: Uint8Array): number {
  return kissEscapedLength(packet) + 3;
}

/**
 * Writes the KISS data frame of `packet` into `target` at `offset`.
 *
 * @returns the number of bytes written
 * @throws RangeError when `target` is too small
 */
export function kissFrameInto(packet: Uint8Array, target: Buffer, offset: number): number {
  const length = kissFramedLength(packet);
  if (offset + length > target.length) throw new RangeError('kissFrameInto: target buffer too small');
  target[offset] = KISS_FEND;
  target[offset + 1] = KISS_CMD_DATA;
  kissEscapeInto(packet, target, offset + 2);
  target[offset + length - 1] = KISS_FEND;
  return length;
}

/** The KISS data frame of `packet`, byte for byte as Python RNS sends it. */
export function kissFrame(packet: Uint8Array): Buffer {
  const target = Buffer.allocUnsafe(kissFramedLength(packet));
  kissFrameInto(packet, target, 0);
  return target;
}
