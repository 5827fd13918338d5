import { randomBytes } from 'node:crypto';
import { Clock } from '../core/clock';
import { DedupCache } from '../core/dedup-cache';
import { InterfaceEntry } from '../core/driver/interface-entry';
import { InterfaceId } from '../core/interface-id';
import { Logger } from '../core/logger';
import { AnnounceCapQueue } from './announce-cap';
import { AnnounceRateTable } from './announce-rate';
import { AnnounceTable } from './announce-table';
import { BinaryKey, binaryKey } from '../core/binary-key';
import { BoundedSet } from './bounded-set';
import { MAX_PATH_REQUEST_TAGS } from './constants';
import { IngressState } from './ingress-control';
import { TransportLimits } from './limits';
import { LinkTable } from './link-table';
import { PathTable } from './path-table';
import { ReverseTable } from './reverse-table';
import { TransportCounters, emptyTransportCounters } from './transport-counters';
import { AnnounceValidator } from '../protocol/announce-validator';
import { KnownDestinations } from '../protocol/known-destinations';
import { TransportHost, TransportIdentity } from './transport-host';
import { TunnelTable } from './tunnel-table';
import { VerificationQueue } from './verification-queue';

/** What the engine keeps per interface. */
export interface InterfaceState {
  /** Ingress and egress control. */
  readonly ingress: IngressState;
  /** The announce cap. */
  readonly cap: AnnounceCapQueue;
}

/** A discovery path request waiting for its announce. */
export interface DiscoveryRequest {
  /** When it is given up, ms. */
  readonly timeout: number;
  /** Where the request came from: the answer goes there. */
  readonly requester: InterfaceEntry;
}

/** What {@link TransportState} is built from. */
export interface TransportStateOptions {
  readonly host: TransportHost;
  readonly clock: Clock;
  readonly identity: TransportIdentity;
  readonly knownDestinations: KnownDestinations | undefined;
  readonly limits: TransportLimits;
  readonly logger: Logger;
  readonly random: () => number;
}

/**
 * Everything the transport engine knows, shared by its parts (forwarding, announces, path
 * requests, tunnels, jobs). Each table is bounded by {@link TransportLimits}.
 */
export class TransportState {
  readonly host: TransportHost;
  readonly clock: Clock;
  readonly identity: TransportIdentity;
  /** Our transport id as a key, for comparisons with HEADER_2 transport ids. */
  readonly identityKey: BinaryKey;
  /** Announce validation (Python's `validate_announce`), with imported keys cached. */
  readonly validator: AnnounceValidator;
  readonly knownDestinations: KnownDestinations | undefined;
  readonly limits: TransportLimits;
  readonly logger: Logger;
  readonly random: () => number;
  readonly counters: TransportCounters = emptyTransportCounters();

  /** Packet hashes, Python's two-generation `packet_hashlist`. */
  readonly hashlist: DedupCache;
  readonly paths: PathTable;
  readonly links: LinkTable;
  readonly reverse: ReverseTable;
  readonly announces: AnnounceTable;
  readonly rates: AnnounceRateTable;
  readonly tunnels: TunnelTable;
  readonly verification: VerificationQueue;
  /** Announces whose signature verified, by truncated packet hash. */
  readonly verified: BoundedSet;
  /** Path request tags seen (destination + tag). */
  readonly pathRequestTags = new BoundedSet(MAX_PATH_REQUEST_TAGS);
  /** Our own path requests by destination, ms (Python's `path_requests`). */
  readonly pathRequestTimes = new Map<BinaryKey, number>();
  /** Path requests we forward on behalf of others (Python's `discovery_path_requests`). */
  readonly discovery = new Map<BinaryKey, DiscoveryRequest>();
  /** Held announces, all interfaces together. */
  heldTotal = 0;
  /** Announces queued by announce caps, all interfaces together. */
  queuedTotal = 0;

  private readonly interfaceStates = new Map<InterfaceId, InterfaceState>();

  constructor(options: TransportStateOptions) {
    this.host = options.host;
    this.clock = options.clock;
    this.identity = options.identity;
    this.identityKey = binaryKey(options.identity.hash);
    this.knownDestinations = options.knownDestinations;
    this.validator = new AnnounceValidator(options.knownDestinations ?? null);
    this.limits = options.limits;
    this.logger = options.logger;
    this.random = options.random;
    const limits = options.limits;
    this.hashlist = new DedupCache({ clock: options.clock, maxEntries: limits.hashlistEntries });
    this.paths = new PathTable(limits.pathEntries, limits.pathShare);
    this.links = new LinkTable(
      limits.linkEntries,
      limits.linkShare,
      limits.pendingLinksPerInterface,
      (entry) => this.paths.unpin(entry.destination),
    );
    this.reverse = new ReverseTable(limits.reverseEntries, limits.reverseShare);
    this.announces = new AnnounceTable(limits.announceTableEntries, 0.5);
    this.rates = new AnnounceRateTable(limits.rateEntries);
    this.tunnels = new TunnelTable(limits.tunnels, limits.pathsPerTunnel);
    this.verification = new VerificationQueue(limits.verifyQueueEntries, limits.verifyQueuePerInterface);
    this.verified = new BoundedSet(limits.verifiedCacheEntries);
  }

  /** The state of an interface, created on first use. */
  interfaceState(entry: InterfaceEntry): InterfaceState {
    let state = this.interfaceStates.get(entry.id);
    if (state === undefined) {
      const started = entry.info.started > 0 ? entry.info.started * 1000 : this.clock.now();
      state = { ingress: new IngressState(started), cap: new AnnounceCapQueue() };
      this.interfaceStates.set(entry.id, state);
    }
    return state;
  }

  /** Every interface state, with its id. */
  interfaceStateEntries(): IterableIterator<[InterfaceId, InterfaceState]> {
    return this.interfaceStates.entries();
  }

  /** Forgets an interface that went away, with what it held and queued. */
  dropInterfaceState(id: InterfaceId): void {
    const state = this.interfaceStates.get(id);
    if (state === undefined) return;
    this.interfaceStates.delete(id);
    this.heldTotal -= state.ingress.held.size;
    this.queuedTotal -= state.cap.clear();
  }

  /** Whether an interface is gone for good (a spawned peer that disconnected). */
  isGone(entry: InterfaceEntry): boolean {
    return this.host.entry(entry.id) !== entry;
  }

  /** A fresh random 16-byte path request tag. */
  randomTag(): Buffer {
    return randomBytes(16);
  }
}
