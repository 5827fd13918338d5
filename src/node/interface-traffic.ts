import { HostDriver } from '../core/driver/host-driver';
import { InterfaceEntry } from '../core/driver/interface-entry';
import { InterfaceStats, emptyInterfaceStats } from '../core/driver/interface-stats';
import { InterfaceId } from '../core/interface-id';

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
 * The traffic of each configured interface, as status and metrics report it: a single interface's
 * own counters, a listener's summed over its peers, including the peers that left. The driver
 * removes a dynamic interface (and its counters) when its peer leaves, so the final counters of
 * each departing peer are banked here under its listener; the sums never go backwards.
 */
export class InterfaceTraffic {
  private readonly departed = new Map<InterfaceId, InterfaceStats>();

  constructor(private readonly driver: HostDriver) {}

  /** Banks the final counters of a listener's peer that went down (other entries are ignored). */
  peerDeparted(entry: InterfaceEntry): void {
    if (!entry.dynamic || entry.parentId === null) return;
    let total = this.departed.get(entry.parentId);
    if (total === undefined) {
      total = emptyInterfaceStats();
      this.departed.set(entry.parentId, total);
    }
    addInterfaceStats(total, entry.stats);
  }

  /**
   * The counters of every configured interface in the driver's table or with banked peers, by
   * id: one pass over the table, fresh objects the caller may keep.
   */
  byInterface(): Map<InterfaceId, InterfaceStats> {
    const sums = new Map<InterfaceId, InterfaceStats>();
    const sumOf = (id: InterfaceId): InterfaceStats => {
      let sum = sums.get(id);
      if (sum === undefined) {
        sum = emptyInterfaceStats();
        sums.set(id, sum);
      }
      return sum;
    };
    for (const [id, banked] of this.departed) addInterfaceStats(sumOf(id), banked);
    for (const entry of this.driver.interfaces()) {
      addInterfaceStats(sumOf(entry.parentId ?? entry.id), entry.stats);
    }
    return sums;
  }
}
