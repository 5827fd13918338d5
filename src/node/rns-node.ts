import path from 'node:path';
import { DependencyContainer, container as rootContainer } from 'tsyringe';
import { BufferBudgets } from '../core/buffer-budgets';
import { Clock, systemClock } from '../core/clock';
import { FIRST_CONFIGURED_INTERFACE_ID } from '../core/constants';
import { HostDriver } from '../core/driver/host-driver';
import { PeerPageRequest } from '../core/driver/peer-state-service';
import { InterfaceEntry } from '../core/driver/interface-entry';
import { emptyInterfaceStats } from '../core/driver/interface-stats';
import { ConfigError } from '../core/errors';
import { interfaceModeName } from '../core/interface-mode';
import { formatHostPort } from '../core/ip-address';
import { Logger, silentLogger } from '../core/logger';
import { PeerStatePage } from '../core/peer-state';
import { PluginEvent, PluginEventSource } from '../core/plugin-events';
import {
  RuntimeConfigEntry,
  RuntimeConfigResult,
  RuntimeConfigValue,
  runtimeConfigError,
} from '../core/runtime-config';
import { registerBackbonePlugin } from '../plugins/backbone';
import { registerTcpPlugin } from '../plugins/tcp';
import { registerUdpPlugin } from '../plugins/udp';
import { registerPipePlugin } from '../plugins/pipe';
import { registerMemoryPlugin } from '../plugins/memory/register-memory-plugin';
import { registerWebSocketPlugin } from '../plugins/websocket';
import { SequentialIdAllocator } from '../registry/dynamic-id-allocator';
import { TransportEngine } from '../transport/transport-engine';
import { launchInterface } from '../registry/interface-launcher';
import { InterfaceRegistry } from '../registry/interface-registry';
import { registerInterfaceFactory } from '../registry/register-plugin';
import { loadNodeConfig } from './config/config-loader';
import { readNodeInterfaceKeys } from './config/interface-keys';
import { InterfaceSection, NodeConfig, locateInterfaceError } from './config/node-config';
import { InterfaceDefaults } from './config/reticulum-section';
import { ConfigReloader, ConfigReloadReport, RunningSection } from './config-reload';
import { ControlServer } from './control/control-server';
import { controlSocketPath } from './control/control-socket-path';
import { ControlTarget } from './control/control-target';
import { IfacAuthenticators } from './ifac-authenticators';
import { InterfaceTraffic } from './interface-traffic';
import { LogOutputStats } from './logging/log-output';
import { LogRateLimiter, RateLimitedLogger } from './logging/rate-limited-logger';
import { openMetricsEndpoint } from './metrics/metrics-endpoint';
import { MetricsServer } from './metrics/metrics-server';
import { MetricsSource, NodeMetrics, PeerTraffic } from './metrics/node-metrics';
import { NoInterfacesStartedError } from './node-errors';
import { PYTHON_INTERFACE_TYPES } from './config/python-interface-types';
import { packageVersion } from './package-version';
import { PeerActivity } from './peer-activity';
import { ProcessHealth } from './process-health';
import { Forwarding, startForwarding, transportStatus } from './forwarding';
import {
  BufferBudgetsStatus,
  InterfaceStatus,
  LoggingStatus,
  NodeStatus,
  PathListPage,
  PathListRequest,
} from './node-status';
import { Relay, RelayOptions } from './relay';
import { loadThirdPartyPlugins } from './third-party-plugins';
import { liveSettings, transportSettingsHandle } from './transport-settings';

/**
 * Registers the plugins a node ships with: `BackboneInterface` and `BackboneClientInterface`,
 * `TCPServerInterface` and `TCPClientInterface`, `UDPInterface`, `PipeInterface`,
 * `WebSocketInterface` (with MeshChat's two names), and `MemoryInterface` (in-process pipes, for
 * embedding and tests; a config file can name it but it connects nothing outside).
 */
export function registerDefaultPlugins(container: DependencyContainer): void {
  registerBackbonePlugin(container);
  registerTcpPlugin(container);
  registerUdpPlugin(container);
  registerPipePlugin(container);
  registerWebSocketPlugin(container);
  registerMemoryPlugin(container);
}

