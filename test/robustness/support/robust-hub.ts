/**
 * An in-process hub for the robustness tests and the hostile soak: the real {@link HostDriver}
 * with the {@link Relay} as packet handler and a BackboneInterface server on 127.0.0.1 (port 0),
 * started through the plugin's factory as the node's launcher would start it.
 */
import { container } from 'tsyringe';
import { BufferBudgets } from '../../../src/core/buffer-budgets';
import { systemClock } from '../../../src/core/clock';
import { HostDriver } from '../../../src/core/driver/host-driver';
import { InterfaceEntry } from '../../../src/core/driver/interface-entry';
import { PluginEvent, PluginEventMap, PluginEventName } from '../../../src/core/plugin-events';
import { InterfaceMode } from '../../../src/core/interface-mode';
import { DEFAULT_INGRESS_CONTROL } from '../../../src/core/ingress-control';
import { silentLogger } from '../../../src/core/logger';
import { Relay } from '../../../src/node/relay';
import { BACKBONE_TYPE_NAME, registerBackbonePlugin } from '../../../src/plugins/backbone';
import { StreamPeer } from '../../../src/net/server/stream-peer';
import { SequentialIdAllocator } from '../../../src/registry/dynamic-id-allocator';
import { InterfaceRegistry } from '../../../src/registry/interface-registry';

/** The hub's configured server interface id and name. */
export const HUB_INTERFACE_ID = 1;
export const HUB_INTERFACE_NAME = 'Hub';

/** Settings of a {@link RobustHub}, as config values (seconds, like a config file). */
export interface RobustHubOptions {
  /** `write_stall_timeout`, seconds; default 2. */
  readonly writeStallTimeoutSecs?: number;
  /** `idle_timeout`, seconds; default 0 (off). */
  readonly idleTimeoutSecs?: number;
  /** The relay's dedup cap; default 65,536 keys (bounded memory in long soaks). */
  readonly dedupMaxEntries?: number;
  /** More keys of the server section, as a config file writes them (abuse defences, say). */
  readonly params?: Readonly<Record<string, string>>;
  /** The node-wide buffer budgets; default: fresh ones with the default limits. */
  readonly buffers?: BufferBudgets;
}

/** Structural state the hub retains; a hub at rest returns to the same snapshot. */
export interface HubSnapshot {
  /** Dynamic (per-peer) interfaces in the driver's table. */
  readonly peers: number;
  /** Every entry of the driver's interface table. */
  readonly tableSize: number;
  /** Connections the peer monitor counts as open, summed over IPs. */
  readonly monitorConnected: number;
  /** Bytes of unfinished frames held by the peers' decoders. */
  readonly decoderBytes: number;
  /** Bytes accepted by the peers' writers but not yet written to the kernel. */
  readonly pendingBytes: number;
  /** What the node-wide receive budget counts as held (unfinished frames). */
  readonly receiveBudgetHeld: number;
  /** What the node-wide send budget counts as queued. */
  readonly sendBudgetHeld: number;
}

/** A running hub; {@link stop} it when done. */
export class RobustHub {
  /** Plugin events the driver reported (peer connected, disconnected, penalised). */
  readonly peerEvents: PluginEvent[] = [];
  /** Errors a packet handler or callback threw inside the driver (must stay empty). */
  readonly handlerErrors: unknown[] = [];

  private constructor(
    /** The driver. */
    readonly driver: HostDriver,
    /** The relay installed as the driver's packet handler. */
    readonly relay: Relay,
    /** The server's bound port on 127.0.0.1. */
    readonly port: number,
    /** The node-wide buffer budgets the server was started with. */
    readonly buffers: BufferBudgets,
  ) {
    driver.on('pluginEvent', (event) => this.peerEvents.push(event));
    driver.on('handlerError', (error) => this.handlerErrors.push(error));
  }

