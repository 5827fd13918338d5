// THROWAWAY local stand-in for the HDLC codec landing on main; deleted before merging main.
import { HEADER_MINSIZE, HW_MTU } from '../constants';

const FLAG = 0x7e;
const ESC = 0x7d;
const ESC_MASK = 0x20;

/** Framed length of a packet. */
export function framedLength(packet: Uint8Array): number {
  let n = packet.length + 2;
  for (let i = 0; i < packet.length; i++) if (packet[i] === FLAG || packet[i] === ESC) n++;
  return n;
}

/** Frames a packet into target at offset; returns bytes written. */
export function frameInto(packet: Uint8Array, target: Buffer, offset: number): number {
  let o = offset;
  target[o++] = FLAG;
  for (let i = 0; i < packet.length; i++) {
    const b = packet[i] as number;
    if (b === FLAG || b === ESC) {
      target[o++] = ESC;
      target[o++] = b ^ ESC_MASK;
    } else target[o++] = b;
  }
  target[o++] = FLAG;
  return o - offset;
}

/** Frames a packet. */
export function frame(packet: Uint8Array): Buffer {
  const out = Buffer.allocUnsafe(framedLength(packet));
  frameInto(packet, out, 0);
  return out;
}

/** Streaming decoder. */
export class HdlcDecoder {
  readonly stats = { frames: 0, droppedShort: 0, droppedOversize: 0, discardedBytes: 0, overflows: 0 };
  private buf: Buffer = Buffer.alloc(0);
  private readonly hwMtu: number;
  constructor(options: { hwMtu?: number } = {}) {
    this.hwMtu = options.hwMtu ?? HW_MTU;
  }
  push(chunk: Buffer, onFrame: (frame: Buffer) => void): void {
    this.buf = this.buf.length === 0 ? chunk : Buffer.concat([this.buf, chunk]);
    for (;;) {
      const start = this.buf.indexOf(FLAG);
      if (start < 0) {
        this.buf = Buffer.alloc(0);
        return;
      }
      const end = this.buf.indexOf(FLAG, start + 1);
      if (end < 0) {
        this.buf = this.buf.subarray(start);
        return;
      }
      const raw = this.buf.subarray(start + 1, end);
      const out = Buffer.allocUnsafe(raw.length);
      let n = 0;
      for (let i = 0; i < raw.length; i++) {
        const b = raw[i] as number;
        if (b === ESC && i + 1 < raw.length) out[n++] = (raw[++i] as number) ^ ESC_MASK;
        else out[n++] = b;
      }
      this.buf = this.buf.subarray(end);
      if (n <= HEADER_MINSIZE) {
        if (n > 0) this.stats.droppedShort++;
        continue;
      }
      if (n > this.hwMtu) {
        this.stats.droppedOversize++;
        continue;
      }
      this.stats.frames++;
      onFrame(out.subarray(0, n));
    }
  }
}
