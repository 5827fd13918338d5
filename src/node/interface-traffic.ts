import { InterfaceStats, emptyInterfaceStats } from '../core/driver/interface-stats';

/** Adds every counter of `from` into `into`. */
export function addInterfaceStats(into: InterfaceStats, from: Readonly<InterfaceStats>): void {
  into.rxPackets += from.rxPackets;
  into.rxBytes += from.rxBytes;
  into.txPackets += from.txPackets;
  into.txBytes += from.txBytes;
  into.rxDroppedOffline += from.rxDroppedOffline;
  into.rxDuplicates += from.rxDuplicates;
  into.rxIfacDropped += from.rxIfacDropped;
  into.txRefusedOffline += from.txRefusedOffline;
  into.txRefusedFull += from.txRefusedFull;
}

/**
 * Traffic of listeners' peers that disconnected. The driver removes a dynamic interface (and
 * its counters) when its peer leaves; a listener's status must still count what those peers
 * sent and received, so the node banks their counters here when they go down.
 */
export class DepartedPeerTraffic {
  private readonly byListener = new Map<number, InterfaceStats>();

  /** Banks the final counters of a peer of `listenerId`. */
  add(listenerId: number, stats: Readonly<InterfaceStats>): void {
    let total = this.byListener.get(listenerId);
    if (total === undefined) {
      total = emptyInterfaceStats();
      this.byListener.set(listenerId, total);
    }
    addInterfaceStats(total, stats);
  }

  /** The banked counters of `listenerId` (zeros when none left yet). */
  of(listenerId: number): Readonly<InterfaceStats> {
    return this.byListener.get(listenerId) ?? emptyInterfaceStats();
  }
}
