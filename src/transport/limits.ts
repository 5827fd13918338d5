/**
 * The bounds of every table the transport engine keeps. Python RNS bounds few of its tables
 * (the packet hashlist, path request tags, held announces per interface); a public backbone must
 * bound all of them, and share them so one peer cannot fill a table at the others' expense. Each
 * figure below is the most memory its table can take, at the sizes measured in docs/transport.md.
 */
export interface TransportLimits {
  /** Packet hashes remembered for duplicate detection (Python: `hashlist_maxsize`, 1,000,000). */
  readonly hashlistEntries: number;
  /** Paths (about 1 KB each with the cached announce). */
  readonly pathEntries: number;
  /** Largest share of the path table one interface may hold, 0..1. */
  readonly pathShare: number;
  /** Link table entries. */
  readonly linkEntries: number;
  /** Largest share of the link table whose link requests came in on one interface, 0..1. */
  readonly linkShare: number;
  /** Unproven link entries one interface may hold (a link request flood costs its sender only). */
  readonly pendingLinksPerInterface: number;
  /** Reverse table entries (one per forwarded packet awaiting its proof, 8 minutes at most). */
  readonly reverseEntries: number;
  /** Largest share of the reverse table one interface's packets may hold, 0..1. */
  readonly reverseShare: number;
  /** Announces waiting for their rebroadcast. */
  readonly announceTableEntries: number;
  /** Per-destination announce rate records. */
  readonly rateEntries: number;
  /** Announces held by ingress control, all interfaces together (each interface: `ic_max_held_announces`). */
  readonly heldAnnounces: number;
  /** Announces queued by the announce cap, all interfaces together (each: 16,384). */
  readonly queuedAnnounces: number;
  /** Announces waiting for signature verification. */
  readonly verifyQueueEntries: number;
  /** Of those, the most from one interface. */
  readonly verifyQueuePerInterface: number;
  /**
   * Most announces checked per verification slice; slices run one per event-loop turn,
   * forwarding in between, and a slice also ends after {@link verifySliceMs}.
   */
  readonly verifySlice: number;
  /** Milliseconds a verification slice runs at most (one signature check may overrun it). */
  readonly verifySliceMs: number;
  /**
   * Most entries (paths, known destinations; 16 times as many packet hashes) read, restored or
   * written per slice of the tables' persistence; a slice also ends after a few milliseconds.
   * Slices run one per event-loop turn.
   */
  readonly persistSlice: number;
  /**
   * Rebroadcast transmits (announces times interfaces) per slice: a check's due announces go out
   * a slice per event-loop turn, forwarding in between. A slice also ends after {@link sliceMs}.
   */
  readonly rebroadcastSlice: number;
  /** Milliseconds a slice of rebroadcasts or of the tables' persistence runs at most. */
  readonly sliceMs: number;
  /** Verified announces remembered, so copies of them are not verified again. */
  readonly verifiedCacheEntries: number;
  /** Discovery path requests waiting for an announce. */
  readonly discoveryRequests: number;
  /** Our own path requests remembered (the 120 s gate). */
  readonly pathRequestTimes: number;
  /** Tunnels. */
  readonly tunnels: number;
  /** Paths kept per tunnel. */
  readonly pathsPerTunnel: number;
}

/** The default bounds; docs/transport.md gives the memory each stands for. */
export const DEFAULT_TRANSPORT_LIMITS: TransportLimits = Object.freeze({
  hashlistEntries: 1_000_000,
  pathEntries: 131_072,
  pathShare: 0.5,
  linkEntries: 65_536,
  linkShare: 0.25,
  pendingLinksPerInterface: 1_024,
  reverseEntries: 262_144,
  reverseShare: 0.25,
  announceTableEntries: 65_536,
  rateEntries: 131_072,
  heldAnnounces: 16_384,
  queuedAnnounces: 65_536,
  verifyQueueEntries: 8_192,
  verifyQueuePerInterface: 1_024,
  verifySlice: 256,
  verifySliceMs: 5,
  persistSlice: 8_192,
  rebroadcastSlice: 2_048,
  sliceMs: 8,
  verifiedCacheEntries: 65_536,
  discoveryRequests: 4_096,
  pathRequestTimes: 16_384,
  tunnels: 4_096,
  pathsPerTunnel: 16_384,
});

/** `limits` over the defaults, each checked to be a positive number (shares within (0, 1]). */
export function resolveLimits(limits: Partial<TransportLimits> = {}): TransportLimits {
  const out = { ...DEFAULT_TRANSPORT_LIMITS, ...limits };
  for (const [key, value] of Object.entries(out)) {
    const share = key.endsWith('Share');
    if (!(typeof value === 'number' && value > 0 && (share ? value <= 1 : Number.isInteger(value)))) {
      throw new RangeError(
        `transport limit ${key} must be ${share ? 'in (0, 1]' : 'a positive integer'}, got ${value}`,
      );
    }
  }
  return Object.freeze(out);
}
