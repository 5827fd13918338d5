import { HDLC_FRAMING, StreamFraming } from '../../core/stream-framing';

/**
 * Size of the append-only slabs packets are framed into. Large enough that the frames of one
 * 64 KiB received chunk usually land in one slab (one contiguous range, written without a
 * copy); small enough that the slab a slow peer's unfinished write keeps alive (see
 * {@link FrameArena}) stays a fraction of its send budget.
 */
export const FRAME_SLAB_BYTES = 256 * 1024;

/**
 * Frames each packet once for all the peers of a server, into shared append-only slabs.
 *
 * A relay hands the same packet object to every other peer, one after another. The first
 * {@link frame} call escapes it into the current slab; the following calls for that packet
 * return the same place. Packets framed one after another lie back to back, so the batch a peer
 * collects while one received chunk is relayed is usually one contiguous range of one slab: the
 * peer writes a view of it, with no copy, and in a 1 -> N fan-out the N sockets write the very
 * same view ({@link view} hands it out once). Any other batch is joined with plain copies of
 * already framed bytes; no packet is escaped twice in a row.
 *
 * Bytes once written into a slab are never overwritten (a full slab is left to the garbage
 * collector and a new one started), so views handed to sockets stay valid however long a write
 * is queued. Packets handed to a writer are immutable (the Writer contract), so the same object
 * means the same bytes.
 */
export class FrameArena {
  /** The slab holding the last packet framed; its bytes are `slab[start, end)`. */
  slab: Buffer | null = null;
  /** Offset of the last framed packet in {@link slab}. */
  start = 0;
  /** End (exclusive) of the last framed packet in {@link slab}. */
  end = 0;

  private lastPacket: Uint8Array | null = null;
  private current: Buffer | null = null;
  private used = 0;
  private lastView: Buffer | null = null;

  /** @param framing - how packets are framed (HDLC by default). */
  constructor(private readonly framing: StreamFraming = HDLC_FRAMING) {}

  /**
   * Frames `packet` (unless it is the packet framed last) and leaves its place in {@link slab},
   * {@link start} and {@link end}.
   *
   * @returns the framed length
   */
  frame(packet: Uint8Array): number {
    if (packet === this.lastPacket) return this.end - this.start;
    const length = this.framing.framedLength(packet);
    let slab: Buffer;
    let start: number;
    if (length > FRAME_SLAB_BYTES) {
      // A frame larger than a slab (up to the hardware MTU) gets a buffer of its own.
      slab = Buffer.allocUnsafeSlow(length);
      start = 0;
    } else {
      let current = this.current;
      if (current === null || this.used + length > current.length) {
        current = Buffer.allocUnsafeSlow(FRAME_SLAB_BYTES);
        this.current = current;
        this.used = 0;
      }
      slab = current;
      start = this.used;
      this.used += length;
    }
    this.framing.frameInto(packet, slab, start);
    this.lastPacket = packet;
    this.slab = slab;
    this.start = start;
    this.end = start + length;
    return length;
  }

  /**
   * A view of `slab[start, end)`; the same object as last time when asked for the same range,
   * so peers sharing a batch share one view. The caller must not write into it.
   */
  view(slab: Buffer, start: number, end: number): Buffer {
    const last = this.lastView;
    if (last !== null && last.buffer === slab.buffer && last.byteOffset === slab.byteOffset + start) {
      if (last.length === end - start) return last;
    }
    const view = slab.subarray(start, end);
    this.lastView = view;
    return view;
  }

  /** Forgets the last packet, view and the current slab (so they can be collected). */
  clear(): void {
    this.lastPacket = null;
    this.lastView = null;
    this.slab = null;
    this.current = null;
    this.used = 0;
  }
}
