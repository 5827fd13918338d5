import { Clock, systemClock } from '../clock';
import { RnsError } from '../errors';
import { EventSink } from '../event-sink';
import { FrameAuthenticator, OPEN_INTERFACE } from '../frame-authenticator';
import { FrameEvent, InterfaceEvent, InterfaceUpEvent } from '../events';
import { InterfaceId } from '../interface-id';
import { InterfaceInfo } from '../interface-info';
import { InterfaceSettings, LiveInterfaceSettings, applyInterfaceSettings } from '../interface-settings';
import { Logger, silentLogger } from '../logger';
import { PeerStateEntry, PeerStatePage } from '../peer-state';
import { PluginEvent } from '../plugin-events';
import {
  RuntimeConfigEntry,
  RuntimeConfigHandle,
  RuntimeConfigResult,
  RuntimeConfigValue,
} from '../runtime-config';
import { WriteOutcome, Writer } from '../writer';
import { AttachedInterface } from './attached-interface';
import { AttachedSummary } from './attached-summary';
import { DriverEventSink } from './driver-event-sink';
import { EventQueue } from './event-queue';
import { HostCallbacks, HostDriverEventName, HostDriverEvents } from './host-callbacks';
import { InterfaceEntry } from './interface-entry';
import { emptyInterfaceStats } from './interface-stats';
import { PacketHandler } from './packet-handler';
import { PeerPageRequest, PeerStateService } from './peer-state-service';
import { RuntimeConfigService } from './runtime-config-service';
import { RNS_ERR_DRIVER_STOPPED, RNS_ERR_DUPLICATE_INTERFACE, RNS_ERR_PLUGIN } from '../error-codes';

/** What a {@link HostDriver} is built with; every field has a default. */
export interface HostDriverOptions {
  /** Time source for `started` stamps. Default: {@link systemClock}. */
  readonly clock?: Clock;
  /** Where the driver logs. Default: {@link silentLogger}. */
  readonly logger?: Logger;
  /** Receives every accepted frame. Default: one that drops them. */
  readonly packetHandler?: PacketHandler;
}

/** The driver's own view of an entry: the fields consumers see read-only, it replaces. */
type TableEntry = { -readonly [K in keyof InterfaceEntry]: InterfaceEntry[K] };

const DROP_PACKETS: PacketHandler = Object.freeze({ handle: () => undefined });

/**
 * The host driver: the one place interface events are consumed.
 *
 * - **One loop.** Every sink forwards into {@link accept}. When the loop is idle the event is
 *   handled synchronously at once (a frame reaches the packet handler in the tick it arrived);
 *   events sent re-entrantly while an event is being handled (a packet handler whose write makes
 *   an interface go down) are queued and handled after it, in FIFO order.
 * - **The interface table.** Configured `single` interfaces are registered by {@link attach}
 *   (offline until they send `InterfaceUp`); listeners add dynamic entries with
 *   `InterfaceUp(id, writer, info)` and remove them with `InterfaceDown(id)`.
 * - **Isolation.** A packet handler or host callback that throws is caught, logged and reported
 *   as `handlerError`; the interface that sent the event never sees it.
 * - **Operator services.** Runtime config and peer state of attached interfaces, by name.
 *
 * An interface may send `InterfaceUp(id)` from inside its `start()`, before the launcher
 * attached it: the driver remembers it for any id it issued a sink for with {@link sinkFor} and
 * applies it at {@link attach}.
 */
export class HostDriver {
  /** A sink tied to no attached interface (dynamic interfaces added through it have no parent). */
  readonly events: EventSink;

  private readonly clock: Clock;
  private readonly logger: Logger;
  private packetHandler: PacketHandler;
  private readonly callbacks: HostCallbacks;
  private readonly runtimeConfig = new RuntimeConfigService();
  private readonly peerState: PeerStateService;

