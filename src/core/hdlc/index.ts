// TEMPORARY STUB for the backbone-client branch until the real codec lands on main; on merge
// main's version replaces this file entirely. Same exported API as announced for main.
import { HEADER_MINSIZE, HW_MTU } from '../constants';

const FLAG = 0x7e;
const ESC = 0x7d;
const ESC_MASK = 0x20;

/** Length of the HDLC frame of `packet`. */
export function framedLength(packet: Uint8Array): number {
  let n = packet.length + 2;
  for (const b of packet) if (b === FLAG || b === ESC) n++;
  return n;
}

/** Writes the HDLC frame of `packet` into `target` at `offset`; returns the new offset. */
export function frameInto(packet: Uint8Array, target: Buffer, offset: number): number {
  let o = offset;
  target[o++] = FLAG;
  for (const b of packet) {
    if (b === FLAG || b === ESC) {
      target[o++] = ESC;
      target[o++] = b ^ ESC_MASK;
    } else target[o++] = b;
  }
  target[o++] = FLAG;
  return o;
}

/** The HDLC frame of `packet`. */
export function frame(packet: Uint8Array): Buffer {
  const out = Buffer.allocUnsafe(framedLength(packet));
  frameInto(packet, out, 0);
  return out;
}

/** Streaming HDLC decoder. */
export class HdlcDecoder {
  private pending: Buffer = Buffer.alloc(0);
  private readonly hwMtu: number;

  constructor(options?: { hwMtu?: number }) {
    this.hwMtu = options?.hwMtu ?? HW_MTU;
  }

  push(chunk: Buffer, onFrame: (frame: Buffer) => void): void {
    let buf = Buffer.concat([this.pending, chunk]);
    for (;;) {
      const start = buf.indexOf(FLAG);
      if (start === -1) {
        buf = Buffer.alloc(0);
        break;
      }
      const end = buf.indexOf(FLAG, start + 1);
      if (end === -1) {
        buf = buf.subarray(start);
        break;
      }
      const body = buf.subarray(start + 1, end);
      const out: number[] = [];
      for (let i = 0; i < body.length; i++) {
        if (body[i] === ESC && i + 1 < body.length) out.push(body[++i] ^ ESC_MASK);
        else out.push(body[i]);
      }
      if (out.length > HEADER_MINSIZE && out.length <= this.hwMtu) onFrame(Buffer.from(out));
      buf = buf.subarray(end);
    }
    this.pending = Buffer.from(buf);
  }
}
