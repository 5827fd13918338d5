/**
 * What the stream decoders of the framing codecs (HDLC, KISS) share, so a connection can hold
 * either behind one type and count what it dropped the same way.
 */

/**
 * What a stream decoder delivered and dropped. Plain mutable counters (read them directly; a
 * decoder never resets them, not even on `reset()`).
 */
export interface FrameDecoderStats {
  /** Frames handed to `onFrame`. */
  frames: number;
  /**
   * Frames dropped because their unescaped length is `<= HEADER_MINSIZE` (19), as Python's
   * `check_frame_len` does. Empty HDLC frames (two adjacent FLAGs, which is what every pair of
   * back-to-back frames produces) are normal separators and are not counted here.
   */
  droppedShort: number;
  /** Complete frames dropped whole because their unescaped length exceeds `hwMtu`. */
  droppedOversize: number;
  /** Bytes thrown away without forming a frame (outside any frame, or of a discarded one). */
  discardedBytes: number;
  /** Partial frames discarded because their buffered body would exceed the decoder's bound. */
  overflows: number;
}

/** A streaming decoder of one framing: bytes in arbitrary chunks, whole packets out. */
export interface FrameDecoder {
  /** Counters of delivered and dropped data. */
  readonly stats: FrameDecoderStats;
  /** Bytes of the unfinished frame currently buffered. */
  readonly bufferedBytes: number;
  /** Bytes of memory held for the unfinished frame; 0 when no frame is pending. */
  readonly retainedBytes: number;
  /** How many unfinished frames the decoder has started buffering so far. */
  readonly partialsStarted: number;
  /**
   * Feeds the next chunk and calls `onFrame` synchronously for every complete, valid frame, in
   * stream order. The chunk must not be modified afterwards.
   */
  push(chunk: Buffer, onFrame: (frame: Buffer) => void): void;
  /** Forgets any partial frame and waits for the next frame start. Counters are kept. */
  reset(): void;
}

/** Options every {@link FrameDecoder} takes. */
export interface FrameDecoderOptions {
  /** Largest unescaped frame accepted, in bytes. */
  hwMtu?: number;
  /**
   * The chunks pushed are fresh buffers nobody reads afterwards (socket reads), so a decoder
   * may unescape in them and hand out views. A decoder may ignore it.
   */
  unescapeInPlace?: boolean;
}