  private readonly table = new Map<InterfaceId, TableEntry>();
  private readonly attached = new Map<InterfaceId, AttachedInterface>();
  private readonly attachedNames = new Set<string>();
  /** Live dynamic children per parent id, for status. */
  private readonly childCounts = new Map<InterfaceId, number>();
  private readonly sinks = new Map<InterfaceId, DriverEventSink>();
  /** Type names of sink owners, for the dynamic entries they spawn. */
  private readonly ownerTypes = new Map<InterfaceId, string>();
  /** Node-owned settings of configured interfaces, applied to their info and their peers'. */
  private readonly ownerSettings = new Map<InterfaceId, InterfaceSettings>();
  /** `InterfaceUp(id)` received for an id with a sink but not attached yet: id -> new writer. */
  private readonly pendingUp = new Map<InterfaceId, Writer | undefined>();

  private readonly queue = new EventQueue();
  private draining = false;
  private closed = false;
  private stopping: Promise<void> | undefined;
  private onlineCache: readonly InterfaceEntry[] | null = null;
  /** The entry whose event is being reported to host callbacks, for `handlerError`. */
  private currentEntry: InterfaceEntry | undefined;
  private reportingError = false;
  private unknownFrames = 0;
  /** Access-code authenticators of configured interfaces, shared with the peers they spawn. */
  private readonly authenticators = new Map<InterfaceId, FrameAuthenticator>();

  constructor(options: HostDriverOptions = {}) {
    this.clock = options.clock ?? systemClock;
    this.peerState = new PeerStateService(this.clock);
    this.logger = options.logger ?? silentLogger;
    this.packetHandler = options.packetHandler ?? DROP_PACKETS;
    this.callbacks = new HostCallbacks((error, event) => this.onCallbackError(error, event));
    this.events = this.makeSink(null);
  }

  /** Replaces the packet handler (the node installs the relay after building the driver). */
  setPacketHandler(handler: PacketHandler): void {
    this.packetHandler = handler;
  }

  /**
   * Sets the frame authenticator (IFAC) of the configured interface `ownerId` and of every peer
   * it spawns. Call it before the interface is attached; without it an interface is open
   * ({@link OPEN_INTERFACE}: flagged frames dropped, packets sent as they are).
   */
  setFrameAuthenticator(ownerId: InterfaceId, authenticator: FrameAuthenticator): void {
    this.authenticators.set(ownerId, authenticator);
  }

  /** True once {@link stop} finished: every interface stopped and every sink closed. */
  get stopped(): boolean {
    return this.closed;
  }

  /** Frames received for ids not in the table, dropped. */
  get droppedUnknownFrames(): number {
    return this.unknownFrames;
  }

  /**
   * The sink for the configured interface `ownerId` (the same one on every call). Dynamic
   * interfaces added through it get `parentId = ownerId` and the owner's type name.
   *
   * @param typeName - the owner's plugin type name, if it is not attached yet (the launcher
   *   asks for the sink before starting the interface).
   * @param settings - the section's node-owned settings: applied to the owner's info at
   *   {@link attach} and to every dynamic interface it spawns.
   */
  sinkFor(ownerId: InterfaceId, typeName?: string, settings?: InterfaceSettings): EventSink {
    if (typeName !== undefined) this.ownerTypes.set(ownerId, typeName);
    if (settings !== undefined) this.ownerSettings.set(ownerId, settings);
    let sink = this.sinks.get(ownerId);
    if (sink === undefined) {
      sink = this.makeSink(ownerId);
      this.sinks.set(ownerId, sink);
    }
    return sink;
  }

  /**
   * Replaces the live settings of a configured interface (see {@link sinkFor}): in its info, in
   * the info of every peer it spawned, and for the peers it spawns from now on. Returns false
   * when the interface was given no settings.
   */
  updateInterfaceSettings(ownerId: InterfaceId, live: LiveInterfaceSettings): boolean {
    const settings = this.ownerSettings.get(ownerId);
    if (settings === undefined) return false;
    this.ownerSettings.set(ownerId, { ...settings, ...live });
    for (const entry of this.table.values()) {
      if (entry.id === ownerId || entry.parentId === ownerId) entry.info = { ...entry.info, ...live };
    }
    return true;
  }

