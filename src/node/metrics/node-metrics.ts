import { Registry } from 'prom-client';
import { ReadTurn } from '../../net/read-turn';
import { InterfaceStats } from '../../core/driver/interface-stats';
import { InterfaceId } from '../../core/interface-id';
import { Forwarding } from '../forwarding';
import { BufferBudgetsStatus, InterfaceStatus, LoggingStatus } from '../node-status';
import { PeerActivityCounts } from '../peer-activity';
import { ProcessHealth, ProcessHealthStatus } from '../process-health';
import { registerForwardingMetrics } from './forwarding-metrics';
import { Emit, collectedCounter, collectedGauge } from './metric-families';

/** One peer of a listener, for per-peer series. */
export interface PeerTraffic {
  /** The listener's config section name. */
  readonly interfaceName: string;
  /** The peer as the `peer` label shows it: `ip:port` when known, else its interface name. */
  readonly peer: string;
  /** Its counters (live: read at once). */
  readonly stats: Readonly<InterfaceStats>;
}

/** What the metrics read of a running node; every method is called at scrape time only. */
export interface MetricsSource {
  /** The rns-net version. */
  readonly version: string;
  /** When the node started, ms since the epoch. */
  readonly startedAtMs: number;
  /** The packet handler whose counters are exported. */
  readonly forwarding: Forwarding;
  /** The configured interfaces that started, with their traffic (a listener's summed over its peers). */
  interfaces(): readonly InterfaceStatus[];
  /** What an interface dropped or refused itself, by reason (its plugin's own counts; may be empty). */
  interfaceDrops(id: InterfaceId): Readonly<Record<string, number>>;
  /** What happened to the peers of a listener, from its peer events. */
  peerActivity(id: InterfaceId): Readonly<PeerActivityCounts> | undefined;
  /** The first `limit` live peers of listeners (oldest first), and how many there are in all. */
  peers(limit: number): { readonly peers: readonly PeerTraffic[]; readonly total: number };
  /** Frames the driver received for interface ids it does not know. */
  unknownFrames(): number;
  /** The node's log lines dropped and suppressed. */
  logging(): LoggingStatus;
  /** The node-wide buffer budgets. */
  buffers(): BufferBudgetsStatus;
}

/** Options of {@link NodeMetrics}. */
export interface NodeMetricsOptions {
  /** Export series for each peer of a listener (`[metrics] per_peer`). */
  readonly perPeer: boolean;
  /** The most peers exported one by one (`[metrics] per_peer_limit`). */
  readonly perPeerLimit: number;
  /** Samples the event-loop delay; a new one by default (stopped by {@link NodeMetrics.stop}). */
  readonly health?: ProcessHealth;
}

/** What one scrape reads once and every family of it shares. */
interface Scrape {
  readonly interfaces: readonly InterfaceStatus[];
  readonly peers: { readonly peers: readonly PeerTraffic[]; readonly total: number } | undefined;
  readonly memory: NodeJS.MemoryUsage;
  readonly loopDelayMs: ProcessHealthStatus['eventLoopDelayMs'];
}

/** The traffic counters of an interface or peer, each with its metric name stem and help text. */
const TRAFFIC: readonly (readonly [
  stem: string,
  help: string,
  read: (s: Readonly<InterfaceStats>) => number,
])[] = [
  ['rx_packets_total', 'Frames received.', (s) => s.rxPackets],
  ['rx_bytes_total', 'Bytes of the frames received (deframed packet bytes).', (s) => s.rxBytes],
  ['tx_packets_total', 'Packets a writer accepted.', (s) => s.txPackets],
  ['tx_bytes_total', 'Bytes of the packets a writer accepted.', (s) => s.txBytes],
];

/** Frames and packets lost at an interface, by the `reason` label. */
const DROPS: readonly (readonly [reason: string, read: (s: Readonly<InterfaceStats>) => number])[] = [
  ['rx_offline', (s) => s.rxDroppedOffline],
  ['rx_ifac', (s) => s.rxIfacDropped],
  ['tx_offline', (s) => s.txRefusedOffline],
  ['tx_buffer_full', (s) => s.txRefusedFull],
];

const DRIVER_DROP_REASONS: ReadonlySet<string> = new Set(DROPS.map(([reason]) => reason));

/** The most drop reasons of an interface's own that are exported (a bound on a plugin's series). */
export const MAX_PLUGIN_DROP_REASONS = 16;

