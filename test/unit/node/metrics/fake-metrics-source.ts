import { systemClock } from '../../../../src/core/clock';
import { HostDriver } from '../../../../src/core/driver/host-driver';
import { emptyInterfaceStats, InterfaceStats } from '../../../../src/core/driver/interface-stats';
import { Forwarding } from '../../../../src/node/forwarding';
import { InterfaceStatus } from '../../../../src/node/node-status';
import { PeerActivity } from '../../../../src/node/peer-activity';
import { MetricsSource, NodeMetrics, PeerTraffic } from '../../../../src/node/metrics/node-metrics';
import { Relay } from '../../../../src/node/relay';
import { KnownDestinations } from '../../../../src/protocol/known-destinations';
import { Identity } from '../../../../src/protocol/identity';
import { TransportEngine } from '../../../../src/transport/transport-engine';
import { ProcessHealth } from '../../../../src/node/process-health';

/** A forwarding of either mode on a driver with no interfaces; nothing runs (no timers). */
export function idleForwarding(mode: 'flood' | 'transport'): Forwarding {
  const driver = new HostDriver();
  if (mode === 'flood') {
    return { mode, relay: new Relay(driver, { clock: systemClock }), stop: () => Promise.resolve() };
  }
  const knownDestinations = new KnownDestinations({ clock: systemClock });
  const engine = new TransportEngine({
    host: driver,
    clock: systemClock,
    identity: Identity.generate(),
    knownDestinations,
  });
  return {
    mode,
    engine,
    knownDestinations,
    storage: undefined as never,
    restorePaths: () => 0,
    stop: () => Promise.resolve(),
  };
}

/** An interface status with traffic `stats` (zeros by default). */
export function interfaceStatus(
  id: number,
  name: string,
  kind: 'single' | 'listener',
  stats: Partial<InterfaceStats> = {},
  peers = 0,
): InterfaceStatus {
  const traffic = { ...emptyInterfaceStats(), ...stats };
  return {
    id,
    name,
    type: 'BackboneInterface',
    mode: 'full',
    kind,
    online: true,
    peers,
    boundAddress: null,
    ...traffic,
    drops: 0,
    ifac: null,
  };
}

/** A metrics source whose figures a test sets directly. */
export class FakeMetricsSource implements MetricsSource {
  readonly version = '9.9.9';
  readonly startedAtMs = 1_700_000_000_000;
  interfaceList: InterfaceStatus[] = [];
  peerList: PeerTraffic[] = [];
  readonly activity = new PeerActivity();
  unknown = 0;
  droppedLines = 0;

  constructor(readonly forwarding: Forwarding) {}

  interfaces(): readonly InterfaceStatus[] {
    return this.interfaceList;
  }

  readonly ownDrops = new Map<number, Record<string, number>>();

  interfaceDrops(id: number): Readonly<Record<string, number>> {
    return this.ownDrops.get(id) ?? {};
  }

  peerActivity(id: number) {
    return this.activity.of(id);
  }

  peers(limit: number) {
    return { peers: this.peerList.slice(0, limit), total: this.peerList.length };
  }

  unknownFrames(): number {
    return this.unknown;
  }

  logging() {
    return { droppedLines: this.droppedLines, suppressedLines: 0 };
  }

  buffers() {
    return {
      receiveHeldBytes: 10,
      receiveLimitBytes: 64 * 1024 * 1024,
      receiveEvictions: 1,
      sendHeldBytes: 20,
      sendLimitBytes: 256 * 1024 * 1024,
      sendRefusals: 2,
    };
  }
}

/** A loop-delay histogram that never samples, so tests own no native timer. */
export function quietHealth(): ProcessHealth {
  return new ProcessHealth(10, {
    count: 0,
    max: 0,
    percentile: () => 0,
    reset: () => undefined,
    disable: () => true,
  });
}

/** Metrics over `source`, with per-peer series as asked. */
export function metricsOver(source: MetricsSource, perPeer = false, perPeerLimit = 100): NodeMetrics {
  return new NodeMetrics(source, { perPeer, perPeerLimit, health: quietHealth() });
}