/** Options of {@link RnsNode.start}. */
export interface RnsNodeOptions {
  /** The config directory: `DIR/config` is read (the default is written there when missing). */
  readonly configDir: string;
  /**
   * Where the node logs. Default: nothing is logged. Lines from interfaces, the driver and the
   * control endpoint (whose volume peers and clients decide) are rate-limited per kind; the
   * node's own lifecycle lines are not.
   */
  readonly logger?: Logger;
  /** The log output's counters, reported by `status` (its dropped lines). */
  readonly logOutput?: LogOutputStats;
  /** Time and timers. Default: the system clock. */
  readonly clock?: Clock;
  /** The container whose child the node registers its plugins in. Default: tsyringe's root. */
  readonly container?: DependencyContainer;
  /**
   * Registers the interface plugins in the node's (child) container. Default:
   * {@link registerDefaultPlugins}. Tests pass their own to use fakes.
   */
  readonly plugins?: (container: DependencyContainer) => void;
  /** Write the embedded default config when `DIR/config` is missing (default true). */
  readonly createDefaultConfig?: boolean;
  /**
   * Called once the config is read, before anything is logged or started, and again whenever
   * {@link RnsNode.reload} reads it: the CLI applies `[logging] loglevel` here unless
   * `--loglevel` overrides it.
   */
  readonly onConfigLoaded?: (config: NodeConfig) => void;
  /** Dedup settings of the relay (with `relay_mode = flood`). */
  readonly relay?: Pick<RelayOptions, 'dedupTtlMs' | 'dedupMaxEntries'>;
}

/** The node's logging besides its own logger: the rate limiter and the output's counters. */
interface NodeLogs {
  /** Limits the lines of interfaces, driver and control endpoint. */
  readonly limiter: LogRateLimiter;
  /** The node's logger behind {@link limiter}. */
  readonly limited: Logger;
  /** The output's counters, when the embedder gave them. */
  readonly output: LogOutputStats | undefined;
}

/**
 * The composition root: config file -> plugin registry -> driver -> transport engine (or, with
 * `relay_mode = flood`, the relay), plus the control endpoint. One instance per running node.
 *
 * Startup ({@link start}): read `DIR/config` (writing the default when missing), refuse a config
 * that chose no forwarding mode or both, take the control socket (refusing when another node
 * runs for DIR), load the third-party interface plugins (`DIR/interfaces/*.js` and `[plugins]
 * modules`; one that fails is logged, naming its file or module, and left out), start the
 * forwarding (loading or creating the transport identity), then launch every enabled interface
 * section in config order with ids 1, 2, ...; a section that fails to parse or start is logged
 * with its file, line, section and key, and skipped. If none started, everything is undone and
 * {@link NoInterfacesStartedError} is thrown.
 */
export class RnsNode implements ControlTarget {
  private readonly startedAtMs: number;
  private readonly traffic: InterfaceTraffic;
  private readonly peerActivity: PeerActivity;
  private readonly health = new ProcessHealth();
  private metrics: NodeMetrics | undefined;
  private stopping: Promise<void> | undefined;
  private reloading: Promise<void> = Promise.resolve();

  private constructor(
    /** The absolute config directory. */
    readonly configDir: string,
    /** The config as read at startup. */
    readonly config: NodeConfig,
    /** The interface table and operator services. */
    readonly driver: HostDriver,
    /** The packet handler: the transport engine, or the flood relay. */
    readonly forwarding: Forwarding,
    /** The node-wide buffer budgets every interface shares. */
    readonly buffers: BufferBudgets,
    private readonly clock: Clock,
    private readonly logger: Logger,
    private readonly logs: NodeLogs,
    private readonly started: readonly RunningSection[],
    /** Problems met at startup (config errors and interfaces that failed), already logged. */
    readonly startupProblems: readonly Error[],
    private control: ControlServer | undefined,
    private readonly reloader: ConfigReloader,
    private metricsServer: MetricsServer | undefined,
  ) {
    this.startedAtMs = clock.now();
    this.traffic = new InterfaceTraffic(driver);
    this.peerActivity = new PeerActivity(config.metrics.enabled && config.metrics.perPeer);
    if (metricsServer !== undefined) {
      const { perPeer, perPeerLimit } = config.metrics;
      this.metrics = new NodeMetrics(this.metricsSource(), { perPeer, perPeerLimit });
      metricsServer.serve(this.metrics);
    }
    driver.on('interfaceDown', (entry) => this.onInterfaceDown(entry));
    driver.on('interfaceUp', (entry) => this.onInterfaceUp(entry));
    driver.on('pluginEvent', (event, source) => this.onPluginEvent(event, source));
  }

