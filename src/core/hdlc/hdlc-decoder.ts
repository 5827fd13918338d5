/**
 * Streaming HDLC decoder for stream interfaces, with Python RNS's receive semantics and bounds.
 */
import { HEADER_MINSIZE, HW_MTU } from '../constants';
import { FrameDecoder, FrameDecoderStats } from '../frame-decoder';
import { HDLC_ESC, HDLC_FLAG } from './hdlc-constants';
import { unescape, unescapeInPlace, unescapeInto } from './hdlc-escape';

/** What a {@link HdlcDecoder} delivered and dropped (see {@link FrameDecoderStats}). */
export type HdlcDecoderStats = FrameDecoderStats;

/** Options of a {@link HdlcDecoder}. */
export interface HdlcDecoderOptions {
  /**
   * Largest unescaped frame accepted, in bytes (default {@link HW_MTU}, 1 MiB as in Python's
   * BackboneInterface). Pass `HW_MTU + ifacSize` for an interface with IFAC, as Python's
   * `check_frame_len` allows. The buffered partial frame is capped at twice this value.
   */
  hwMtu?: number;
  /**
   * Let the decoder unescape a frame that lies inside one pushed chunk in place, in that chunk's
   * own bytes, and hand out a view of them instead of a fresh buffer (default false). Only for
   * chunks nobody reads again after `push`, such as socket reads (Node allocates a new buffer
   * for each): it saves an allocation and a slower copy per escaped frame. The decoder still
   * writes only bytes of the frame it is delivering, never those of a frame handed out before.
   */
  unescapeInPlace?: boolean;
}

/**
 * Reassembles HDLC frames from a byte stream split into arbitrary chunks.
 *
 * Semantics (Python RNS `BackboneClientInterface.receive`): bytes before the first FLAG are
 * discarded; a closing FLAG is also the next opening FLAG; a frame body is unescaped (only
 * `7D 5E` and `7D 5D`); empty frames are skipped silently; frames of `<= 19` bytes or over
 * `hwMtu` bytes are dropped and counted; a partial frame whose escaped body would grow past
 * `2 × hwMtu` is discarded (an overflow; such a frame could only have been oversize) and
 * decoding resyncs at the next FLAG.
 *
 * Frames handed to `onFrame` stay valid forever and the decoder never writes to them: a frame
 * that lies inside one chunk and holds no ESC is a `subarray` view of that chunk (no copy), any
 * other frame is a fresh buffer (or, with `unescapeInPlace`, a view of the chunk's bytes
 * unescaped in place). The caller must therefore not modify a chunk after pushing it.
 * The decoder keeps no reference to a chunk after `push` returns; only the bytes of an
 * unfinished frame are copied into a private buffer, released once that frame completes, so an
 * idle decoder holds no buffer at all.
 *
 * Cost is O(chunk) per push regardless of how many frames it holds: FLAG and ESC positions are
 * found with native `Buffer.indexOf` from moving offsets, and no byte is scanned twice by JS.
 */
export class HdlcDecoder implements FrameDecoder {
  /** Counters of delivered and dropped data; see {@link HdlcDecoderStats}. */
  readonly stats: HdlcDecoderStats = {
    frames: 0,
    droppedShort: 0,
    droppedOversize: 0,
    discardedBytes: 0,
    overflows: 0,
  };

  private readonly hwMtu: number;
  private readonly maxPartial: number;
  private readonly inPlace: boolean;
  /** True once an opening FLAG was seen, i.e. the bytes that follow belong to a frame body. */
  private inFrame = false;
  /** Escaped bytes of the frame body begun in an earlier chunk; private, never handed out. */
  private partial: Buffer | null = null;
  private partialLength = 0;
  private partialHasEsc = false;
  private partialCount = 0;

  /**
   * @param options - see {@link HdlcDecoderOptions}
   * @throws RangeError when `hwMtu` is not a positive integer
   */
  constructor(options: HdlcDecoderOptions = {}) {
    const hwMtu = options.hwMtu ?? HW_MTU;
    if (!Number.isSafeInteger(hwMtu) || hwMtu <= 0) {
      throw new RangeError(`HdlcDecoder: hwMtu must be a positive integer, got ${hwMtu}`);
    }
    this.hwMtu = hwMtu;
    this.maxPartial = 2 * hwMtu;
    this.inPlace = options.unescapeInPlace === true;
  }

  /** Bytes of the unfinished frame currently buffered (never more than `2 × hwMtu`). */
  get bufferedBytes(): number {
    return this.partialLength;
  }

  /**
   * Bytes of memory held for the unfinished frame: its buffer, which grows geometrically, so at
   * most about twice {@link bufferedBytes}; 0 when no frame is pending.
   */
  get retainedBytes(): number {
    return this.partial?.length ?? 0;
  }

  /**
   * How many unfinished frames the decoder has started buffering so far (a frame spread over
   * several chunks counts once). A caller that saw a partial frame before can tell from it
   * whether the one buffered now is still that frame.
   */
  get partialsStarted(): number {
    return this.partialCount;
  }

  /**
   * Forgets any partial frame and waits for a new opening FLAG (e.g. after a reconnect).
   * Counters are kept.
   */
  reset(): void {
    this.inFrame = false;
    this.dropPartial();
  }

