/** Strings up to this length are copied character by character rather than through the native encoder. */
const SHORT_STRING = 96;

/** Bytes of one chunk: large enough that the per-chunk costs vanish, small enough to hash in well under 1 ms. */
const CHUNK_BYTES = 256 * 1024;

/**
 * Builds a large binary output (a table file of many megabytes) in chunks, so it never copies what
 * it has written to grow, and can be written out chunk by chunk. Integers are big-endian, as in
 * MessagePack. Each finished chunk is passed to `onChunk` (a running checksum).
 */
export class ByteWriter {
  private readonly done: Buffer[] = [];
  private chunk: Buffer;
  private at = 0;
  private finishedBytes = 0;

  constructor(private readonly onChunk?: (chunk: Buffer) => void) {
    this.chunk = Buffer.allocUnsafe(CHUNK_BYTES);
  }

  /** Bytes written so far. */
  get length(): number {
    return this.finishedBytes + this.at;
  }

  u8(value: number): void {
    this.room(1);
    this.chunk[this.at++] = value;
  }

  u16(value: number): void {
    this.room(2);
    this.at = this.chunk.writeUInt16BE(value, this.at);
  }

  u32(value: number): void {
    this.room(4);
    this.at = this.chunk.writeUInt32BE(value, this.at);
  }

  /** A signed 32-bit integer, little-endian (as the dedup tables hold packet-hash words). */
  i32le(value: number): void {
    this.room(4);
    this.at = this.chunk.writeInt32LE(value, this.at);
  }

  f64(value: number): void {
    this.room(8);
    this.at = this.chunk.writeDoubleBE(value, this.at);
  }

  bytes(value: Uint8Array): void {
    this.room(value.length);
    this.chunk.set(value, this.at);
    this.at += value.length;
  }

  /**
   * Characters `start..end` of a latin1 string (one byte per character), as the transport tables
   * hold bytes. Short runs are copied in JS: a call into the native encoder costs more than that.
   */
  latin1(value: string, start = 0, end = value.length): void {
    const length = end - start;
    this.room(length);
    const chunk = this.chunk;
    if (length <= SHORT_STRING) {
      let at = this.at;
      for (let i = start; i < end; i++) chunk[at++] = value.charCodeAt(i);
      this.at = at;
    } else {
      this.at += chunk.write(
        start === 0 && end === value.length ? value : value.slice(start, end),
        this.at,
        'latin1',
      );
    }
  }

  /** The output as chunks (no copy); nothing may be written after. */
  finish(): Buffer[] {
    this.seal();
    this.chunk = Buffer.alloc(0);
    return this.done;
  }

  private room(bytes: number): void {
    if (this.at + bytes <= this.chunk.length) return;
    this.seal();
    this.chunk = Buffer.allocUnsafe(Math.max(CHUNK_BYTES, bytes));
  }

  private seal(): void {
    if (this.at === 0) return;
    const full = this.chunk.subarray(0, this.at);
    this.done.push(full);
    this.onChunk?.(full);
    this.finishedBytes += this.at;
    this.at = 0;
  }
}