  /** Reads the config, starts the interfaces and the control endpoint. */
  static async start(options: RnsNodeOptions): Promise<RnsNode> {
    const configDir = path.resolve(options.configDir);
    const logger = options.logger ?? silentLogger;
    const clock = options.clock ?? systemClock;
    const limiter = new LogRateLimiter({ clock }, logger);
    const logs: NodeLogs = {
      limiter,
      limited: new RateLimitedLogger(logger, limiter),
      output: options.logOutput,
    };
    const { config, created } = await loadNodeConfig(configDir, {
      createDefault: options.createDefaultConfig ?? true,
    });
    options.onConfigLoaded?.(config);
    const routing = config.reticulumSettings.routing;
    if (routing === null) throw config.reticulumSettings.routingError ?? new Error('no forwarding mode');
    // A metrics endpoint that is asked for but cannot be set up as written is not left out quietly.
    const metricsProblem = config.errors.find((e) => e.section === 'metrics');
    if (metricsProblem !== undefined) throw metricsProblem;
    if (created) logger.info('wrote the default config', { file: config.file });
    logger.info('config loaded', { file: config.file, interfaces: config.interfaces.length });
    for (const notice of config.notices) logger.info(notice);
    const problems: Error[] = [];
    for (const error of config.errors) {
      logger.error(error.message);
      problems.push(error);
    }

    // The control socket is also the lock: take it before binding any interface port, so a
    // second node for DIR is refused with a clear message rather than "address in use".
    const control = await ControlServer.open({
      socketPath: controlSocketPath(configDir),
      configDir,
      clock,
      logger: logs.limited.child({ component: 'control' }),
    });
    let metricsServer: MetricsServer | undefined;
    if (config.metrics.enabled) {
      try {
        metricsServer = await openMetricsEndpoint(
          config.metrics,
          config.file,
          logs.limited.child({ component: 'metrics' }),
        );
      } catch (err) {
        await control.close();
        limiter.stop();
        throw err;
      }
    }
    const driver = new HostDriver({ clock, logger: logs.limited.child({ component: 'driver' }) });
    let forwarding: Forwarding | undefined;
    try {
      const container = (options.container ?? rootContainer).createChildContainer();
      (options.plugins ?? registerDefaultPlugins)(container);
      const thirdParty = await loadThirdPartyPlugins(
        configDir,
        config.plugins,
        config.file,
        container.resolve(InterfaceRegistry).typeNames(),
      );
      for (const error of thirdParty.errors) {
        logger.error(error.message);
        problems.push(error);
      }
      for (const { factory, file } of thirdParty.loaded) {
        registerInterfaceFactory(container, factory);
        logger.info('interface plugin loaded', { type: factory.typeName, file });
      }
      const registry = container.resolve(InterfaceRegistry);
      forwarding = await startForwarding(routing, { configDir, driver, clock, logger, relay: options.relay });
      const enabled = config.interfaces.filter((s) => s.enabled);
      // One pair of budgets for every interface: the bound is on the node, not per listener.
      const buffers = new BufferBudgets({
        receiveBytes: config.reticulumSettings.receiveBufferBudgetBytes,
        sendBytes: config.reticulumSettings.sendBufferBudgetBytes,
      });
      // Python's own types no plugin here serves are reported and skipped, never fatal.
      const skipped = enabled.filter(
        (s) => PYTHON_INTERFACE_TYPES.has(s.typeName) && !registry.has(s.typeName),
      );
      for (const section of skipped) {
        logger.warn(`interface type ${section.typeName} is not implemented by rns-net; skipped`, {
          interface: section.name,
        });
      }
      const launching = enabled.filter((s) => !skipped.includes(s));
      const started = await RnsNode.launchAll(
        launching,
        {
          registry,
          driver,
          clock,
          logger,
          interfaceLogger: logs.limited,
          buffers,
          file: config.file,
          interfaceDefaults: config.reticulumSettings.interfaceDefaults,
        },
        problems,
      );
      // A config whose enabled sections are all skipped types still runs (as Python's example
      // config does in rnsd); nothing enabled, or nothing that started, is an error.
      if (started.length === 0 && (enabled.length === 0 || launching.length > 0)) {
        throw new NoInterfacesStartedError(config.file, launching.length);
      }
      // Restored in slices: the interfaces are up and forward in between.
      if (forwarding.mode === 'transport') await forwarding.restorePaths();
      const reloader = new ConfigReloader({
        configDir,
        running: started,
        reticulum: config.reticulumSettings,
        metrics: config.metrics,
        plugins: config.plugins,
        transportTunables: routing === 'transport',
        registry,
        driver,
        logger,
        onConfigLoaded: options.onConfigLoaded,
      });
      const node = new RnsNode(
        configDir,
        config,
        driver,
        forwarding,
        buffers,
        clock,
        logger,
        logs,
        started,
        problems,
        control,
        reloader,
        metricsServer,
      );
      control.serve(node);
      logger.info('node running', {
        configDir,
        interfaces: started.length,
        failed: launching.length - started.length,
        skipped: skipped.length,
        control: control.socketPath,
        metrics: node.metricsUrl ?? null,
      });
      return node;
    } catch (err) {
      await forwarding?.stop();
      await driver.stop();
      await Promise.allSettled([control.close(), metricsServer?.close()]);
      limiter.stop();
      throw err;
    }
  }