const DROPS_HELP =
  'rx_offline (arrived while offline), rx_ifac (missing, wrong or unexpected access code), ' +
  'tx_offline (writer offline), tx_buffer_full (send buffer or budget full)';

/**
 * The node's Prometheus metrics (prefix `rnsnet_`, every name listed in docs/metrics.md). Every
 * value is read from the live counters when a scrape runs ({@link render}); nothing on the packet
 * path updates a metric. Interfaces are the configured ones: a listener's peers are summed under
 * it, peers that left included. Per-peer series exist only with `perPeer`, for at most
 * `perPeerLimit` peers.
 */
export class NodeMetrics {
  private readonly registry = new Registry();
  private readonly health: ProcessHealth;
  private scrape: Scrape | undefined;

  constructor(
    private readonly source: MetricsSource,
    private readonly options: NodeMetricsOptions,
  ) {
    this.health = options.health ?? new ProcessHealth();
    this.registerNode();
    this.registerInterfaces();
    if (options.perPeer) this.registerPeers();
    registerForwardingMetrics(this.registry, source.forwarding);
    this.registerBuffers();
    this.registerProcess();
  }

  /** The Content-Type of {@link render}'s text. */
  get contentType(): string {
    return this.registry.contentType;
  }

  /** The names of every metric family, sorted. */
  metricNames(): string[] {
    return this.registry
      .getMetricsAsArray()
      .map((m) => m.name)
      .sort();
  }

  /** The metrics in Prometheus' text format, read now. */
  async render(): Promise<string> {
    this.scrape = undefined;
    try {
      return await this.registry.metrics();
    } finally {
      this.scrape = undefined;
    }
  }

  /** Stops sampling the event-loop delay. */
  stop(): void {
    this.health.stop();
  }

  private registerBuffers(): void {
    const registry = this.registry;
    const both =
      (receive: (b: BufferBudgetsStatus) => number, send: (b: BufferBudgetsStatus) => number) =>
      (emit: Emit) => {
        const buffers = this.source.buffers();
        emit({ budget: 'receive' }, receive(buffers));
        emit({ budget: 'send' }, send(buffers));
      };
    collectedGauge(
      registry,
      {
        name: 'rnsnet_buffer_budget_held_bytes',
        help: 'Bytes held against each node-wide buffer budget: receive (unfinished incoming frames), send (queued for sending).',
        labelNames: ['budget'],
      },
      both(
        (b) => b.receiveHeldBytes,
        (b) => b.sendHeldBytes,
      ),
    );
    collectedGauge(
      registry,
      {
        name: 'rnsnet_buffer_budget_limit_bytes',
        help: 'The limit of each node-wide buffer budget ([reticulum] receive_buffer_budget, send_buffer_budget).',
        labelNames: ['budget'],
      },
      both(
        (b) => b.receiveLimitBytes,
        (b) => b.sendLimitBytes,
      ),
    );
    collectedCounter(
      registry,
      {
        name: 'rnsnet_buffer_budget_receive_evictions_total',
        help: 'Connections cut for holding the largest unfinished frame when the receive budget was spent.',
      },
      (emit) => emit({}, this.source.buffers().receiveEvictions),
    );
    collectedCounter(
      registry,
      {
        name: 'rnsnet_buffer_budget_send_refusals_total',
        help: 'Packets dropped because the node-wide send budget was spent (also in tx_buffer_full drops).',
      },
      (emit) => emit({}, this.source.buffers().sendRefusals),
    );
  }

  /** The figures of the scrape under way, read on first use. */
  private current(): Scrape {
    this.scrape ??= {
      interfaces: this.source.interfaces(),
      peers: this.options.perPeer ? this.source.peers(this.options.perPeerLimit) : undefined,
      memory: process.memoryUsage(),
      loopDelayMs: this.health.loopDelay(),
    };
    return this.scrape;
  }

