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
 */

/** HDLC frame delimiter. */
export const FLAG = 0x7e;
/** Reticulum packet size the generator sends (bytes, before framing). */
export const PACKET_SIZE = 500;
/** Wire size of one frame (no escapes by construction). */
export const FRAME_SIZE = PACKET_SIZE + 2;
/** Offset of the sender id inside a frame (after the opening flag). */
const SENDER_OFFSET = 1 + 6;
/** Offset of the sequence number inside a frame. */
const SEQ_OFFSET = 1 + 10;
/** Offset of the send timestamp inside a frame. */
export const TIMESTAMP_OFFSET = 1 + 19;
/** Bytes of the timestamp (7 bits each: 56 bits of microseconds). */
const TIMESTAMP_BYTES = 8;
const MAGIC = [0xb3, 0x9c, 0xd1, 0xe7];

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
export function frameTimestampUs(source: Buffer, frameOffset: number): number {
  return get7(source, frameOffset + TIMESTAMP_OFFSET, TIMESTAMP_BYTES);
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

  /**
   * @param senderId - distinguishes senders, so all-to-all traffic stays unique
   * @param count - frames in the batch
   * @param seed - varies the filler between batches
   */
  constructor(senderId: number, count: number, seed: number) {
    this.count = count;
    this.buffer = Buffer.alloc(count * FRAME_SIZE);
    let state = (seed * 2654435761 + senderId + 1) >>> 0 || 1;
    for (let f = 0; f < count; f++) {
      const base = f * FRAME_SIZE;
      const b = this.buffer;
      b[base] = FLAG;
      b[base + 1] = 0x00; // flags: HEADER_1, SINGLE, DATA
      b[base + 2] = 0x00; // hops
      for (let i = 0; i < 4; i++) b[base + 3 + i] = MAGIC[i];
      put7(b, base + SENDER_OFFSET, 4, senderId);
      b[base + 1 + 18] = 0x00; // context NONE
      for (let i = TIMESTAMP_OFFSET + TIMESTAMP_BYTES; i < FRAME_SIZE - 1; i++) {
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
    // Encode the timestamp once, then copy its 8 bytes into each frame.
    put7(b, TIMESTAMP_OFFSET, TIMESTAMP_BYTES, timestampUs);
    const t0 = b[TIMESTAMP_OFFSET];
    const t1 = b[TIMESTAMP_OFFSET + 1];
    const t2 = b[TIMESTAMP_OFFSET + 2];
    const t3 = b[TIMESTAMP_OFFSET + 3];
    const t4 = b[TIMESTAMP_OFFSET + 4];
    const t5 = b[TIMESTAMP_OFFSET + 5];
    const t6 = b[TIMESTAMP_OFFSET + 6];
    const t7 = b[TIMESTAMP_OFFSET + 7];
    // Sequence numbers stay far below 2^28 * 2^28, so split high/low 28 bits and use int math.
    let high = Math.floor(firstSeq / 0x10000000);
    let low = firstSeq % 0x10000000;
    for (let f = 0, base = 0; f < count; f++, base += FRAME_SIZE) {
      const s = base + SEQ_OFFSET;
      b[s] = 0x80 | ((high >>> 21) & 0x7f);
      b[s + 1] = 0x80 | ((high >>> 14) & 0x7f);
      b[s + 2] = 0x80 | ((high >>> 7) & 0x7f);
      b[s + 3] = 0x80 | (high & 0x7f);
      b[s + 4] = 0x80 | ((low >>> 21) & 0x7f);
      b[s + 5] = 0x80 | ((low >>> 14) & 0x7f);
      b[s + 6] = 0x80 | ((low >>> 7) & 0x7f);
      b[s + 7] = 0x80 | (low & 0x7f);
      const t = base + TIMESTAMP_OFFSET;
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
