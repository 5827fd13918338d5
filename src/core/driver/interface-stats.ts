/**
 * Per-interface counters. Plain mutable numbers on purpose: they are bumped on the hot path for
 * every frame, and a counter object per interface costs nothing per frame.
 */
export interface InterfaceStats {
  /** Frames received (accepted from an online interface). */
  rxPackets: number;
  /** Bytes of those frames (deframed packet bytes). */
  rxBytes: number;
  /** Packets a writer accepted. */
  txPackets: number;
  /** Bytes of those packets. */
  txBytes: number;
  /** Frames received while the interface was offline, dropped. */
  rxDroppedOffline: number;
  /** Frames the packet handler dropped as duplicates. */
  rxDuplicates: number;
  /**
   * Frames dropped at the interface boundary for their access code: missing or wrong on an IFAC
   * interface, or present on one without IFAC.
   */
  rxIfacDropped: number;
  /** Packets refused because the writer was offline. */
  txRefusedOffline: number;
  /** Packets refused because the writer's buffer was full. */
  txRefusedFull: number;
}

/** A fresh set of zeroed counters. */
export function emptyInterfaceStats(): InterfaceStats {
  return {
    rxPackets: 0,
    rxBytes: 0,
    txPackets: 0,
    txBytes: 0,
    rxDroppedOffline: 0,
    rxDuplicates: 0,
    rxIfacDropped: 0,
    txRefusedOffline: 0,
    txRefusedFull: 0,
  };
}