  /**
   * Launches the enabled sections in config order with ids 1, 2, ...; a section that fails is
   * logged (file, line, section, key), added to `problems` and skipped.
   */
  private static async launchAll(
    sections: readonly InterfaceSection[],
    deps: {
      registry: InterfaceRegistry;
      driver: HostDriver;
      clock: Clock;
      logger: Logger;
      interfaceLogger: Logger;
      buffers: BufferBudgets;
      file: string;
      interfaceDefaults: InterfaceDefaults;
    },
    problems: Error[],
  ): Promise<RunningSection[]> {
    const { registry, driver, clock, logger, interfaceLogger, buffers, file, interfaceDefaults } = deps;
    const started: RunningSection[] = [];
    const dynamicIds = new SequentialIdAllocator();
    const authenticators = new IfacAuthenticators();
    let nextId = FIRST_CONFIGURED_INTERFACE_ID;
    for (const section of sections) {
      const id = nextId++;
      try {
        const factory = registry.require(section.typeName, section.name);
        const owned = readNodeInterfaceKeys(
          section.name,
          section.nodeParams,
          interfaceDefaults,
          factory.defaultIfacSize,
        );
        for (const notice of owned.notices) logger.warn(notice, { interface: section.name });
        const { settings, ifac } = owned;
        if (ifac !== null) driver.setFrameAuthenticator(id, authenticators.for(ifac));
        const attached = await launchInterface({
          registry,
          driver,
          section: {
            name: section.name,
            id,
            typeName: section.typeName,
            mode: section.mode,
            params: section.params,
            ingressControl: settings.ingressControl,
            settings: { mode: section.mode, ...settings },
            ...(ifac !== null ? { ifacSize: ifac.size } : {}),
          },
          dynamicIds,
          clock,
          logger: interfaceLogger,
          buffers,
        });
        if (interfaceDefaults.transport) {
          driver.serveRuntimeConfig(
            transportSettingsHandle(section.name, liveSettings(settings), (live) =>
              driver.updateInterfaceSettings(id, live),
            ),
          );
        }
        const access = ifac === null ? null : { networkName: ifac.networkName, size: ifac.size };
        started.push({
          id,
          section,
          runtimeConfig: attached.runtimeConfig,
          ifac: access,
          ...(attached.drops !== undefined ? { drops: attached.drops } : {}),
        });
        logger.info('interface started', {
          interface: section.name,
          type: section.typeName,
          mode: interfaceModeName(section.mode),
          id,
          ifacSize: ifac?.size ?? null,
          networkName: ifac?.networkName ?? null,
          ...(attached.boundAddress !== undefined
            ? { address: formatHostPort(attached.boundAddress.host, attached.boundAddress.port) }
            : {}),
        });
      } catch (err) {
        const problem =
          err instanceof ConfigError
            ? locateInterfaceError(file, section, err)
            : new ConfigError(`failed to start: ${err instanceof Error ? err.message : String(err)}`, {
                file,
                line: section.line,
                section: section.name,
              });
        logger.error(problem.message, { interface: section.name, type: section.typeName });
        problems.push(problem);
      }
    }
    return started;
  }