  private registerNode(): void {
    const { registry, source } = this;
    collectedGauge(
      registry,
      {
        name: 'rnsnet_info',
        help: 'Always 1; the labels say which rns-net runs and how it forwards (transport or flood).',
        labelNames: ['version', 'forwarding'],
      },
      (emit) => emit({ version: source.version, forwarding: source.forwarding.mode }, 1),
    );
    collectedGauge(
      registry,
      { name: 'rnsnet_start_time_seconds', help: 'When the node started, seconds since the Unix epoch.' },
      (emit) => emit({}, source.startedAtMs / 1000),
    );
    collectedCounter(
      registry,
      {
        name: 'rnsnet_driver_unknown_frames_total',
        help: 'Frames the driver received for an interface id it does not know (dropped).',
      },
      (emit) => emit({}, source.unknownFrames()),
    );
    collectedCounter(
      registry,
      {
        name: 'rnsnet_log_lines_dropped_total',
        help: 'Log lines dropped because the log destination did not keep up.',
      },
      (emit) => emit({}, source.logging().droppedLines),
    );
    collectedCounter(
      registry,
      {
        name: 'rnsnet_log_lines_suppressed_total',
        help: 'Log lines held back by the per-kind rate limit.',
      },
      (emit) => emit({}, source.logging().suppressedLines),
    );
  }

  private registerInterfaces(): void {
    const registry = this.registry;
    const each = (read: (emit: Emit, i: InterfaceStatus) => void) => (emit: Emit) => {
      for (const i of this.current().interfaces) read(emit, i);
    };
    const listeners = (read: (emit: Emit, i: InterfaceStatus, a: Readonly<PeerActivityCounts>) => void) =>
      each((emit, i) => {
        if (i.kind !== 'listener') return;
        const activity = this.source.peerActivity(i.id) ?? NO_ACTIVITY;
        read(emit, i, activity);
      });
    collectedGauge(
      registry,
      {
        name: 'rnsnet_interface_info',
        help: 'Always 1 for each configured interface that started; the labels describe it.',
        labelNames: ['interface', 'type', 'kind', 'mode'],
      },
      each((emit, i) => emit({ interface: i.name, type: i.type, kind: i.kind, mode: i.mode }, 1)),
    );
    collectedGauge(
      registry,
      {
        name: 'rnsnet_interface_up',
        help: 'A single interface: 1 while connected. A listener: 1 while listening.',
        labelNames: ['interface'],
      },
      each((emit, i) => emit({ interface: i.name }, i.online ? 1 : 0)),
    );
    collectedGauge(
      registry,
      {
        name: 'rnsnet_interface_peers',
        help: 'Connected peers: a listener its live peers, a single interface 1 while connected.',
        labelNames: ['interface'],
      },
      each((emit, i) => emit({ interface: i.name }, i.peers)),
    );
    for (const [stem, help, read] of TRAFFIC) {
      collectedCounter(
        registry,
        {
          name: `rnsnet_interface_${stem}`,
          help: `${help} A listener: summed over its peers, including peers that left.`,
          labelNames: ['interface'],
        },
        each((emit, i) => emit({ interface: i.name }, read(i))),
      );
    }
    collectedCounter(
      registry,
      {
        name: 'rnsnet_interface_rx_duplicates_total',
        help: 'Frames the flood relay dropped as duplicates, by the interface they arrived on.',
        labelNames: ['interface'],
      },
      each((emit, i) => emit({ interface: i.name }, i.rxDuplicates)),
    );
    collectedCounter(
      registry,
      {
        name: 'rnsnet_interface_dropped_total',
        help: `Frames, packets and connections lost at the interface, by reason: ${DROPS_HELP}; and the reasons of the interface's plugin (docs/metrics.md).`,
        labelNames: ['interface', 'reason'],
      },
      each((emit, i) => {
        for (const [reason, read] of DROPS) emit({ interface: i.name, reason }, read(i));
        let kept = 0;
        for (const [reason, count] of Object.entries(this.source.interfaceDrops(i.id))) {
          if (kept === MAX_PLUGIN_DROP_REASONS) break;
          if (DRIVER_DROP_REASONS.has(reason) || !Number.isFinite(count) || count < 0) continue;
          emit({ interface: i.name, reason }, count);
          kept++;
        }
      }),
    );
    collectedCounter(
      registry,
      {
        name: 'rnsnet_interface_peer_connections_total',
        help: 'Peers a listener admitted.',
        labelNames: ['interface'],
      },
      listeners((emit, i, a) => emit({ interface: i.name }, a.connected)),
    );
    collectedCounter(
      registry,
      {
        name: 'rnsnet_interface_peer_disconnections_total',
        help: 'Peer connections of a listener that ended, by cause: idle_timeout, write_stall, other.',
        labelNames: ['interface', 'cause'],
      },
      listeners((emit, i, a) => {
        emit({ interface: i.name, cause: 'idle_timeout' }, a.idleTimeouts);
        emit({ interface: i.name, cause: 'write_stall' }, a.writeStalls);
        emit(
          { interface: i.name, cause: 'other' },
          Math.max(0, a.disconnected - a.idleTimeouts - a.writeStalls),
        );
      }),
    );
    collectedCounter(
      registry,
      {
        name: 'rnsnet_interface_penalties_total',
        help: 'IPs a listener penalised (blacklisted for their behaviour), by reason.',
        labelNames: ['interface', 'reason'],
      },
      listeners((emit, i, a) => {
        for (const [reason, count] of a.penalties) emit({ interface: i.name, reason }, count);
      }),
    );
  }

