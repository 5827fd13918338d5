import { Registry } from 'prom-client';
import { TransportCounters } from '../../transport/transport-counters';
import { TransportTableSizes } from '../../transport/transport-view';
import { Forwarding, TransportForwarding } from '../forwarding';
import { RelayCounters } from '../relay';
import {
  CounterSlot,
  Emit,
  FamilySpec,
  collectedCounter,
  collectedGauge,
  counterTable,
} from './metric-families';

/** The transport engine's counter families. */
const TRANSPORT_FAMILIES = {
  received: {
    name: 'rnsnet_transport_packets_received_total',
    help: 'Frames handed to the transport engine.',
  },
  dropped: {
    name: 'rnsnet_transport_packets_dropped_total',
    help: 'Packets the transport engine dropped, by reason.',
    labelNames: ['reason'],
  },
  forwarded: {
    name: 'rnsnet_transport_packets_forwarded_total',
    help: 'Packets forwarded, by kind: transport (along a path), link, link_proof, proof (back through the reverse table).',
    labelNames: ['kind'],
  },
  reverseFull: {
    name: 'rnsnet_transport_reverse_table_full_total',
    help: 'Forwarded packets whose proof cannot come back: the reverse table (or the interface share) was full.',
  },
  announcesReceived: {
    name: 'rnsnet_transport_announces_received_total',
    help: 'Announces received (SINGLE destinations, parsed).',
  },
  announceChecks: {
    name: 'rnsnet_transport_announce_checks_total',
    help: 'What checking received announces found, by result.',
    labelNames: ['result'],
  },
  announceIngress: {
    name: 'rnsnet_transport_announce_ingress_total',
    help: 'Announce ingress control: announces held, released and dropped for want of room.',
    labelNames: ['event'],
  },
  rebroadcasts: {
    name: 'rnsnet_transport_announce_rebroadcasts_total',
    help: 'Announce rebroadcasts sent (one per announce and interface).',
  },
  rebroadcastsSkipped: {
    name: 'rnsnet_transport_announce_rebroadcasts_skipped_total',
    help: 'Announce rebroadcasts not sent, by reason.',
    labelNames: ['reason'],
  },
  capQueued: {
    name: 'rnsnet_transport_announce_cap_queued_total',
    help: 'Rebroadcasts queued by an interface announce cap.',
  },
  pathUpdates: {
    name: 'rnsnet_transport_path_updates_total',
    help: 'Path table updates.',
  },
  pathTableFull: {
    name: 'rnsnet_transport_path_table_full_total',
    help: 'Path table updates refused because nothing could be evicted.',
  },
  pathRequestsReceived: {
    name: 'rnsnet_transport_path_requests_received_total',
    help: 'Path requests received (with a tag).',
  },
  pathRequests: {
    name: 'rnsnet_transport_path_requests_total',
    help: 'What became of received path requests, by result.',
    labelNames: ['result'],
  },
  pathRequestsSent: {
    name: 'rnsnet_transport_path_requests_sent_total',
    help: 'Path requests this node sent (discovery and rediscovery).',
  },
  tunnels: {
    name: 'rnsnet_transport_tunnels_total',
    help: 'Tunnel synthesis packets, by event: synthesized (established or reattached), rejected.',
    labelNames: ['event'],
  },
  tunnelPaths: {
    name: 'rnsnet_transport_tunnel_paths_restored_total',
    help: 'Paths restored from tunnels.',
  },
  pathsRestored: {
    name: 'rnsnet_transport_paths_restored_total',
    help: 'Paths restored from storage at start (their interface still configured).',
  },
  storageWrites: {
    name: 'rnsnet_transport_storage_writes_total',
    help: 'Writes of the transport tables to storage, by result: written, failed (the previous files stay).',
    labelNames: ['result'],
  },
} as const satisfies Record<string, FamilySpec>;

/**
 * Where each transport counter goes. Typed over every key of {@link TransportCounters}: a counter
 * added to the engine does not compile until it is given its series here (and in docs/metrics.md).
 */
const TRANSPORT_SLOTS: {
  readonly [K in keyof TransportCounters]: CounterSlot<keyof typeof TRANSPORT_FAMILIES>;
} = {
  received: ['received'],
  malformed: ['dropped', 'malformed'],
  ifacFlagged: ['dropped', 'ifac_flagged'],
  otherTransport: ['dropped', 'other_transport'],
  plainDropped: ['dropped', 'plain_past_first_hop'],
  duplicates: ['dropped', 'duplicate'],
  noPath: ['dropped', 'no_path'],
  linkHopMismatch: ['dropped', 'link_hop_mismatch'],
  linkTableFull: ['dropped', 'link_table_full'],
  linkRequestsRefused: ['dropped', 'link_request_refused'],
  linkProofsRejected: ['dropped', 'link_proof_rejected'],
  proofsWrongInterface: ['dropped', 'proof_wrong_interface'],
  forwardedTransport: ['forwarded', 'transport'],
  forwardedLink: ['forwarded', 'link'],
  forwardedLinkProofs: ['forwarded', 'link_proof'],
  forwardedProofs: ['forwarded', 'proof'],
  reverseTableFull: ['reverseFull'],
  announcesReceived: ['announcesReceived'],
  announcesVerified: ['announceChecks', 'verified'],
  announcesFromCache: ['announceChecks', 'from_cache'],
  announcesRedundant: ['announceChecks', 'redundant'],
  announcesInvalidSignature: ['announceChecks', 'invalid_signature'],
  announcesInvalidDestination: ['announceChecks', 'invalid_destination'],
  announcesKeyChanged: ['announceChecks', 'key_changed'],
  announcesMalformed: ['announceChecks', 'malformed'],
  announcesVerifyDropped: ['announceChecks', 'verify_queue_full'],
  announcesHeld: ['announceIngress', 'held'],
  announcesReleased: ['announceIngress', 'released'],
  announcesHoldDropped: ['announceIngress', 'hold_dropped'],
  rebroadcasts: ['rebroadcasts'],
  announcesRateBlocked: ['rebroadcastsSkipped', 'rate_limited'],
  announceTableFull: ['rebroadcastsSkipped', 'announce_table_full'],
  announcesCapDropped: ['rebroadcastsSkipped', 'cap_dropped'],
  announcesCapped: ['capQueued'],
  pathUpdates: ['pathUpdates'],
  pathTableFull: ['pathTableFull'],
  pathRequests: ['pathRequestsReceived'],
  pathRequestsDuplicate: ['pathRequests', 'duplicate'],
  pathRequestsAnswered: ['pathRequests', 'answered'],
  pathRequestsDiscovered: ['pathRequests', 'discovered'],
  pathRequestsIgnored: ['pathRequests', 'ignored'],
  pathRequestsSent: ['pathRequestsSent'],
  tunnelsSynthesized: ['tunnels', 'synthesized'],
  tunnelsRejected: ['tunnels', 'rejected'],
  tunnelPathsRestored: ['tunnelPaths'],
  pathsRestored: ['pathsRestored'],
  storageWrites: ['storageWrites', 'written'],
  storageWriteFailures: ['storageWrites', 'failed'],
};

