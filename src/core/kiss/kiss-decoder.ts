/**
 * Streaming KISS decoder for stream interfaces with `kiss_framing`, with Python RNS's receive
 * semantics (`TCPClientInterface.read_loop`) and the bounds and counters of the HDLC decoder.
 */
import { HEADER_MINSIZE, HW_MTU } from '../constants';
import { FrameDecoder, FrameDecoderOptions, FrameDecoderStats } from '../frame-decoder';
import { KISS_CMD_DATA, KISS_FEND, KISS_FESC, KISS_TFEND, KISS_TFESC } from './kiss-constants';

/** The command nibble: Python strips the port nibble (`byte & 0x0F`) and serves every port. */
const COMMAND_MASK = 0x0f;

/** Where the decoder is between two bytes. */
const enum State {
  /** Outside any frame: bytes up to the next FEND are discarded. */
  Idle,
  /** A FEND opened a frame; the next byte is its command. */
  Command,
  /** Inside a data frame: bytes are data (unescaped as they come). */
  Data,
  /** Inside a frame of another command: skipped up to its FEND, which opens the next frame. */
  Skip,
  /** Inside a data frame past `hwMtu`: skipped up to its closing FEND, then counted. */
  Oversize,
}

/**
 * Reassembles KISS data frames from a byte stream split into arbitrary chunks.
 *
 * As Python reads it: bytes outside a frame are discarded; a FEND opens a frame, and the next
 * byte is its command, of which only the low nibble counts (the port nibble is stripped); a FEND
 * that ends a data frame delivers it and does not open the next one (Python sends both FENDs of
 * every frame); a FEND inside any other frame opens a new one. Only data frames (command 0) are
 * delivered; their bytes are unescaped as they arrive (`DB DC -> C0`, `DB DD -> DB`; a FESC before
 * any other byte is dropped and the byte kept, as Python does).
 *
 * Bounds, as the HDLC decoder keeps them: a data frame is held unescaped and never grows past
 * `hwMtu` bytes; one that would is discarded at once and skipped up to its closing FEND, then
 * counted as oversize (Python keeps the first `HW_MTU` bytes and delivers them truncated, a
 * packet that cannot parse). Frames of `<= 19` bytes are dropped and counted as short. An idle
 * decoder holds no buffer.
 */
export class KissDecoder implements FrameDecoder {
  /** Counters of delivered and dropped data; `overflows` stays 0 (a frame never outgrows `hwMtu`). */
  readonly stats: FrameDecoderStats = {
    frames: 0,
    droppedShort: 0,
    droppedOversize: 0,
    discardedBytes: 0,
    overflows: 0,
  };

  private readonly hwMtu: number;
  private state = State.Idle;
  private escaped = false;
  private partial: Buffer | null = null;
  private partialLength = 0;
  private partialCount = 0;

  /**
   * @param options - `hwMtu`: the largest frame delivered (default {@link HW_MTU});
   *   `unescapeInPlace` is ignored (frames are unescaped as they arrive).
   * @throws RangeError when `hwMtu` is not a positive integer
   */
  constructor(options: FrameDecoderOptions = {}) {
    const hwMtu = options.hwMtu ?? HW_MTU;
    if (!Number.isSafeInteger(hwMtu) || hwMtu <= 0) {
      throw new RangeError(`KissDecoder: hwMtu must be a positive integer, got ${hwMtu}`);
    }
    this.hwMtu = hwMtu;
  }

  /** Data bytes of the unfinished frame (never more than `hwMtu`). */
  get bufferedBytes(): number {
    return this.partialLength;
  }

  /** Memory held for the unfinished frame (its buffer grows geometrically up to `hwMtu`). */
  get retainedBytes(): number {
    return this.partial?.length ?? 0;
  }

  /** How many data frames the decoder has started buffering so far. */
  get partialsStarted(): number {
    return this.partialCount;
  }

  /** Forgets any partial frame and waits for a FEND. Counters are kept. */
  reset(): void {
    this.state = State.Idle;
    this.escaped = false;
    this.dropPartial();
  }