  /**
   * Serves a runtime-config handle the node owns (not an interface's), under
   * `<keyPrefix>.<interfaceName>.<setting>` like the interfaces' own.
   *
   * @throws {@link RnsError} `RNS_ERR_DUPLICATE_INTERFACE` when its keys are already served.
   */
  serveRuntimeConfig(handle: RuntimeConfigHandle): void {
    this.runtimeConfig.add(handle);
  }

  /**
   * Registers a started configured interface: a `single` one gets an offline table entry, a
   * listener is remembered for status and stop. Its runtime-config and peer-state handles are
   * served from now on.
   *
   * @throws {@link RnsError} `RNS_ERR_DUPLICATE_INTERFACE` when the id, the name or a handle is
   *   already registered; `RNS_ERR_DRIVER_STOPPED` after {@link stop}; `RNS_ERR_PLUGIN` for a
   *   `single` interface without info or writer. Nothing is registered when it throws.
   */
  attach(iface: AttachedInterface): void {
    if (this.stopping !== undefined) {
      throw new RnsError(RNS_ERR_DRIVER_STOPPED, `cannot attach '${iface.name}': the driver is stopping`);
    }
    this.checkAttachable(iface);
    // Handles first: they are the only step left that can still refuse (a malformed prefix).
    if (iface.runtimeConfig !== undefined) this.runtimeConfig.add(iface.runtimeConfig);
    if (iface.peerState !== undefined) this.peerState.add(iface.peerState);
    this.attached.set(iface.id, iface);
    this.attachedNames.add(iface.name);
    this.ownerTypes.set(iface.id, iface.typeName);
    if (iface.kind === 'single' && iface.info !== undefined && iface.writer !== undefined) {
      this.table.set(iface.id, {
        id: iface.id,
        info: this.withSettings(iface.info, iface.id),
        typeName: iface.typeName,
        online: false,
        dynamic: false,
        parentId: null,
        writer: iface.writer,
        stats: emptyInterfaceStats(),
        authenticator: this.authenticators.get(iface.id) ?? OPEN_INTERFACE,
      });
    }
    if (this.pendingUp.has(iface.id)) {
      const writer = this.pendingUp.get(iface.id);
      this.pendingUp.delete(iface.id);
      if (iface.kind === 'single') this.markUp(iface.id, writer);
    }
  }

  /** Every interface in the table, configured and dynamic, online or not. */
  interfaces(): readonly InterfaceEntry[] {
    return [...this.table.values()];
  }

  /** One interface, or undefined. */
  entry(id: InterfaceId): InterfaceEntry | undefined {
    return this.table.get(id);
  }

  /**
   * The online interfaces, as a frozen array that is rebuilt only after the online set changed,
   * so the relay can iterate it for every frame without allocating.
   */
  onlineInterfaces(): readonly InterfaceEntry[] {
    if (this.onlineCache === null) {
      const online: InterfaceEntry[] = [];
      for (const entry of this.table.values()) if (entry.online) online.push(entry);
      this.onlineCache = Object.freeze(online);
    }
    return this.onlineCache;
  }

  /**
   * Sends one packet on an interface and counts the outcome. The interface's authenticator frames
   * it first (adds our access code on an IFAC interface). An offline entry, a missing writer or a
   * writer that throws (a plugin bug, logged) count as `offline`. Never throws.
   */
  transmit(entry: InterfaceEntry, packet: Uint8Array): WriteOutcome {
    const writer = entry.writer;
    const stats = entry.stats;
    if (!entry.online || writer === null) {
      stats.txRefusedOffline++;
      return 'offline';
    }
    let outcome: WriteOutcome;
    let frame: Uint8Array;
    try {
      frame = entry.authenticator.apply(packet);
      outcome = writer.send(frame);
    } catch (error) {
      stats.txRefusedOffline++;
      this.logger.warn('writer threw; packet counted as refused (offline)', {
        interfaceId: entry.id,
        error: describeError(error),
      });
      return 'offline';
    }
    if (outcome === 'accepted') {
      stats.txPackets++;
      stats.txBytes += frame.length;
    } else if (outcome === 'buffer_full') {
      stats.txRefusedFull++;
    } else {
      stats.txRefusedOffline++;
    }
    return outcome;
  }

