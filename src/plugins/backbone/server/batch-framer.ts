import { frame, frameInto, framedLength } from '../../../core/hdlc';

/**
 * Frames peers' send batches, sharing work between the peers of one server.
 *
 * A relay hands the same packet object to every other peer, one after another, and in a 1 -> N
 * fan-out every receiving peer ends the turn with the very same batch (the same packet objects
 * in the same order). Framing is then done once: {@link framedLength} remembers the last packet
 * it measured, and {@link frameBatch} returns the previous buffer when the batch holds exactly
 * the previous batch's packets, so N peers share one escape pass, one allocation and one copy,
 * and their sockets write the same (read-only) buffer. Packets handed to a writer are immutable
 * (the Writer contract), so identity implies equal bytes. Any other batch (all-to-all traffic,
 * where each peer's batch lacks its own packets) is framed as usual; the check costs one
 * reference comparison per packet at most and usually stops at the first.
 */
export class BatchFramer {
  private lastPacket: Uint8Array | null = null;
  private lastLength = 0;
  private lastBatch: readonly Uint8Array[] | null = null;
  private lastOut: Buffer | null = null;

  /** The framed length of `packet` (memoised for the last packet asked about). */
  framedLength(packet: Uint8Array): number {
    if (packet !== this.lastPacket) {
      this.lastPacket = packet;
      this.lastLength = framedLength(packet);
    }
    return this.lastLength;
  }

  /**
   * Frames `packets` back to back into one buffer of `bytes` bytes (the sum of their framed
   * lengths). The caller must not change `packets` afterwards (it is kept for comparison) and
   * must not write into the result (it may be shared with other peers).
   */
  frameBatch(packets: readonly Uint8Array[], bytes: number): Buffer {
    const last = this.lastBatch;
    const lastOut = this.lastOut;
    if (last !== null && lastOut !== null && last.length === packets.length && lastOut.length === bytes) {
      let same = true;
      for (let i = 0; i < packets.length; i++) {
        if (last[i] !== packets[i]) {
          same = false;
          break;
        }
      }
      if (same) return lastOut;
    }
    let out: Buffer;
    if (packets.length === 1) {
      out = frame(packets[0] as Uint8Array);
    } else {
      out = Buffer.allocUnsafe(bytes);
      let offset = 0;
      for (let i = 0; i < packets.length; i++) offset += frameInto(packets[i] as Uint8Array, out, offset);
    }
    this.lastBatch = packets;
    this.lastOut = out;
    return out;
  }

  /** Forgets the remembered packet and batch (so they can be collected). */
  clear(): void {
    this.lastPacket = null;
    this.lastBatch = null;
    this.lastOut = null;
  }
}
