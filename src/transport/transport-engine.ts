import { Clock, Timer } from '../core/clock';
import { IFAC_FLAG } from '../core/constants';
import { InterfaceEntry } from '../core/driver/interface-entry';
import { PacketHandler } from '../core/driver/packet-handler';
import { Logger, silentLogger } from '../core/logger';
import { TurnBudget } from '../core/slices';
import { BlobStore } from '../core/storage';
import { PATH_REQUEST_DESTINATION, TUNNEL_SYNTHESIZE_DESTINATION } from '../protocol/destination';
import { parsePacket } from '../protocol/packet';
import {
  ADDRESS_LENGTH,
  ADDRESS_OFFSET,
  DestinationType,
  HeaderType,
  PacketContext,
  PacketType,
} from '../protocol/packet-constants';
import { isDedupExemptContext } from '../protocol/packet-filter';
import { digestWord, packetHashDigest } from '../protocol/packet-hash';
import { AnnounceEmitter } from './announce-emitter';
import { AnnounceProcessor } from './announce-processor';
import { BinaryKey, binaryKey } from '../core/binary-key';
import {
  ANNOUNCES_CHECK_INTERVAL_MS,
  INTERFACE_JOBS_INTERVAL_MS,
  JOB_INTERVAL_MS,
  KNOWN_DESTINATIONS_INTERVAL_MS,
  PATH_REQUEST_GATE_TIMEOUT_MS,
  PERSIST_INTERVAL_MS,
  TABLES_CULL_INTERVAL_MS,
} from './constants';
import { Forwarder, Inbound } from './forwarder';
import { TransportLimits, resolveLimits } from './limits';
import { PathRequests } from './path-requests';
import { pathLifetimeMs } from './path-table';
import { blobsTimebase } from './random-blobs';
import { TransportCounters } from './transport-counters';
import { KnownDestinations } from '../protocol/known-destinations';
import { TransportHost, TransportIdentity } from './transport-host';
import { TransportLoadReport, TransportPersistence } from './transport-persistence';
import { TransportState } from './transport-state';
import { TransportView } from './transport-view';
import { Tunnels } from './tunnels';

/** What a {@link TransportEngine} is built with. */
export interface TransportEngineOptions {
  /** The interface table and transmit. */
  readonly host: TransportHost;
  /** Time and timers; the engine's jobs run on its timers. */
  readonly clock: Clock;
  /** Our transport identity. */
  readonly identity: TransportIdentity;
  /**
   * The known-destinations store: valid announces are remembered there, keys that change are
   * refused, link proofs verified against it. Without one, keys are known from the path table only.
   */
  readonly knownDestinations?: KnownDestinations;
  /** Table bounds over {@link DEFAULT_TRANSPORT_LIMITS}. */
  readonly limits?: Partial<TransportLimits>;
  /** Where the engine logs. */
  readonly logger?: Logger;
  /** Uniform [0, 1) for the rebroadcast window; default `Math.random`. */
  readonly random?: () => number;
  /**
   * Where the tables are kept across restarts (see {@link TransportPersistence}): read by
   * {@link TransportEngine.load}, written every `persistIntervalMs` and by
   * {@link TransportEngine.persist}. Without it nothing is persisted.
   */
  readonly storage?: BlobStore;
  /** How often the tables are written while running; default {@link PERSIST_INTERVAL_MS}. */
  readonly persistIntervalMs?: number;
}

/**
 * The transport engine: this node as a Reticulum transport node (Python's `Transport` with
 * `enable_transport`). It is the driver's packet handler; it has no sockets and no timers of its
 * own (its jobs run on the injected clock's timers), and it only sends through the host.
 *
 * Per frame ({@link handle}), as Python's `inbound`: drop what still carries the IFAC flag or
 * does not parse, apply Python's packet filter and duplicate check, then forward along the path
 * table (packets in transport to us), the link table (link traffic), or back along the reverse
 * table (proofs); take announces in (checked, verified off the hot path, recorded, rebroadcast),
 * answer path requests, record tunnels. PLAIN and GROUP packets are never forwarded.
 *
 * Jobs ({@link start}): every 250 ms, rebroadcasts due and announce caps; every 5 s table
 * culling and held-announce release. Signature checks run in slices between event-loop turns.
 *
 * Read state through {@link view} (status, paths, persistence snapshot).
 */