  /** The configured interfaces, in attach order, for status output. */
  attachedInterfaces(): readonly AttachedSummary[] {
    return [...this.attached.values()].map((iface) => ({
      id: iface.id,
      name: iface.name,
      typeName: iface.typeName,
      kind: iface.kind,
      online: iface.kind === 'single' ? (this.table.get(iface.id)?.online ?? false) : !this.closed,
      dynamicCount: this.childCounts.get(iface.id) ?? 0,
      boundAddress: iface.boundAddress ?? null,
    }));
  }

  /** Every runtime setting of every attached interface. */
  listRuntimeConfig(): RuntimeConfigEntry[] {
    return this.runtimeConfig.list();
  }

  /** One runtime setting, or undefined for a key that names none. */
  getRuntimeConfig(key: string): RuntimeConfigEntry | undefined {
    return this.runtimeConfig.get(key);
  }

  /** Sets a runtime setting and returns it as read back. */
  setRuntimeConfig(key: string, value: RuntimeConfigValue): RuntimeConfigResult<RuntimeConfigEntry> {
    return this.runtimeConfig.set(key, value);
  }

  /** Restores a runtime setting's startup value and returns it as read back. */
  resetRuntimeConfig(key: string): RuntimeConfigResult<RuntimeConfigEntry> {
    return this.runtimeConfig.reset(key);
  }

  /** Applies a value from a reloaded config as the setting's new startup value; returns it read back. */
  rebaseRuntimeConfig(key: string, value: RuntimeConfigValue): RuntimeConfigResult<RuntimeConfigEntry> {
    return this.runtimeConfig.rebase(key, value);
  }

  /**
   * Peer state of one listener, or of all; sorted by interface name, then IP. Built in one turn:
   * for small tables and tests; operator listings use {@link listPeerPage}.
   */
  listPeers(interfaceName?: string): PeerStateEntry[] {
    return this.peerState.list(interfaceName);
  }

  /** One page of a peer-state listing (see `PeerStateService.listPage`). */
  listPeerPage(request: PeerPageRequest = {}): RuntimeConfigResult<PeerStatePage> {
    return this.peerState.listPage(request);
  }

  /** Forgets an IP's state on a listener; the value says whether there was any. */
  clearPeer(interfaceName: string, ip: string): RuntimeConfigResult<boolean> {
    return this.peerState.clear(interfaceName, ip);
  }

  /** Blacklists an IP on a listener; the value is the duration applied, in seconds. */
  blacklistPeer(
    interfaceName: string,
    ip: string,
    durationSecs: number,
    reason: string,
  ): RuntimeConfigResult<number> {
    return this.peerState.blacklist(interfaceName, ip, durationSecs, reason);
  }

  /** Adds a host callback. */
  on<E extends HostDriverEventName>(event: E, listener: HostDriverEvents[E]): this {
    this.callbacks.on(event, listener);
    return this;
  }

  /** Adds a host callback that runs once. */
  once<E extends HostDriverEventName>(event: E, listener: HostDriverEvents[E]): this {
    this.callbacks.once(event, listener);
    return this;
  }

  /** Removes a host callback. */
  off<E extends HostDriverEventName>(event: E, listener: HostDriverEvents[E]): this {
    this.callbacks.off(event, listener);
    return this;
  }

  /**
   * Stops every attached interface and waits for all of them, even when some reject (those are
   * logged). Interfaces still online afterwards are taken down (with `interfaceDown` callbacks),
   * then every sink is closed: `send` returns false and `closed` is true. Idempotent: later calls
   * return the same promise.
   */
  stop(): Promise<void> {
    this.stopping ??= this.stopAll();
    return this.stopping;
  }

  private async stopAll(): Promise<void> {
    const interfaces = [...this.attached.values()];
    const results = await Promise.allSettled(interfaces.map(async (iface) => iface.stop()));
    results.forEach((result, i) => {
      if (result.status === 'rejected') {
        this.logger.error('interface failed to stop cleanly', {
          interface: interfaces[i]?.name,
          error: describeError(result.reason),
        });
      }
    });
    for (const entry of [...this.table.values()]) if (entry.online || entry.dynamic) this.markDown(entry.id);
    this.closed = true;
    this.queue.clear();
    this.pendingUp.clear();
  }