  /** The relay, with `relay_mode = flood`. */
  get relay(): Relay | undefined {
    return this.forwarding.mode === 'flood' ? this.forwarding.relay : undefined;
  }

  /** The transport engine, with `enable_transport = yes`. */
  get transport(): TransportEngine | undefined {
    return this.forwarding.mode === 'transport' ? this.forwarding.engine : undefined;
  }

  /** The control socket path, while the node runs. */
  get controlSocketPath(): string | undefined {
    return this.control?.socketPath;
  }

  /** The metrics endpoint's URL, while the node serves metrics. */
  get metricsUrl(): string | undefined {
    const address = this.metricsServer?.address;
    if (address === undefined) return undefined;
    return `http://${formatHostPort(address.host, address.port)}/metrics`;
  }

  /** Uptime, interfaces (with traffic summed over a listener's peers), and the relay's or the transport engine's state. */
  status(): NodeStatus {
    const now = this.clock.now();
    const forwarding = this.forwarding;
    return {
      configDir: this.configDir,
      pid: process.pid,
      startedAt: new Date(this.startedAtMs).toISOString(),
      uptimeSecs: Math.max(0, Math.floor((now - this.startedAtMs) / 1000)),
      interfaces: this.interfaceStatuses(),
      forwarding: forwarding.mode,
      ...(forwarding.mode === 'flood'
        ? { relay: { ...forwarding.relay.counters, dedupEntries: forwarding.relay.dedupSize } }
        : { transport: transportStatus(forwarding) }),
      process: this.health.snapshot(),
      logging: this.loggingStatus(),
      buffers: this.bufferStatus(),
    };
  }

  /** The configured interfaces that started, in config order, with their traffic. */
  private interfaceStatuses(): InterfaceStatus[] {
    const summaries = new Map(this.driver.attachedInterfaces().map((a) => [a.id, a]));
    const traffic = this.traffic.byInterface();
    const interfaces: InterfaceStatus[] = [];
    for (const { id, section, ifac } of this.started) {
      const summary = summaries.get(id);
      if (summary === undefined) continue;
      const stats = traffic.get(id) ?? emptyInterfaceStats();
      interfaces.push({
        id,
        name: summary.name,
        type: summary.typeName,
        mode: interfaceModeName(section.mode),
        kind: summary.kind,
        online: summary.online,
        peers: summary.kind === 'listener' ? summary.dynamicCount : summary.online ? 1 : 0,
        boundAddress: summary.boundAddress,
        ...stats,
        drops: stats.rxDroppedOffline + stats.rxIfacDropped + stats.txRefusedOffline + stats.txRefusedFull,
        ifac,
      });
    }
    return interfaces;
  }

  private bufferStatus(): BufferBudgetsStatus {
    return {
      receiveHeldBytes: this.buffers.receive.totalHeld,
      receiveLimitBytes: this.buffers.receive.limitBytes,
      receiveEvictions: this.buffers.receive.evictions,
      sendHeldBytes: this.buffers.send.totalHeld,
      sendLimitBytes: this.buffers.send.limitBytes,
      sendRefusals: this.buffers.send.refusals,
    };
  }