export class TransportEngine implements PacketHandler {
  /** Counters, bumped in place. */
  readonly counters: TransportCounters;
  /** Read access to the tables, for status, the CLI and persistence. */
  readonly view: TransportView;

  private readonly state: TransportState;
  private readonly forwarder: Forwarder;
  private readonly emitter: AnnounceEmitter;
  private readonly announcesIn: AnnounceProcessor;
  private readonly pathRequests: PathRequests;
  private readonly tunnels: Tunnels;
  private readonly pathRequestKey: BinaryKey = binaryKey(PATH_REQUEST_DESTINATION);
  private readonly tunnelSynthesizeKey: BinaryKey = binaryKey(TUNNEL_SYNTHESIZE_DESTINATION);
  private jobTimer: Timer | undefined;
  private drainTimer: Timer | undefined;
  private sendTimer: Timer | undefined;
  private lastAnnounceCheck = 0;
  private lastCull = 0;
  private lastInterfaceJobs = 0;
  private lastKnownCull = 0;
  private lastPersist = 0;
  private readonly persistence: TransportPersistence | undefined;
  private readonly persistIntervalMs: number;

  constructor(options: TransportEngineOptions) {
    const state = new TransportState({
      host: options.host,
      clock: options.clock,
      identity: options.identity,
      knownDestinations: options.knownDestinations,
      limits: resolveLimits(options.limits),
      logger: options.logger ?? silentLogger,
      random: options.random ?? Math.random,
    });
    this.state = state;
    this.counters = state.counters;
    this.forwarder = new Forwarder(state);
    this.emitter = new AnnounceEmitter(state);
    this.announcesIn = new AnnounceProcessor(state, this.emitter);
    this.pathRequests = new PathRequests(state);
    this.tunnels = new Tunnels(state);
    this.view = new TransportView(state);
    this.persistIntervalMs = options.persistIntervalMs ?? PERSIST_INTERVAL_MS;
    const clock = options.clock;
    this.persistence =
      options.storage === undefined
        ? undefined
        : new TransportPersistence(
            state,
            options.storage,
            () => new Promise((resolve) => clock.setTimeout(resolve, 0)),
          );
  }

  /**
   * Reads the stored tables (known destinations, packet hashlist, tunnels, paths); call before
   * interfaces start, then {@link restorePaths} once they have. Unreadable files are set aside and
   * reported in the result, never thrown. Without storage everything is `missing`.
   */
  async load(): Promise<TransportLoadReport> {
    if (this.persistence === undefined) {
      const missing = { status: 'missing' } as const;
      return { knownDestinations: missing, hashlist: missing, tunnels: missing, paths: missing };
    }
    return this.persistence.load();
  }

  /**
   * Restores the stored paths whose configured interface is among `interfaces` (the driver's
   * table once the interfaces started), in slices with packets handled in between; resolves to
   * how many.
   */
  restorePaths(interfaces: Iterable<InterfaceEntry>): Promise<number> {
    return this.persistence?.restorePaths(interfaces) ?? Promise.resolve(0);
  }

  /**
   * Writes the tables to storage now (after any write under way); resolves when done, never
   * rejects (a failure is logged and counted). Call at shutdown, after {@link stop}.
   */
  persist(): Promise<void> {
    return this.persistence?.save() ?? Promise.resolve();
  }

  /** Starts the jobs (idempotent). */
  start(): void {
    if (this.jobTimer !== undefined) return;
    const now = this.state.clock.now();
    this.lastCull = now;
    this.lastInterfaceJobs = now;
    this.lastKnownCull = now;
    this.lastPersist = now;
    this.jobTimer = this.state.clock.setInterval(() => this.runJobs(), JOB_INTERVAL_MS);
  }

  /** Stops the jobs and the verification slices (idempotent); the tables stay readable. */
  stop(): void {
    this.jobTimer?.cancel();
    this.jobTimer = undefined;
    this.drainTimer?.cancel();
    this.drainTimer = undefined;
    this.sendTimer?.cancel();
    this.sendTimer = undefined;
  }

