import path from 'node:path';
import { Clock } from '../core/clock';
import { HostDriver } from '../core/driver/host-driver';
import { Logger } from '../core/logger';
import { LoadOutcome } from '../core/storage';
import { KnownDestinations } from '../protocol/known-destinations';
import { TransportEngine } from '../transport/transport-engine';
import { TransportCounters } from '../transport/transport-counters';
import { TransportTableSizes } from '../transport/transport-view';
import { Routing } from './config/reticulum-section';
import { Relay, RelayOptions } from './relay';
import { FileBlobStore, TRANSPORT_IDENTITY_NAME, loadOrCreateIdentity } from './storage';

/** The folder of the config dir where Python RNS and rns-net keep what the node learns. */
export const STORAGE_DIR_NAME = 'storage';

/** The node as a transport node: the engine and what it was built with. */
export interface TransportForwarding {
  readonly mode: 'transport';
  readonly engine: TransportEngine;
  /** The known-destinations store the engine records announces in. */
  readonly knownDestinations: KnownDestinations;
  /** Where the transport identity and tables live. */
  readonly storage: FileBlobStore;
  /**
   * Restores the stored paths of the configured interfaces now in the driver's table; call once
   * the interfaces are started. Returns how many.
   */
  restorePaths(): number;
  /** Stops the engine's jobs and writes its tables. */
  stop(): Promise<void>;
}

/** The node as a shared-medium relay. */
export interface FloodForwarding {
  readonly mode: 'flood';
  readonly relay: Relay;
  /** Nothing to stop (the relay has no timers). */
  stop(): Promise<void>;
}

/** How the node forwards packets. */
export type Forwarding = TransportForwarding | FloodForwarding;

/** What `status` reports about the transport engine. */
export interface TransportStatus {
  /** Our transport id, hex. */
  readonly transportId: string;
  /** How full each table is. */
  readonly tables: TransportTableSizes;
  /** Known destinations held. */
  readonly knownDestinations: number;
  /** The engine's counters. */
  readonly counters: Readonly<TransportCounters>;
}

/**
 * Builds the packet handler the config chose and installs it in the driver.
 *
 * - `transport`: loads the transport identity from `storage/transport_identity` in the config
 *   dir (Python's file: the 64 private-key bytes, mode 0600; an rnsd's file carries its
 *   transport id over), creating it on first start, and the stored tables (known destinations in
 *   Python's format, packet hashlist, tunnels and paths; see docs/transport.md), which the engine
 *   writes back every hour and at stop; starts the engine's jobs and feeds it the driver's
 *   interface events.
 * - `flood`: the relay.
 */
export async function startForwarding(
  routing: Routing,
  deps: {
    readonly configDir: string;
    readonly driver: HostDriver;
    readonly clock: Clock;
    readonly logger: Logger;
    readonly relay?: Pick<RelayOptions, 'dedupTtlMs' | 'dedupMaxEntries'>;
  },
): Promise<Forwarding> {
  const { driver, clock, logger } = deps;
  if (routing === 'flood') {
    const relay = new Relay(driver, { clock, ...deps.relay });
    driver.setPacketHandler(relay);
    logger.info('forwarding as a shared-medium relay (relay_mode = flood)');
    return { mode: 'flood', relay, stop: () => Promise.resolve() };
  }
  const storage = new FileBlobStore(path.join(deps.configDir, STORAGE_DIR_NAME));
  const { identity, created } = await loadOrCreateIdentity(storage, TRANSPORT_IDENTITY_NAME);
  const knownDestinations = new KnownDestinations({ clock });
  const engine = new TransportEngine({
    host: driver,
    clock,
    identity,
    knownDestinations,
    storage,
    logger: logger.child({ component: 'transport' }),
  });
  const loaded = await engine.load();
  const count = (outcome: LoadOutcome<number>) => (outcome.status === 'loaded' ? outcome.value : 0);
  logger.info('loaded the stored transport tables', {
    knownDestinations: count(loaded.knownDestinations),
    hashes: count(loaded.hashlist),
    tunnels: count(loaded.tunnels),
    paths: count(loaded.paths),
  });
  driver.setPacketHandler(engine);
  driver.on('interfaceUp', (entry) => engine.interfaceUp(entry));
  driver.on('interfaceDown', (entry) => engine.interfaceDown(entry));
  engine.start();
  logger.info(created ? 'created the transport identity' : 'loaded the transport identity', {
    transportId: identity.hexHash,
    file: storage.pathOf(TRANSPORT_IDENTITY_NAME),
  });
  let stopping: Promise<void> | undefined;
  const stop = (): Promise<void> => {
    stopping ??= (async () => {
      engine.stop();
      await engine.persist();
    })();
    return stopping;
  };
  const restorePaths = (): number => {
    const restored = engine.restorePaths(driver.interfaces());
    if (count(loaded.paths) > 0) {
      logger.info('restored stored paths of configured interfaces', {
        restored,
        stored: count(loaded.paths),
      });
    }
    return restored;
  };
  return { mode: 'transport', engine, knownDestinations, storage, restorePaths, stop };
}

/** The `status` view of a transport forwarding. */
export function transportStatus(forwarding: TransportForwarding): TransportStatus {
  const { engine } = forwarding;
  return {
    transportId: engine.view.transportId(),
    tables: engine.view.sizes(),
    knownDestinations: forwarding.knownDestinations.size,
    counters: { ...engine.counters },
  };
}