  private checkAttachable(iface: AttachedInterface): void {
    const duplicate = (what: string) =>
      new RnsError(RNS_ERR_DUPLICATE_INTERFACE, `cannot attach '${iface.name}' (id ${iface.id}): ${what}`);
    if (this.attached.has(iface.id) || this.table.has(iface.id))
      throw duplicate(`id ${iface.id} is already in use`);
    if (this.attachedNames.has(iface.name))
      throw duplicate(`an interface named '${iface.name}' is already attached`);
    const rc = iface.runtimeConfig;
    if (rc !== undefined && this.runtimeConfig.has(rc.keyPrefix, rc.interfaceName)) {
      throw duplicate(`runtime-config keys '${rc.keyPrefix}.${rc.interfaceName}.*' are already served`);
    }
    const ps = iface.peerState;
    if (ps !== undefined && this.peerState.has(ps.interfaceName)) {
      throw duplicate(`peer state of '${ps.interfaceName}' is already served`);
    }
    if (iface.kind === 'single' && (iface.info === undefined || iface.writer === undefined)) {
      throw new RnsError(
        RNS_ERR_PLUGIN,
        `cannot attach '${iface.name}': a single interface needs info and a writer`,
      );
    }
  }

  private makeSink(owner: InterfaceId | null): DriverEventSink {
    return new DriverEventSink(
      owner,
      (event, from) => this.accept(event, from),
      () => this.closed,
    );
  }

  /** The loop: handle now when idle, else queue behind the event being handled. */
  private accept(event: InterfaceEvent, owner: InterfaceId | null): boolean {
    if (this.closed) return false;
    if (this.draining) {
      this.queue.push(event, owner);
      return true;
    }
    this.draining = true;
    try {
      this.dispatch(event, owner);
      while (this.queue.length > 0) {
        const from = this.queue.peekOwner();
        const next = this.queue.shift();
        if (next !== undefined) this.dispatch(next, from);
      }
    } finally {
      this.draining = false;
    }
    return true;
  }

  private dispatch(event: InterfaceEvent, owner: InterfaceId | null): void {
    try {
      switch (event.type) {
        case 'Frame':
          this.onFrame(event);
          break;
        case 'InterfaceUp':
          if (event.info !== undefined) this.addDynamic(event, event.info, owner);
          else this.markUp(event.id, event.writer);
          break;
        case 'InterfaceDown':
          this.markDown(event.id);
          break;
        case 'Plugin':
          this.onPluginEvent(event, owner);
          break;
        default:
          this.logger.warn('ignored an event of unknown type', {
            type: String((event as { type?: unknown }).type),
          });
      }
    } catch (error) {
      // Only a malformed event gets here (handlers are isolated below); never let it escape
      // into the interface that sent it, nor stop the loop.
      this.logger.error('driver failed to handle an event', { error: describeError(error) });
    }
  }

  private onFrame(event: FrameEvent): void {
    const entry = this.table.get(event.id);
    if (entry === undefined) {
      this.unknownFrames++;
      return;
    }
    if (!entry.online) {
      entry.stats.rxDroppedOffline++;
      return;
    }
    const packet = entry.authenticator.verifyAndStrip(event.data);
    if (packet === null) {
      entry.stats.rxIfacDropped++;
      return;
    }
    entry.stats.rxPackets++;
    entry.stats.rxBytes += event.data.length;
    try {
      this.packetHandler.handle(entry, packet);
    } catch (error) {
      this.reportHandlerError(error, entry, 'packet handler');
    }
  }

