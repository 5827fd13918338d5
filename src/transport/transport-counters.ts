/**
 * The transport engine's counters, plain numbers bumped in place (read them, do not write them).
 * Every packet the engine drops is counted under its reason. Per-interface traffic lives in each
 * interface entry's stats.
 */
export interface TransportCounters {
  /** Frames handed to the engine. */
  received: number;
  /** Frames that do not parse (Python's `unpack` limits). */
  malformed: number;
  /** Frames still carrying the IFAC flag (their interface has no IFAC): Python drops them. */
  ifacFlagged: number;
  /** Packets in transport for another transport node. */
  otherTransport: number;
  /** PLAIN or GROUP packets past their first hop, and PLAIN or GROUP announces. */
  plainDropped: number;
  /** Duplicates (the packet hashlist). */
  duplicates: number;

  /** Packets forwarded along a path (HEADER_2 addressed to us). */
  forwardedTransport: number;
  /** Link packets forwarded through the link table. */
  forwardedLink: number;
  /** Link request proofs forwarded. */
  forwardedLinkProofs: number;
  /** Proofs forwarded back through the reverse table. */
  forwardedProofs: number;
  /** Packets in transport to us for a destination we have no path to. */
  noPath: number;
  /** Link packets whose hops or interface did not fit their link. */
  linkHopMismatch: number;
  /** Link requests not forwarded: the link table (or the interface's share of it) is full. */
  linkTableFull: number;
  /** Link requests dropped for their signalling (a mode Python does not enable). */
  linkRequestsRefused: number;
  /** Link proofs with a bad signature, a wrong length, or from the wrong interface or hop count. */
  linkProofsRejected: number;
  /** Proofs that arrived on another interface than their packet left on. */
  proofsWrongInterface: number;
  /** Forwarded packets whose proof cannot come back: the reverse table share was full. */
  reverseTableFull: number;

  /** Announces received (SINGLE, parsed). */
  announcesReceived: number;
  /** Announces whose signature was verified (not from the verified cache). */
  announcesVerified: number;
  /** Announces found valid through the verified cache (copies of verified ones). */
  announcesFromCache: number;
  /** Announces with a bad signature. */
  announcesInvalidSignature: number;
  /** Announces whose destination hash does not match their key and name. */
  announcesInvalidDestination: number;
  /** Announces whose key differs from the one known for the destination. */
  announcesKeyChanged: number;
  /** Announces too short to hold their fields. */
  announcesMalformed: number;
  /** Announces that could not change anything (a copy of the recorded one), not verified. */
  announcesRedundant: number;
  /** Announces dropped because the verification queue (or the interface's share) was full. */
  announcesVerifyDropped: number;
  /** Announces held by ingress control. */
  announcesHeld: number;
  /** Held announces released for processing. */
  announcesReleased: number;
  /** Announces ingress control had no room to hold (dropped). */
  announcesHoldDropped: number;
  /** Announces whose rebroadcast the per-destination rate limit blocked. */
  announcesRateBlocked: number;
  /** Path table updates. */
  pathUpdates: number;
  /** Path table updates refused because nothing could be evicted. */
  pathTableFull: number;
  /** Announces not scheduled for rebroadcast: the announce table (or the interface's share) was full. */
  announceTableFull: number;
  /** Rebroadcasts sent (one per announce and interface). */
  rebroadcasts: number;
  /** Rebroadcasts queued by an announce cap. */
  announcesCapped: number;
  /** Rebroadcasts dropped by an announce cap (queue full or 24 h old). */
  announcesCapDropped: number;

  /** Path requests received (with a tag). */
  pathRequests: number;
  /** Path requests whose destination and tag were seen before. */
  pathRequestsDuplicate: number;
  /** Path requests answered from the path table. */
  pathRequestsAnswered: number;
  /** Path requests forwarded to discover an unknown path. */
  pathRequestsDiscovered: number;
  /** Path requests we sent (discovery and rediscovery). */
  pathRequestsSent: number;
  /** Path requests neither answered nor forwarded (unknown path, limits, rules). */
  pathRequestsIgnored: number;

  /** Tunnels established or reattached. */
  tunnelsSynthesized: number;
  /** Paths restored from tunnels. */
  tunnelPathsRestored: number;
  /** Tunnel synthesis packets with a bad length or signature. */
  tunnelsRejected: number;

  /** Paths restored from storage at start (their interface still configured). */
  pathsRestored: number;
  /** Times the tables were written to storage. */
  storageWrites: number;
  /** Table writes that failed (logged; the previous files stay). */
  storageWriteFailures: number;
}

/** A fresh set of zeroed counters. */
export function emptyTransportCounters(): TransportCounters {
  return {
    received: 0,
    malformed: 0,
    ifacFlagged: 0,
    otherTransport: 0,
    plainDropped: 0,
    duplicates: 0,
    forwardedTransport: 0,
    forwardedLink: 0,
    forwardedLinkProofs: 0,
    forwardedProofs: 0,
    noPath: 0,
    linkHopMismatch: 0,
    linkTableFull: 0,
    linkRequestsRefused: 0,
    linkProofsRejected: 0,
    proofsWrongInterface: 0,
    reverseTableFull: 0,
    announcesReceived: 0,
    announcesVerified: 0,
    announcesFromCache: 0,
    announcesInvalidSignature: 0,
    announcesInvalidDestination: 0,
    announcesKeyChanged: 0,
    announcesMalformed: 0,
    announcesRedundant: 0,
    announcesVerifyDropped: 0,
    announcesHeld: 0,
    announcesReleased: 0,
    announcesHoldDropped: 0,
    announcesRateBlocked: 0,
    pathUpdates: 0,
    pathTableFull: 0,
    announceTableFull: 0,
    rebroadcasts: 0,
    announcesCapped: 0,
    announcesCapDropped: 0,
    pathRequests: 0,
    pathRequestsDuplicate: 0,
    pathRequestsAnswered: 0,
    pathRequestsDiscovered: 0,
    pathRequestsSent: 0,
    pathRequestsIgnored: 0,
    tunnelsSynthesized: 0,
    tunnelPathsRestored: 0,
    tunnelsRejected: 0,
    pathsRestored: 0,
    storageWrites: 0,
    storageWriteFailures: 0,
  };
}