  private loggingStatus(): LoggingStatus {
    return {
      droppedLines: this.logs.output?.droppedLines ?? 0,
      suppressedLines: this.logs.limiter.suppressedLines,
    };
  }

  /** What the metrics read of this node. */
  private metricsSource(): MetricsSource {
    const drops = new Map(this.started.map(({ id, drops }) => [id, drops]));
    return {
      version: packageVersion(),
      startedAtMs: this.startedAtMs,
      forwarding: this.forwarding,
      interfaces: () => this.interfaceStatuses(),
      peerActivity: (id) => this.peerActivity.of(id),
      interfaceDrops: (id) => drops.get(id)?.() ?? {},
      peers: (limit) => {
        const peers: PeerTraffic[] = [];
        let total = 0;
        for (const entry of this.driver.interfaces()) {
          if (!entry.dynamic || entry.parentId === null) continue;
          total++;
          if (peers.length >= limit) continue;
          peers.push({
            interfaceName: this.sectionName(entry.parentId) ?? String(entry.parentId),
            peer: this.peerActivity.addressOf(entry.id) ?? entry.info.name,
            stats: entry.stats,
          });
        }
        return { peers, total };
      },
      unknownFrames: () => this.driver.droppedUnknownFrames,
      logging: () => this.loggingStatus(),
      buffers: () => this.bufferStatus(),
    };
  }

  /** The running section called `name`, or `not_found`. */
  private sectionNamed(name: string): RuntimeConfigResult<RunningSection> {
    const section = this.started.find((s) => s.section.name === name);
    return section === undefined
      ? runtimeConfigError('not_found', `interface '${name}' not found`)
      : { ok: true, value: section };
  }

  /** The section name of configured interface `id`. */
  private sectionName(id: number): string | undefined {
    return this.started.find((s) => s.id === id)?.section.name;
  }

  /** The transport engine, or `unsupported` for a flood relay, which keeps no paths. */
  private pathKeeper(): RuntimeConfigResult<TransportEngine> {
    return this.transport === undefined
      ? runtimeConfigError(
          'unsupported',
          'the node forwards as a flood relay (relay_mode = flood): it keeps no paths',
        )
      : { ok: true, value: this.transport };
  }

  listPeers(request: PeerPageRequest): RuntimeConfigResult<PeerStatePage> {
    if (request.interfaceName !== undefined) {
      const section = this.sectionNamed(request.interfaceName);
      if (!section.ok) return section;
    }
    return this.driver.listPeerPage(request);
  }

  blacklistPeer(
    interfaceName: string,
    ip: string,
    durationSecs: number,
    reason: string,
  ): RuntimeConfigResult<number> {
    const result = this.driver.blacklistPeer(interfaceName, ip, durationSecs, reason);
    if (result.ok)
      this.logger.warn('peer blacklisted by operator', {
        interface: interfaceName,
        ip,
        secs: result.value,
        reason,
      });
    return result;
  }

  clearPeer(interfaceName: string, ip: string): RuntimeConfigResult<boolean> {
    const result = this.driver.clearPeer(interfaceName, ip);
    if (result.ok && result.value)
      this.logger.info('peer state cleared by operator', { interface: interfaceName, ip });
    return result;
  }

  listPaths(request: PathListRequest): RuntimeConfigResult<PathListPage> {
    const engine = this.pathKeeper();
    if (!engine.ok) return engine;
    let interfaceId: number | undefined;
    if (request.interfaceName !== undefined) {
      const section = this.sectionNamed(request.interfaceName);
      if (!section.ok) return section;
      interfaceId = section.value.id;
    }
    const page = engine.value.view.pathPage({
      destination: request.destination,
      interfaceId,
      maxHops: request.maxHops,
      cursor: request.cursor,
      limit: request.limit,
    });
    if (!page.ok) return page;
    const paths = page.value.paths.map((path) => ({
      ...path,
      listener: path.parentId === null ? null : (this.sectionName(path.parentId) ?? null),
    }));
    return { ok: true, value: { paths, cursor: page.value.cursor } };
  }