  /**
   * Feeds the next chunk and calls `onFrame` for every complete, valid data frame, in order. If
   * `onFrame` throws, the error propagates and the decoder waits for the next FEND.
   */
  push(chunk: Buffer, onFrame: (frame: Buffer) => void): void {
    let completed = false;
    try {
      this.decode(chunk, onFrame);
      completed = true;
    } finally {
      if (!completed) this.reset();
    }
  }

  private decode(chunk: Buffer, onFrame: (frame: Buffer) => void): void {
    const length = chunk.length;
    let pos = 0;
    while (pos < length) {
      switch (this.state) {
        case State.Idle:
        case State.Skip: {
          const fend = chunk.indexOf(KISS_FEND, pos);
          const end = fend === -1 ? length : fend;
          this.stats.discardedBytes += end - pos;
          if (fend !== -1) this.state = State.Command;
          pos = end + 1;
          break;
        }
        case State.Command: {
          const byte = chunk[pos++] as number;
          if (byte === KISS_FEND) break;
          this.escaped = false;
          if ((byte & COMMAND_MASK) === KISS_CMD_DATA) {
            this.state = State.Data;
            this.partialCount++;
          } else {
            this.stats.discardedBytes++;
            this.state = State.Skip;
          }
          break;
        }
        case State.Oversize: {
          const fend = chunk.indexOf(KISS_FEND, pos);
          if (fend === -1) return;
          this.stats.droppedOversize++;
          this.state = State.Idle;
          pos = fend + 1;
          break;
        }
        case State.Data:
          pos = this.data(chunk, pos, onFrame);
          break;
      }
    }
  }

  /** Takes data bytes from `chunk[pos..]` up to and including a FEND; returns where it stopped. */
  private data(chunk: Buffer, pos: number, onFrame: (frame: Buffer) => void): number {
    const length = chunk.length;
    while (pos < length) {
      const byte = chunk[pos] as number;
      if (byte === KISS_FEND) {
        this.finish(onFrame);
        return pos + 1;
      }
      if (this.escaped) {
        this.escaped = false;
        this.append(byte === KISS_TFEND ? KISS_FEND : byte === KISS_TFESC ? KISS_FESC : byte);
        pos++;
      } else if (byte === KISS_FESC) {
        this.escaped = true;
        pos++;
      } else {
        // A run of plain bytes moves with one native copy.
        let end = chunk.indexOf(KISS_FEND, pos);
        if (end === -1) end = length;
        const fesc = chunk.indexOf(KISS_FESC, pos);
        if (fesc !== -1 && fesc < end) end = fesc;
        this.appendRun(chunk, pos, end);
        pos = end;
      }
      if (this.state !== State.Data) return pos;
    }
    return pos;
  }

  private append(byte: number): void {
    if (!this.reserve(1)) return;
    (this.partial as Buffer)[this.partialLength++] = byte;
  }

  private appendRun(chunk: Buffer, start: number, end: number): void {
    if (!this.reserve(end - start)) return;
    this.partialLength += chunk.copy(this.partial as Buffer, this.partialLength, start, end);
  }

  /** Makes room for `added` more bytes, or turns the frame oversize (returns false). */
  private reserve(added: number): boolean {
    const needed = this.partialLength + added;
    if (needed > this.hwMtu) {
      this.dropPartial();
      this.state = State.Oversize;
      return false;
    }
    const partial = this.partial;
    if (partial === null || needed > partial.length) {
      const grown = Math.min(this.hwMtu, Math.max(needed, 2 * (partial?.length ?? 0), 256));
      const next = Buffer.allocUnsafe(grown);
      if (partial !== null) partial.copy(next, 0, 0, this.partialLength);
      this.partial = next;
    }
    return true;
  }

  private finish(onFrame: (frame: Buffer) => void): void {
    const length = this.partialLength;
    const partial = this.partial;
    this.dropPartial();
    this.state = State.Idle;
    this.escaped = false;
    if (length <= HEADER_MINSIZE || partial === null) {
      this.stats.droppedShort++;
      return;
    }
    // A fresh buffer of exactly the frame's size: the decoder never writes to a frame handed out.
    const frame = Buffer.allocUnsafe(length);
    partial.copy(frame, 0, 0, length);
    this.stats.frames++;
    onFrame(frame);
  }

  private dropPartial(): void {
    this.partial = null;
    this.partialLength = 0;
  }
}
