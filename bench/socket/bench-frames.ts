/**
 * Wire frames for the socket benchmark's load generator, in the same layout as the external C
 * loadgen so either instrument sees the same traffic:
 *
 * `0x7E | packet | 0x7E`, packet = HEADER_1 DATA: `[flags 0x00][hops 0x00][16 B destination]
 * [context 0x00][8 B send timestamp][filler]`. Destination = 4 B run magic | 4 B sender id |
 * 8 B sequence number, every byte of id, sequence and timestamp 7-bit encoded as `0x80 | bits`
 * and the filler free of 0x7D/0x7E, so no byte ever needs HDLC escaping: each frame is exactly
 * `PACKET_SIZE + 2` bytes and the fields can be patched in place in a pre-built batch. Unique
 * destinations make every packet hash distinct, so a deduplicating relay never drops one.
 *
 * Link frames (the transport benchmarks, the loadgen's `--trace` layout): the packet starts with
 * a 19-byte link packet header (HEADER_1, LINK, DATA, link id, context NONE) given by the trace,
 * and magic, sender id, sequence number and timestamp follow it in the data. The sequence number
 * keeps every packet hash distinct.
 */

/** HDLC frame delimiter. */
export const FLAG = 0x7e;
/** Reticulum packet size the generator sends (bytes, before framing). */
export const PACKET_SIZE = 500;
/** Wire size of one frame (no escapes by construction). */
export const FRAME_SIZE = PACKET_SIZE + 2;
/** Bytes of the timestamp (7 bits each: 56 bits of microseconds). */
const TIMESTAMP_BYTES = 8;
/** The run magic every generated packet carries. */
export const MAGIC: readonly number[] = [0xb3, 0x9c, 0xd1, 0xe7];
/** Length of a link packet header (flags, hops, link id, context). */
export const LINK_HEADER_SIZE = 19;

/** Where the generator's fields lie inside a frame (offsets after the opening flag included). */
export interface FrameLayout {
  readonly magic: number;
  readonly sender: number;
  readonly seq: number;
  readonly timestamp: number;
}

/** Plain frames: the fields fill the destination hash, the timestamp follows the context. */
export const PLAIN_LAYOUT: FrameLayout = { magic: 1 + 2, sender: 1 + 6, seq: 1 + 10, timestamp: 1 + 19 };
/** Link frames: the fields follow the 19-byte link header. */
export const LINK_LAYOUT: FrameLayout = { magic: 1 + 19, sender: 1 + 23, seq: 1 + 27, timestamp: 1 + 35 };
/** Offset of the send timestamp inside a plain frame. */
export const TIMESTAMP_OFFSET = PLAIN_LAYOUT.timestamp;

/** Writes `value` (a non-negative integer below 2^53) as `count` 7-bit big-endian bytes. */
export function put7(target: Buffer, offset: number, count: number, value: number): void {
  let rest = value;
  for (let i = count - 1; i >= 0; i--) {
    target[offset + i] = 0x80 | (rest & 0x7f);
    // Division, not shifts: values go past 32 bits.
    rest = Math.floor(rest / 128);
  }
}

/** Reads `count` 7-bit big-endian bytes written by {@link put7}. */
export function get7(source: Buffer, offset: number, count: number): number {
  let value = 0;
  for (let i = 0; i < count; i++) value = value * 128 + (source[offset + i] & 0x7f);
  return value;
}

/** Reads the send timestamp (microseconds on the run clock) of a frame starting at `offset`. */
export function frameTimestampUs(source: Buffer, frameOffset: number, layout = PLAIN_LAYOUT): number {
  return get7(source, frameOffset + layout.timestamp, TIMESTAMP_BYTES);
}

/** The sender id of a packet (unescaped, no flags) in `layout`, or -1 without the run magic. */
export function packetSender(packet: Uint8Array, layout: FrameLayout): number {
  const m = layout.magic - 1;
  if (packet.length < layout.timestamp - 1 + TIMESTAMP_BYTES) return -1;
  for (let i = 0; i < MAGIC.length; i++) if (packet[m + i] !== MAGIC[i]) return -1;
  return get7(packet as Buffer, layout.sender - 1, 4);
}

/** The send timestamp of a packet (unescaped, no flags) in `layout`. */
export function packetTimestampUs(packet: Uint8Array, layout: FrameLayout): number {
  return get7(packet as Buffer, layout.timestamp - 1, TIMESTAMP_BYTES);
}

/**
 * A reusable batch of `count` frames from one sender. {@link stamp} patches fresh sequence
 * numbers and the send time into every frame before the batch is written.
 */