  /**
   * Feeds the next chunk of the stream and calls `onFrame` synchronously for every complete,
   * valid frame it finishes, in stream order.
   *
   * If `onFrame` throws, the error propagates, the rest of the chunk is discarded and the
   * decoder resyncs at the next FLAG, so a faulty listener cannot desynchronise the stream.
   *
   * @param chunk - the next bytes of the stream; must not be modified afterwards
   * @param onFrame - receives each frame (unescaped, without FLAGs)
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
    if (!this.inFrame) {
      const flag = chunk.indexOf(HDLC_FLAG);
      if (flag === -1) {
        this.stats.discardedBytes += length;
        return;
      }
      this.stats.discardedBytes += flag;
      this.inFrame = true;
      pos = flag + 1;
    } else if (this.partialLength > 0) {
      const flag = chunk.indexOf(HDLC_FLAG);
      if (flag === -1) {
        this.appendPartial(chunk, 0);
        return;
      }
      this.completePartial(chunk, flag, onFrame);
      pos = flag + 1;
    }

    // Invariant from here: inFrame, no partial, and a frame body starts at pos.
    // nextEsc caches the first ESC at or after pos (length when none), so ESC detection costs
    // one native scan per ESC in the chunk instead of one scan per frame.
    let nextEsc = -1;
    while (pos < length) {
      if (chunk[pos] === HDLC_FLAG) {
        // Empty frame: the FLAG pair between back-to-back frames. Skipped silently.
        pos++;
        continue;
      }
      const flag = chunk.indexOf(HDLC_FLAG, pos);
      if (flag === -1) {
        this.appendPartial(chunk, pos);
        return;
      }
      if (flag - pos <= HEADER_MINSIZE) {
        // Unescaping never lengthens a frame, so this one is short whatever it holds: drop it
        // without a view or an unescape copy (a flood of tiny frames then costs no allocation).
        this.stats.droppedShort++;
        pos = flag + 1;
        continue;
      }
      if (nextEsc < pos) {
        nextEsc = chunk.indexOf(HDLC_ESC, pos);
        if (nextEsc === -1) nextEsc = length;
      }
      if (nextEsc >= flag) {
        this.deliver(chunk.subarray(pos, flag), onFrame);
      } else if (flag - pos > this.maxPartial) {
        // Even if every byte were an escape pair it unescapes to more than hwMtu bytes.
        this.stats.droppedOversize++;
      } else if (this.inPlace) {
        this.deliver(chunk.subarray(pos, unescapeInPlace(chunk, pos, flag)), onFrame);
      } else {
        this.deliver(unescape(chunk.subarray(pos, flag)), onFrame);
      }
      pos = flag + 1;
    }
  }

  /** Checks an unescaped frame against Python's bounds and hands it out or counts the drop. */
  private deliver(frame: Buffer, onFrame: (frame: Buffer) => void): void {
    const length = frame.length;
    if (length <= HEADER_MINSIZE) {
      this.stats.droppedShort++;
    } else if (length > this.hwMtu) {
      this.stats.droppedOversize++;
    } else {
      this.stats.frames++;
      onFrame(frame);
    }
  }

  /** Buffers `chunk[start..]`, the unterminated body tail, or discards it on overflow. */
  private appendPartial(chunk: Buffer, start: number): void {
    const added = chunk.length - start;
    if (added === 0) return;
    const needed = this.partialLength + added;
    if (needed > this.maxPartial) {
      this.stats.overflows++;
      this.stats.discardedBytes += needed;
      this.inFrame = false;
      this.dropPartial();
      return;
    }
    if (this.partialLength === 0) this.partialCount++;
    let partial = this.partial;
    if (partial === null || needed > partial.length) {
      // Geometric growth keeps a frame spread over many small chunks at O(frame) copying.
      const grown = Math.min(this.maxPartial, Math.max(needed, 2 * (partial?.length ?? 0), 256));
      const next = Buffer.allocUnsafe(grown);
      if (partial !== null) partial.copy(next, 0, 0, this.partialLength);
      partial = next;
      this.partial = next;
    }
    chunk.copy(partial, this.partialLength, start);
    this.partialLength = needed;
    if (!this.partialHasEsc) this.partialHasEsc = chunk.indexOf(HDLC_ESC, start) !== -1;
  }

  /** Finishes the buffered frame with `chunk[0..flag)` and delivers it as a fresh buffer. */
  private completePartial(chunk: Buffer, flag: number, onFrame: (frame: Buffer) => void): void {
    const partial = this.partial as Buffer;
    const partialLength = this.partialLength;
    const total = partialLength + flag;
    const hasEsc = this.partialHasEsc || (flag > 0 && chunk.subarray(0, flag).indexOf(HDLC_ESC) !== -1);
    this.dropPartial();
    // Reject without copying when the length alone proves the frame oversize.
    if ((!hasEsc && total > this.hwMtu) || total > this.maxPartial) {
      this.stats.droppedOversize++;
      return;
    }
    // A fresh buffer of exactly the frame's size: the partial buffer may be larger, and frames
    // handed out must never share memory the decoder writes to later.
    const joined = Buffer.allocUnsafe(total);
    partial.copy(joined, 0, 0, partialLength);
    chunk.copy(joined, partialLength, 0, flag);
    this.deliver(hasEsc ? joined.subarray(0, unescapeInto(joined, joined, 0)) : joined, onFrame);
  }

  private dropPartial(): void {
    this.partial = null;
    this.partialLength = 0;
    this.partialHasEsc = false;
  }
}