  private registerPeers(): void {
    const registry = this.registry;
    const each = (read: (emit: Emit, p: PeerTraffic) => void) => (emit: Emit) => {
      for (const p of this.current().peers?.peers ?? []) read(emit, p);
    };
    for (const [stem, help, read] of TRAFFIC) {
      collectedCounter(
        registry,
        {
          name: `rnsnet_peer_${stem}`,
          help: `${help} One series per live peer of a listener (per_peer).`,
          labelNames: ['interface', 'peer'],
        },
        each((emit, p) => emit({ interface: p.interfaceName, peer: p.peer }, read(p.stats))),
      );
    }
    collectedCounter(
      registry,
      {
        name: 'rnsnet_peer_dropped_total',
        help: `Frames and packets lost at a peer, by reason: ${DROPS_HELP}.`,
        labelNames: ['interface', 'peer', 'reason'],
      },
      each((emit, p) => {
        for (const [reason, read] of DROPS)
          emit({ interface: p.interfaceName, peer: p.peer, reason }, read(p.stats));
      }),
    );
    collectedGauge(
      registry,
      {
        name: 'rnsnet_peers_not_exported',
        help: 'Live peers beyond per_peer_limit, counted only in their listener sums.',
      },
      (emit) => {
        const peers = this.current().peers;
        emit({}, peers === undefined ? 0 : peers.total - peers.peers.length);
      },
    );
  }

  private registerProcess(): void {
    const registry = this.registry;
    const memory = (name: string, help: string, read: (m: NodeJS.MemoryUsage) => number) =>
      collectedGauge(registry, { name, help }, (emit) => emit({}, read(this.current().memory)));
    memory('rnsnet_process_resident_memory_bytes', 'Resident set size of the node process.', (m) => m.rss);
    memory('rnsnet_process_heap_used_bytes', 'V8 heap in use.', (m) => m.heapUsed);
    memory('rnsnet_process_heap_total_bytes', 'V8 heap reserved.', (m) => m.heapTotal);
    memory(
      'rnsnet_process_external_memory_bytes',
      'Memory of C++ objects bound to JavaScript objects, buffers included.',
      (m) => m.external,
    );
    memory(
      'rnsnet_process_array_buffers_bytes',
      'Memory of ArrayBuffers and Buffers (part of the external memory).',
      (m) => m.arrayBuffers,
    );
    collectedCounter(
      registry,
      { name: 'rnsnet_process_cpu_seconds_total', help: 'CPU time of the node process, user and system.' },
      (emit) => {
        const cpu = process.cpuUsage();
        emit({}, (cpu.user + cpu.system) / 1e6);
      },
    );
    collectedCounter(
      registry,
      {
        name: 'rnsnet_read_turn_pauses_total',
        help: 'Socket reads paused until the next event-loop turn, its read budget spent (floods).',
      },
      (emit) => emit({}, ReadTurn.process.pauses),
    );
    const delay = (quantile: 'p50' | 'p99' | 'max', help: string) =>
      collectedGauge(registry, { name: `rnsnet_event_loop_delay_${quantile}_seconds`, help }, (emit) =>
        emit({}, this.current().loopDelayMs[quantile] / 1000),
      );
    const since =
      'since the previous scrape, beyond the 10 ms sampling interval (as rns-net status shows it)';
    delay('p50', `Median event-loop delay ${since}.`);
    delay('p99', `99th percentile event-loop delay ${since}.`);
    delay('max', `Longest event-loop delay ${since}.`);
  }
}

const NO_ACTIVITY: Readonly<PeerActivityCounts> = Object.freeze({
  connected: 0,
  disconnected: 0,
  idleTimeouts: 0,
  writeStalls: 0,
  penalties: new Map<string, number>(),
});