export class FrameBatch {
  /** The frames, back to back. */
  readonly buffer: Buffer;
  /** Frames in the batch. */
  readonly count: number;
  /** Where the fields lie. */
  readonly layout: FrameLayout;

  /**
   * @param senderId - distinguishes senders, so all-to-all traffic stays unique
   * @param count - frames in the batch
   * @param seed - varies the filler between batches
   * @param linkHeader - the 19-byte link packet header (link frames); it must hold no 0x7D or
   *   0x7E byte (the frames are never escaped)
   */
  constructor(senderId: number, count: number, seed: number, linkHeader?: Uint8Array) {
    if (linkHeader !== undefined) {
      if (linkHeader.length !== LINK_HEADER_SIZE) throw new RangeError('a link header is 19 bytes');
      if (linkHeader.includes(0x7e) || linkHeader.includes(0x7d)) {
        throw new RangeError('a link header for the generator must need no HDLC escaping');
      }
    }
    const layout = linkHeader === undefined ? PLAIN_LAYOUT : LINK_LAYOUT;
    this.layout = layout;
    this.count = count;
    this.buffer = Buffer.alloc(count * FRAME_SIZE);
    let state = (seed * 2654435761 + senderId + 1) >>> 0 || 1;
    for (let f = 0; f < count; f++) {
      const base = f * FRAME_SIZE;
      const b = this.buffer;
      b[base] = FLAG;
      if (linkHeader === undefined) {
        b[base + 1] = 0x00; // flags: HEADER_1, SINGLE, DATA
        b[base + 2] = 0x00; // hops
        b[base + 1 + 18] = 0x00; // context NONE
      } else {
        b.set(linkHeader, base + 1);
      }
      for (let i = 0; i < 4; i++) b[base + layout.magic + i] = MAGIC[i];
      put7(b, base + layout.sender, 4, senderId);
      for (let i = layout.timestamp + TIMESTAMP_BYTES; i < FRAME_SIZE - 1; i++) {
        state ^= state << 13;
        state ^= state >>> 17;
        state ^= state << 5;
        const byte = state & 0xff;
        b[base + i] = byte === 0x7e || byte === 0x7d ? 0x20 : byte;
      }
      b[base + FRAME_SIZE - 1] = FLAG;
    }
  }

  /**
   * Gives the frames sequence numbers `firstSeq`, `firstSeq + 1`, ... and the timestamp
   * `timestampUs`, in the first `count` frames (all by default).
   */
  stamp(firstSeq: number, timestampUs: number, count = this.count): void {
    const b = this.buffer;
    const { seq: seqOffset, timestamp: timestampOffset } = this.layout;
    // Encode the timestamp once, then copy its 8 bytes into each frame.
    put7(b, timestampOffset, TIMESTAMP_BYTES, timestampUs);
    const t0 = b[timestampOffset];
    const t1 = b[timestampOffset + 1];
    const t2 = b[timestampOffset + 2];
    const t3 = b[timestampOffset + 3];
    const t4 = b[timestampOffset + 4];
    const t5 = b[timestampOffset + 5];
    const t6 = b[timestampOffset + 6];
    const t7 = b[timestampOffset + 7];
    // Sequence numbers stay far below 2^28 * 2^28, so split high/low 28 bits and use int math.
    let high = Math.floor(firstSeq / 0x10000000);
    let low = firstSeq % 0x10000000;
    for (let f = 0, base = 0; f < count; f++, base += FRAME_SIZE) {
      const s = base + seqOffset;
      b[s] = 0x80 | ((high >>> 21) & 0x7f);
      b[s + 1] = 0x80 | ((high >>> 14) & 0x7f);
      b[s + 2] = 0x80 | ((high >>> 7) & 0x7f);
      b[s + 3] = 0x80 | (high & 0x7f);
      b[s + 4] = 0x80 | ((low >>> 21) & 0x7f);
      b[s + 5] = 0x80 | ((low >>> 14) & 0x7f);
      b[s + 6] = 0x80 | ((low >>> 7) & 0x7f);
      b[s + 7] = 0x80 | (low & 0x7f);
      const t = base + timestampOffset;
      b[t] = t0;
      b[t + 1] = t1;
      b[t + 2] = t2;
      b[t + 3] = t3;
      b[t + 4] = t4;
      b[t + 5] = t5;
      b[t + 6] = t6;
      b[t + 7] = t7;
      if (++low === 0x10000000) {
        low = 0;
        high++;
      }
    }
  }
}

/** Microseconds since `epochNs` (a `process.hrtime.bigint()` value shared by all threads). */
export function runClockUs(epochNs: bigint): number {
  return Number((process.hrtime.bigint() - epochNs) / 1000n);
}