  private addDynamic(event: InterfaceUpEvent, info: InterfaceInfo, owner: InterfaceId | null): void {
    const existing = this.table.get(event.id);
    if (existing !== undefined) {
      if (!existing.dynamic) {
        // A configured interface sent its info along: treat it as the configured Up it is.
        this.markUp(event.id, event.writer);
      } else {
        this.logger.warn('InterfaceUp with info for a live dynamic interface; keeping the first', {
          id: event.id,
        });
        if (event.writer !== undefined) existing.writer = event.writer;
      }
      return;
    }
    const entry: TableEntry = {
      id: event.id,
      info: { ...this.withSettings(info, owner), started: this.clock.now() / 1000 },
      typeName: (owner === null ? undefined : this.ownerTypes.get(owner)) ?? 'unknown',
      online: true,
      dynamic: true,
      parentId: owner,
      writer: event.writer ?? null,
      stats: emptyInterfaceStats(),
      authenticator: (owner === null ? undefined : this.authenticators.get(owner)) ?? OPEN_INTERFACE,
    };
    this.table.set(entry.id, entry);
    if (owner !== null) this.childCounts.set(owner, (this.childCounts.get(owner) ?? 0) + 1);
    this.onlineCache = null;
    this.emitEntry('interfaceUp', entry);
  }

  private withSettings(info: InterfaceInfo, owner: InterfaceId | null): InterfaceInfo {
    const settings = owner === null ? undefined : this.ownerSettings.get(owner);
    return settings === undefined ? info : applyInterfaceSettings(info, settings);
  }

  private markUp(id: InterfaceId, writer: Writer | undefined): void {
    const entry = this.table.get(id);
    if (entry === undefined) {
      if (this.sinks.has(id) && !this.attached.has(id)) {
        this.pendingUp.set(id, writer);
      } else {
        this.logger.warn('InterfaceUp for an unknown interface ignored', { id });
      }
      return;
    }
    if (writer !== undefined) entry.writer = writer;
    if (entry.online) return;
    entry.online = true;
    entry.info = { ...entry.info, started: this.clock.now() / 1000 };
    this.onlineCache = null;
    this.emitEntry('interfaceUp', entry);
  }

  private markDown(id: InterfaceId): void {
    const entry = this.table.get(id);
    if (entry === undefined) {
      this.pendingUp.delete(id);
      return;
    }
    if (entry.dynamic) {
      this.table.delete(id);
      if (entry.parentId !== null) {
        const left = (this.childCounts.get(entry.parentId) ?? 1) - 1;
        if (left > 0) this.childCounts.set(entry.parentId, left);
        else this.childCounts.delete(entry.parentId);
      }
    } else if (!entry.online) {
      return;
    }
    entry.online = false;
    this.onlineCache = null;
    this.emitEntry('interfaceDown', entry);
  }

  /** Hands a plugin's own event to the host callbacks, with the interface it came from. */
  private onPluginEvent(event: PluginEvent, owner: InterfaceId | null): void {
    if (typeof event.name !== 'string') {
      this.logger.warn('ignored a plugin event without a name', { interfaceId: owner ?? undefined });
      return;
    }
    if (!this.callbacks.has('pluginEvent')) return;
    const source = {
      interfaceId: owner,
      typeName: (owner === null ? undefined : this.ownerTypes.get(owner)) ?? 'unknown',
    };
    const previous = this.currentEntry;
    this.currentEntry = owner === null ? undefined : this.table.get(owner);
    try {
      this.callbacks.emit('pluginEvent', event, source);
    } finally {
      this.currentEntry = previous;
    }
  }

  private emitEntry(event: 'interfaceUp' | 'interfaceDown', entry: InterfaceEntry): void {
    if (!this.callbacks.has(event)) return;
    const previous = this.currentEntry;
    this.currentEntry = entry;
    try {
      this.callbacks.emit(event, entry);
    } finally {
      this.currentEntry = previous;
    }
  }

  private onCallbackError(error: unknown, event: HostDriverEventName): void {
    if (event === 'handlerError') {
      // Reporting this one would loop; logging is all that is left.
      this.logger.error("a 'handlerError' callback threw", { error: describeError(error) });
      return;
    }
    this.reportHandlerError(error, this.currentEntry, `'${event}' callback`);
  }

  private reportHandlerError(error: unknown, entry: InterfaceEntry | undefined, what: string): void {
    this.logger.error(`${what} threw; event dropped, interface unaffected`, {
      interfaceId: entry?.id,
      error: describeError(error),
    });
    if (this.reportingError) return;
    this.reportingError = true;
    try {
      this.callbacks.emit('handlerError', error, entry);
    } finally {
      this.reportingError = false;
    }
  }
}

function describeError(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