/** The table names of {@link TransportTableSizes}, as the `table` label spells them. */
const TABLE_LABELS: { readonly [K in keyof TransportTableSizes]: string } = {
  paths: 'paths',
  links: 'links',
  reverse: 'reverse',
  announces: 'announces',
  held: 'held',
  capped: 'capped',
  verifying: 'verifying',
  tunnels: 'tunnels',
  hashlist: 'hashlist',
  rates: 'rates',
  discovery: 'discovery',
};

/** The transport engine's counters, table sizes and known destinations. */
export function registerTransportMetrics(registry: Registry, forwarding: TransportForwarding): void {
  const { engine, knownDestinations } = forwarding;
  counterTable(registry, TRANSPORT_FAMILIES, TRANSPORT_SLOTS, () => engine.counters);
  collectedGauge(
    registry,
    {
      name: 'rnsnet_transport_table_entries',
      help: 'Entries in each transport table.',
      labelNames: ['table'],
    },
    (emit) => {
      const sizes = engine.view.sizes();
      for (const key of Object.keys(TABLE_LABELS) as (keyof TransportTableSizes)[]) {
        emit({ table: TABLE_LABELS[key] }, sizes[key]);
      }
    },
  );
  collectedGauge(
    registry,
    { name: 'rnsnet_transport_known_destinations', help: 'Destinations whose identity the node knows.' },
    (emit) => emit({}, knownDestinations.size),
  );
}

/** The flood relay's counters and dedup table. */
export function registerRelayMetrics(
  registry: Registry,
  counters: () => Readonly<RelayCounters>,
  dedupSize: () => number,
): void {
  const read = (pick: (c: Readonly<RelayCounters>) => number) => (emit: Emit) => emit({}, pick(counters()));
  collectedCounter(
    registry,
    { name: 'rnsnet_relay_packets_received_total', help: 'Frames handed to the relay.' },
    read((c) => c.received),
  );
  collectedCounter(
    registry,
    {
      name: 'rnsnet_relay_packets_forwarded_total',
      help: 'Frames that passed the filters and that at least one writer accepted.',
    },
    read((c) => c.forwarded),
  );
  collectedCounter(
    registry,
    {
      name: 'rnsnet_relay_packets_undelivered_total',
      help: 'Frames that passed the filters while no other interface was online, or every writer refused.',
    },
    read((c) => c.undelivered),
  );
  collectedCounter(
    registry,
    {
      name: 'rnsnet_relay_deliveries_total',
      help: 'Packet copies a writer accepted (one frame to 9 peers counts 9).',
    },
    read((c) => c.deliveries),
  );
  collectedCounter(
    registry,
    {
      name: 'rnsnet_relay_packets_dropped_total',
      help: 'Frames the relay dropped, by reason: duplicate, loop_guard (an exempt-context packet seen too often), malformed.',
      labelNames: ['reason'],
    },
    (emit) => {
      const c = counters();
      emit({ reason: 'duplicate' }, c.duplicatesDropped - c.loopGuardDropped);
      emit({ reason: 'loop_guard' }, c.loopGuardDropped);
      emit({ reason: 'malformed' }, c.malformed);
    },
  );
  collectedCounter(
    registry,
    {
      name: 'rnsnet_relay_copies_refused_total',
      help: 'Packet copies a writer refused, by reason: buffer_full, offline.',
      labelNames: ['reason'],
    },
    (emit) => {
      const c = counters();
      emit({ reason: 'buffer_full' }, c.refusedFull);
      emit({ reason: 'offline' }, c.refusedOffline);
    },
  );
  collectedGauge(
    registry,
    { name: 'rnsnet_relay_dedup_entries', help: 'Packet hashes the relay remembers for deduplication.' },
    (emit) => emit({}, dedupSize()),
  );
}

/** The metrics of the node's forwarding mode: the transport engine's, or the relay's. */
export function registerForwardingMetrics(registry: Registry, forwarding: Forwarding): void {
  if (forwarding.mode === 'transport') registerTransportMetrics(registry, forwarding);
  else {
    const relay = forwarding.relay;
    registerRelayMetrics(
      registry,
      () => relay.counters,
      () => relay.dedupSize,
    );
  }
}