  /** Starts a hub listening on 127.0.0.1 with an OS-assigned port. */
  static async start(options: RobustHubOptions = {}): Promise<RobustHub> {
    const child = container.createChildContainer();
    registerBackbonePlugin(child);
    const factory = child.resolve(InterfaceRegistry).require(BACKBONE_TYPE_NAME, HUB_INTERFACE_NAME);
    const driver = new HostDriver({ clock: systemClock, logger: silentLogger });
    const relay = new Relay(driver, {
      clock: systemClock,
      dedupMaxEntries: options.dedupMaxEntries ?? 65_536,
    });
    driver.setPacketHandler(relay);
    // The config parser insists on a real port (1..65535); the parsed section is then pointed at
    // port 0 so the OS picks a free one and parallel runs never collide.
    const parsed = factory.parseConfig(HUB_INTERFACE_NAME, HUB_INTERFACE_ID, {
      listen_ip: '127.0.0.1',
      port: '4242',
      write_stall_timeout: String(options.writeStallTimeoutSecs ?? 2),
      idle_timeout: String(options.idleTimeoutSecs ?? 0),
      ...options.params,
    });
    const buffers = options.buffers ?? new BufferBudgets();
    const config = { ...(parsed as Record<string, unknown>), listenPort: 0 };
    const started = await factory.start(config, {
      events: driver.sinkFor(HUB_INTERFACE_ID, factory.typeName),
      dynamicIds: new SequentialIdAllocator(),
      mode: InterfaceMode.Full,
      ingressControl: DEFAULT_INGRESS_CONTROL,
      clock: systemClock,
      logger: silentLogger,
      buffers,
    });
    const port = started.boundAddress?.port;
    if (started.kind !== 'listener' || port === undefined) {
      await started.stop();
      throw new Error('the Backbone server did not start as a listener with a port');
    }
    driver.attach({
      id: HUB_INTERFACE_ID,
      name: HUB_INTERFACE_NAME,
      typeName: factory.typeName,
      kind: 'listener',
      stop: () => started.stop(),
      runtimeConfig: started.runtimeConfig,
      peerState: started.peerState,
    });
    return new RobustHub(driver, relay, port, buffers);
  }

  /** The details of the reported plugin events named `name`, in order. */
  details<N extends PluginEventName>(name: N): PluginEventMap[N][] {
    return this.peerEvents.filter((e) => e.name === name).map((e) => e.detail as PluginEventMap[N]);
  }

  /** The reported `peer.disconnected` details with this cause. */
  closedBy(cause: string): PluginEventMap['peer.disconnected'][] {
    return this.details('peer.disconnected').filter((d) => d.cause === cause);
  }

  /** The server's live peers (the writers of the dynamic entries). */
  serverPeers(): StreamPeer[] {
    const peers: StreamPeer[] = [];
    for (const entry of this.driver.interfaces()) {
      if (entry.dynamic && entry.writer instanceof StreamPeer) peers.push(entry.writer);
    }
    return peers;
  }

  /** The dynamic entry of each live peer. */
  peerEntries(): InterfaceEntry[] {
    return this.driver.interfaces().filter((entry) => entry.dynamic);
  }

  /** What the hub holds right now. */
  snapshot(): HubSnapshot {
    let decoderBytes = 0;
    let pendingBytes = 0;
    const peers = this.serverPeers();
    for (const peer of peers) {
      decoderBytes += peer.receiveBufferedBytes;
      pendingBytes += peer.pendingBytes;
    }
    let monitorConnected = 0;
    for (const state of this.driver.listPeers(HUB_INTERFACE_NAME)) monitorConnected += state.connectedCount;
    return {
      peers: peers.length,
      tableSize: this.driver.interfaces().length,
      monitorConnected,
      decoderBytes,
      pendingBytes,
      receiveBudgetHeld: this.buffers.receive.totalHeld,
      sendBudgetHeld: this.buffers.send.totalHeld,
    };
  }

  /** Largest number of bytes any one peer's decoder holds right now. */
  maxDecoderBytes(): number {
    let max = 0;
    for (const peer of this.serverPeers()) max = Math.max(max, peer.receiveBufferedBytes);
    return max;
  }

  /** True while the driver runs and the server listener is attached and online. */
  get running(): boolean {
    const server = this.driver.attachedInterfaces().find((i) => i.id === HUB_INTERFACE_ID);
    return !this.driver.stopped && server !== undefined && server.online;
  }

  /** Stops the server (closing every peer) and the driver. */
  stop(): Promise<void> {
    return this.driver.stop();
  }
}
