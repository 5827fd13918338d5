/**
 * Splits a byte stream into newline-terminated lines, refusing to buffer more than `maxBytes`
 * of an unterminated line, so a client that never sends a newline cannot grow memory.
 */
export class BoundedLineSplitter {
  private pending: Buffer[] = [];
  private pendingBytes = 0;
  private overflowed = false;

  constructor(
    /** The longest line accepted, in bytes, without its newline. */
    readonly maxBytes: number,
  ) {}

  /** True once a line exceeded {@link maxBytes}; nothing more is returned after that. */
  get overflow(): boolean {
    return this.overflowed;
  }

  /**
   * Feeds a chunk; returns the complete lines it finished (without the newline, `\r` trimmed).
   * After an overflow it returns the lines completed before it, then nothing ever again.
   */
  push(chunk: Buffer): string[] {
    if (this.overflowed) return [];
    const lines: string[] = [];
    let start = 0;
    for (let nl = chunk.indexOf(0x0a, start); nl !== -1; nl = chunk.indexOf(0x0a, start)) {
      const piece = chunk.subarray(start, nl);
      if (this.pendingBytes + piece.length > this.maxBytes) return this.fail(lines);
      const line = this.pendingBytes === 0 ? piece : Buffer.concat([...this.pending, piece]);
      this.pending = [];
      this.pendingBytes = 0;
      lines.push(line.toString('utf8').replace(/\r$/, ''));
      start = nl + 1;
    }
    if (start < chunk.length) {
      const rest = chunk.subarray(start);
      if (this.pendingBytes + rest.length > this.maxBytes) return this.fail(lines);
      this.pending.push(rest);
      this.pendingBytes += rest.length;
    }
    return lines;
  }

  /** Marks the overflow; the lines completed before it are still returned. */
  private fail(completed: string[]): string[] {
    this.overflowed = true;
    this.pending = [];
    this.pendingBytes = 0;
    return completed;
  }
}