  /** An interface came online: a client interface that wants a tunnel synthesises one. */
  interfaceUp(entry: InterfaceEntry): void {
    this.state.interfaceState(entry);
    if (entry.info.wantsTunnel && entry.online && entry.info.outCapable) this.tunnels.synthesize(entry);
  }

  /**
   * An interface went offline. A spawned peer is gone for good: its queued announces, held
   * announces and tunnel attachment go now; its paths, links and reverse entries at the next cull.
   */
  interfaceDown(entry: InterfaceEntry): void {
    const state = this.state;
    state.tunnels.detach(entry);
    if (state.isGone(entry)) {
      state.verification.dropInterface(entry.id);
      state.dropInterfaceState(entry.id);
    }
  }

  /** Handles one frame from `source` (see the class comment). */
  handle(source: InterfaceEntry, raw: Uint8Array): void {
    const state = this.state;
    const counters = state.counters;
    counters.received++;
    if (raw.length > 0 && (raw[0] & IFAC_FLAG) !== 0) {
      counters.ifacFlagged++;
      return;
    }
    const packet = parsePacket(raw);
    if (!packet.ok) {
      counters.malformed++;
      return;
    }
    const type = packet.packetType;
    const context = packet.context;
    const destinationType = packet.destinationType;
    const transport = packet.headerType === HeaderType.HEADER_2;
    if (transport && type !== PacketType.ANNOUNCE && !this.isOurTransportId(raw)) {
      counters.otherTransport++;
      return;
    }
    const hops = packet.hops + 1;
    const now = state.clock.now();

    // Python's packet_filter: exempt contexts, then PLAIN/GROUP, then the hashlist.
    let digest: string | undefined;
    let checked = false;
    if (!isDedupExemptContext(context)) {
      if (destinationType === DestinationType.PLAIN || destinationType === DestinationType.GROUP) {
        if (type === PacketType.ANNOUNCE || hops > 1) {
          counters.plainDropped++;
          return;
        }
      } else {
        digest = packetHashDigest(raw);
        checked = true;
        if (
          state.hashlist.has(digestWord(digest, 0), digestWord(digest, 4)) &&
          !(type === PacketType.ANNOUNCE && destinationType === DestinationType.SINGLE)
        ) {
          counters.duplicates++;
          return;
        }
      }
    }

    const destination = binaryKey(raw, packet.destinationOffset, ADDRESS_LENGTH);
    const inbound: Inbound = { source, packet, hops, destination, digest, now };
    const digestOf = (): string => (inbound.digest ??= packetHashDigest(raw));
    const inLinkTable = state.links.has(destination);
    const linkRequestProof = type === PacketType.PROOF && context === PacketContext.LRPROOF;
    if (checked && !inLinkTable && !linkRequestProof) {
      const d = inbound.digest as string;
      state.hashlist.add(digestWord(d, 0), digestWord(d, 4));
    }

    if (transport && type !== PacketType.ANNOUNCE) this.forwarder.forwardInTransport(inbound, digestOf);

    if (inLinkTable && type !== PacketType.ANNOUNCE && type !== PacketType.LINKREQUEST && !linkRequestProof) {
      this.forwarder.routeLink(inbound, () => {
        if (!checked) return;
        const d = digestOf();
        state.hashlist.add(digestWord(d, 0), digestWord(d, 4));
      });
    }

    switch (type) {
      case PacketType.ANNOUNCE:
        if (destinationType !== DestinationType.SINGLE) {
          counters.announcesMalformed++;
          return;
        }
        this.announcesIn.receive(source, packet, hops, digestOf(), now);
        this.scheduleDrain();
        return;
      case PacketType.DATA:
        if (destinationType !== DestinationType.PLAIN) return;
        if (destination === this.pathRequestKey) this.pathRequests.receive(source, packet, now);
        else if (destination === this.tunnelSynthesizeKey) this.tunnels.receive(source, packet, now);
        return;
      case PacketType.PROOF:
        if (linkRequestProof) this.forwarder.forwardLinkProof(inbound);
        else if (state.reverse.has(destination)) this.forwarder.forwardProof(inbound);
        return;
      default:
        return;
    }
  }

