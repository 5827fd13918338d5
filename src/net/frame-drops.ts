import { FrameDecoderStats } from '../core/frame-decoder';

/**
 * Frames the stream decoders of an interface's connections dropped, kept across connections: a
 * connection's decoder goes with it, so its counts are banked here when it closes and added to
 * those of the live connections when read.
 */
export class FrameDrops {
  private short = 0;
  private oversize = 0;
  private overflows = 0;

  /** Banks the final counts of a closed connection's decoder. */
  bank(stats: Readonly<FrameDecoderStats>): void {
    this.short += stats.droppedShort;
    this.oversize += stats.droppedOversize;
    this.overflows += stats.overflows;
  }

  /**
   * The banked counts plus those of `live` decoders, by drop reason: `rx_frame_short` (shorter
   * than a Reticulum header), `rx_frame_oversize` (longer than the hardware MTU),
   * `rx_frame_overflow` (an unfinished frame that outgrew its buffer).
   */
  read(live: Iterable<Readonly<FrameDecoderStats>>): Record<string, number> {
    let short = this.short;
    let oversize = this.oversize;
    let overflows = this.overflows;
    for (const stats of live) {
      short += stats.droppedShort;
      oversize += stats.droppedOversize;
      overflows += stats.overflows;
    }
    return { rx_frame_short: short, rx_frame_oversize: oversize, rx_frame_overflow: overflows };
  }
}