  dropPath(destination: string): RuntimeConfigResult<boolean> {
    const engine = this.pathKeeper();
    if (!engine.ok) return engine;
    if (!/^<?[0-9a-fA-F]{32}>?$/.test(destination.trim())) {
      return runtimeConfigError(
        'invalid_value',
        `'${destination}' is not a destination hash (32 hex digits)`,
      );
    }
    const dropped = engine.value.view.dropPath(destination);
    if (dropped) this.logger.info('path dropped by operator', { destination });
    return { ok: true, value: dropped };
  }

  listRuntimeConfig(): readonly RuntimeConfigEntry[] {
    return this.driver.listRuntimeConfig();
  }

  getRuntimeConfig(key: string): RuntimeConfigEntry | undefined {
    return this.driver.getRuntimeConfig(key);
  }

  setRuntimeConfig(key: string, value: RuntimeConfigValue): RuntimeConfigResult<RuntimeConfigEntry> {
    const result = this.driver.setRuntimeConfig(key, value);
    if (result.ok) this.logger.info('runtime config changed', { key, value: JSON.stringify(value) });
    return result;
  }

  resetRuntimeConfig(key: string): RuntimeConfigResult<RuntimeConfigEntry> {
    const result = this.driver.resetRuntimeConfig(key);
    if (result.ok)
      this.logger.info('runtime config reset', { key, value: JSON.stringify(result.value.value) });
    return result;
  }

  /**
   * Re-reads the config file and applies what can change while the node runs (see
   * {@link ConfigReloader}): changed runtime settings now, the rest logged as needing a restart.
   * Never rejects; reloads run one after another. The CLI calls it on SIGHUP.
   */
  reload(): Promise<ConfigReloadReport> {
    if (this.stopping !== undefined) {
      return Promise.resolve({ applied: [], restartNeeded: [], problems: ['the node is stopping'] });
    }
    const run = this.reloading.then(() => this.reloader.reload());
    this.reloading = run.then(() => undefined);
    return run;
  }

  /**
   * Stops the node: closes the control endpoint (removing its socket), then every interface.
   * Idempotent; resolves when all are closed.
   */
  stop(): Promise<void> {
    this.stopping ??= (async () => {
      this.logger.info('node stopping');
      const control = this.control;
      this.control = undefined;
      const metricsServer = this.metricsServer;
      this.metricsServer = undefined;
      await Promise.allSettled([control?.close(), metricsServer?.close(), this.driver.stop()]);
      await this.forwarding.stop();
      this.metrics?.stop();
      this.health.stop();
      this.logs.limiter.stop();
      this.logger.info('node stopped');
    })();
    return this.stopping;
  }

  private onInterfaceUp(entry: InterfaceEntry): void {
    if (!entry.dynamic) this.logger.info('interface online', { interface: entry.info.name });
  }

  private onInterfaceDown(entry: InterfaceEntry): void {
    if (entry.dynamic) {
      this.traffic.peerDeparted(entry);
      this.peerActivity.forget(entry.id);
    } else {
      this.logger.info('interface offline', { interface: entry.info.name });
    }
  }

  /**
   * The one place the node reads the events interfaces report of their own (see
   * `PluginEventMap`): the peer lifecycle of listeners, counted for the metrics. It logs none of
   * it: the plugin that connects, closes or penalises a peer logs that itself, once. Names the
   * node does not know are left alone.
   */
  private onPluginEvent(event: PluginEvent, source: PluginEventSource): void {
    const listener = source.interfaceId;
    if (listener === null) return;
    const activity = this.peerActivity;
    switch (event.name) {
      case 'peer.connected': {
        const { ip, port, peerId } = event.detail;
        activity.connected(listener, peerId, ip, port);
        break;
      }
      case 'peer.disconnected': {
        const { peerId, cause } = event.detail;
        activity.disconnected(listener, peerId);
        if (cause === 'idle_timeout') activity.idleTimeout(listener);
        if (cause === 'write_stall') activity.writeStall(listener);
        break;
      }
      case 'peer.penalty':
        activity.penalty(listener, event.detail.reason);
        break;
    }
  }
}