  /** Runs the jobs now (the timer calls this every 250 ms). */
  runJobs(): void {
    const state = this.state;
    const now = state.clock.now();
    try {
      if (now - this.lastAnnounceCheck >= ANNOUNCES_CHECK_INTERVAL_MS) {
        this.lastAnnounceCheck = now;
        this.emitter.runDue(now);
        this.sendDue();
      }
      this.emitter.flushCaps(now);
      this.pathRequests.runRediscovery(now);
      if (now - this.lastCull >= TABLES_CULL_INTERVAL_MS) {
        this.lastCull = now;
        this.cull(now);
      }
      if (now - this.lastInterfaceJobs >= INTERFACE_JOBS_INTERVAL_MS) {
        this.lastInterfaceJobs = now;
        this.interfaceJobs(now);
      }
      if (now - this.lastKnownCull >= KNOWN_DESTINATIONS_INTERVAL_MS) {
        this.lastKnownCull = now;
        state.knownDestinations?.cull((destination) => state.paths.has(destination));
      }
      const persistence = this.persistence;
      if (
        persistence !== undefined &&
        now - this.lastPersist >= this.persistIntervalMs &&
        !persistence.busy
      ) {
        this.lastPersist = now;
        void persistence.save();
      }
    } catch (error) {
      state.logger.error('transport jobs failed; retrying at the next run', {
        error: error instanceof Error ? error.message : String(error),
      });
    }
  }

  private isOurTransportId(raw: Uint8Array): boolean {
    const id = this.state.identity.hash;
    for (let i = 0; i < ADDRESS_LENGTH; i++) if (raw[ADDRESS_OFFSET + i] !== id[i]) return false;
    return true;
  }

  /** Sends a slice of the due rebroadcasts now, and schedules the next for the next turn. */
  private sendDue(): void {
    const { clock, limits } = this.state;
    const budget = new TurnBudget(clock, limits.rebroadcastSlice, limits.sliceMs, 16);
    if (this.emitter.sendDue(budget, clock.now()) === 0) return;
    if (this.sendTimer !== undefined) return;
    this.sendTimer = this.state.clock.setTimeout(() => {
      this.sendTimer = undefined;
      this.sendDue();
    }, 0);
  }

  /** Schedules a verification slice for the next event-loop turn, if announces wait. */
  private scheduleDrain(): void {
    if (this.drainTimer !== undefined || this.state.verification.size === 0) return;
    this.drainTimer = this.state.clock.setTimeout(() => {
      this.drainTimer = undefined;
      try {
        const { clock, limits } = this.state;
        // A signature check costs more than a clock read: the clock is read after each.
        this.announcesIn.drain(
          new TurnBudget(clock, limits.verifySlice, limits.verifySliceMs, 1),
          clock.now(),
        );
      } finally {
        this.scheduleDrain();
      }
    }, 0);
  }

  private cull(now: number): void {
    const state = this.state;
    const isGone = (entry: InterfaceEntry): boolean => state.isGone(entry);
    state.paths.cull(
      (path) => now > path.timestamp + pathLifetimeMs(path.iface.info.mode) || isGone(path.iface),
    );
    state.reverse.cull(now);
    for (const expired of state.links.cull(now, isGone)) this.pathRequests.linkRequestExpired(expired, now);
    this.pathRequests.cull(now, PATH_REQUEST_GATE_TIMEOUT_MS);
    state.tunnels.cull(now, (destination) => {
      const path = state.paths.get(destination);
      return path === undefined ? undefined : blobsTimebase(path.blobs);
    });
    for (const [, ifaceState] of state.interfaceStateEntries()) {
      const dropped = ifaceState.cap.expire(now);
      state.queuedTotal -= dropped;
      state.counters.announcesCapDropped += dropped;
    }
  }

  /** Decays burst states and releases one held announce per interface that is due. */
  private interfaceJobs(now: number): void {
    const state = this.state;
    for (const [id, ifaceState] of [...state.interfaceStateEntries()]) {
      const entry = state.host.entry(id);
      if (entry === undefined) continue;
      const config = entry.info.ingressControl;
      ifaceState.ingress.shouldLimitAnnounces(now, config);
      ifaceState.ingress.shouldLimitPathRequests(now, config);
      const released = ifaceState.ingress.release(now, config);
      if (released === undefined) continue;
      state.heldTotal--;
      state.counters.announcesReleased++;
      this.announcesIn.reprocess(entry, released.raw, now);
    }
    this.scheduleDrain();
  }
}
