import { InterfaceEntry } from '../core/driver/interface-entry';
import { Pause, SliceBudget } from '../core/slices';
import { BlobStore, LoadOutcome, loadBlob } from '../core/storage';
import { loadKnownDestinations, saveKnownDestinations } from '../protocol/known-destinations';
import { BinaryKey } from '../core/binary-key';
import { interfaceIdentity } from './interface-identity';
import { PathEntry, PathState, pathLifetimeMs } from './path-table';
import {
  HASHLIST_NAME,
  PATH_TABLE_NAME,
  PYTHON_HASHLIST_NAME,
  StoredTablePath,
  TUNNELS_NAME,
  decodeHashlist,
  decodePythonHashlist,
  decodeTunnels,
  encodeHashlist,
  encodePathTable,
  encodeTunnels,
  readPathTable,
} from './table-files';
import { TransportState } from './transport-state';
import { TunnelPath } from './tunnel-table';

/** What {@link TransportPersistence.load} found in each file (`loaded` carries the entries taken). */
export interface TransportLoadReport {
  readonly knownDestinations: LoadOutcome<number>;
  readonly hashlist: LoadOutcome<number>;
  readonly tunnels: LoadOutcome<number>;
  /** Paths read; they are restored by {@link TransportPersistence.restorePaths}. */
  readonly paths: LoadOutcome<number>;
}

/**
 * The transport tables on storage: read once at start, written on a timer and at shutdown.
 *
 * - Known destinations: Python's `known_destinations` file (umsgpack), so an rnsd's file loads
 *   here and ours in Python.
 * - The packet hashlist, the tunnels and the path table: rns-net's own files (see
 *   `table-files.ts`; Python's reference a cache folder of one file per announce). An rnsd's
 *   `packet_hashlist.raw` is read when there is no file of ours.
 * - Paths are kept for configured interfaces only, matched by `Type[name]` across the restart
 *   ({@link interfaceIdentity}); paths via spawned peers travel in their tunnels, and come back
 *   when the peer reconnects and synthesises its tunnel again.
 *
 * A file that cannot be read is set aside and reported, never thrown ({@link loadBlob}). Reading,
 * restoring and writing run in slices ({@link SliceBudget}: `persistSlice` entries or a few
 * milliseconds, whichever ends first) with `pause` awaited in between, so a table of 100,000
 * paths never holds the loop for long and a node answers while it restores; every file is
 * replaced atomically by the store.
 */
export class TransportPersistence {
  /** Paths read from storage, waiting for their interfaces to be started. */
  private pending: StoredTablePath[] = [];
  private writing: Promise<void> | undefined;
  private restoring: Promise<number> | undefined;

  constructor(
    private readonly state: TransportState,
    private readonly store: BlobStore,
    private readonly pause: Pause,
  ) {}

  /** Whether a write is under way. */
  get busy(): boolean {
    return this.writing !== undefined;
  }

  /**
   * Reads every file: known destinations, hashlist and tunnels go into the tables at once; paths
   * wait for {@link restorePaths}.
   */
  async load(): Promise<TransportLoadReport> {
    const { state, store } = this;
    const logger = state.logger;
    const knownDestinations =
      state.knownDestinations === undefined
        ? ({ status: 'missing' } as const)
        : await loadKnownDestinations(store, state.knownDestinations, logger, this.budget());

    let hashlist = await loadBlob(store, HASHLIST_NAME, decodeHashlist, logger);
    if (hashlist.status === 'missing')
      hashlist = await loadBlob(store, PYTHON_HASHLIST_NAME, decodePythonHashlist, logger);
    const hashes = hashlist.status === 'loaded' ? await this.loadHashlist(hashlist.value) : hashlist;

    const tunnelFile = await loadBlob(store, TUNNELS_NAME, decodeTunnels, logger);
    let tunnels: LoadOutcome<number> =
      tunnelFile.status === 'loaded' ? { status: 'loaded', value: 0 } : tunnelFile;
    if (tunnelFile.status === 'loaded') {
      const now = state.clock.now();
      let loaded = 0;
      for (const tunnel of tunnelFile.value) {
        if (now > tunnel.expires) continue;
        const paths: Array<[BinaryKey, TunnelPath]> = tunnel.paths.map((p) => [p.destination, p]);
        if (state.tunnels.load(tunnel.id, tunnel.expires, paths)) loaded++;
      }
      tunnels = { status: 'loaded', value: loaded };
    }

    const pathFile = await loadBlob(store, PATH_TABLE_NAME, (b) => readPathTable(b, this.budget()), logger);
    if (pathFile.status === 'loaded') this.pending = pathFile.value;
    const paths: LoadOutcome<number> =
      pathFile.status === 'loaded' ? { status: 'loaded', value: pathFile.value.length } : pathFile;
    return { knownDestinations, hashlist: hashes, tunnels, paths };
  }

  /**
   * Restores the paths read by {@link load} whose interface is among `interfaces` (matched by
   * identity, as Python restores a path only while its interface exists) and that have not
   * expired, in slices: the node forwards and answers in between. A destination that already has
   * a path keeps it. Call once the configured interfaces are started; the paths not restored then
   * are dropped. Resolves to how many were restored.
   */
  restorePaths(interfaces: Iterable<InterfaceEntry>): Promise<number> {
    const run = this.restoreInSlices(interfaces).finally(() => {
      if (this.restoring === run) this.restoring = undefined;
    });
    this.restoring = run;
    return run;
  }

  private async restoreInSlices(interfaces: Iterable<InterfaceEntry>): Promise<number> {
    const state = this.state;
    const byIdentity = new Map<string, InterfaceEntry>();
    for (const entry of interfaces) {
      const identity = interfaceIdentity(entry);
      if (identity !== undefined) byIdentity.set(identity, entry);
    }
    const pending = this.pending;
    this.pending = [];
    const budget = this.budget();
    let restored = 0;
    for (const stored of pending) {
      if (budget.step()) await budget.pause();
      const iface = byIdentity.get(stored.interfaceIdentity);
      if (iface === undefined || state.paths.has(stored.destination)) continue;
      // The clock is read per path: a restore spans many turns.
      if (state.clock.now() > stored.timestamp + pathLifetimeMs(iface.info.mode)) continue;
      const entry: PathEntry = {
        destination: stored.destination,
        timestamp: stored.timestamp,
        hops: stored.hops,
        expires: stored.expires,
        blobs: stored.blobs,
        iface,
        announce: stored.announce,
        state: PathState.Unknown,
        used: false,
      };
      if (state.paths.set(entry) !== 'refused') restored++;
    }
    state.counters.pathsRestored += restored;
    return restored;
  }

  /**
   * Writes every table. A write asked for while one runs starts when that one ends, so the last
   * write always sees the latest state (shutdown waits for it). Never rejects: a failure is
   * logged and counted, and the previous files stay.
   */
  save(): Promise<void> {
    // A write during a restore waits for it, so no stored path is lost to an early shutdown.
    const previous = this.writing ?? this.restoring?.then(() => undefined) ?? Promise.resolve();
    const run = previous.then(() => this.writeAll());
    const tracked = run.finally(() => {
      if (this.writing === tracked) this.writing = undefined;
    });
    this.writing = tracked;
    return tracked;
  }

  /** A budget for one job: `persistSlice` entries or a few milliseconds a slice. */
  private budget(): SliceBudget {
    return new SliceBudget(
      this.pause,
      this.state.clock,
      this.state.limits.persistSlice,
      this.state.limits.sliceMs,
    );
  }

  private async loadHashlist(keys: Int32Array): Promise<LoadOutcome<number>> {
    const hashlist = this.state.hashlist;
    const budget = this.budget();
    // A hash is cheap to add: 16 of them count as one entry of the budget.
    for (let i = 0; i < keys.length; i += 2) {
      hashlist.add(keys[i], keys[i + 1]);
      if ((i & 31) === 30 && budget.step()) await budget.pause();
    }
    return { status: 'loaded', value: keys.length / 2 };
  }

  private async writeAll(): Promise<void> {
    const { state, store } = this;
    const started = state.clock.now();
    try {
      if (state.knownDestinations !== undefined)
        await saveKnownDestinations(store, state.knownDestinations, this.budget());
      await store.write(PATH_TABLE_NAME, await this.encodePaths());
      await store.write(TUNNELS_NAME, await encodeTunnels([...state.tunnels.values()], this.budget()));
      await store.write(HASHLIST_NAME, await encodeHashlist(state.hashlist.keys(), this.budget()));
      state.counters.storageWrites++;
      state.logger.debug('transport tables written', {
        paths: state.paths.size,
        tunnels: state.tunnels.size,
        hashes: state.hashlist.size,
        knownDestinations: state.knownDestinations?.size ?? 0,
        ms: state.clock.now() - started,
      });
    } catch (error) {
      state.counters.storageWriteFailures++;
      state.logger.error('could not write the transport tables; the previous files stay', {
        error: error instanceof Error ? error.message : String(error),
      });
    }
  }

  /**
   * The paths over configured interfaces, with the table of their interfaces' identities. The
   * paths are picked out a slice at a time too: a table of 100,000 takes several milliseconds to
   * walk.
   */
  private async encodePaths(): Promise<Buffer[]> {
    const budget = this.budget();
    const all = [...this.state.paths.values()];
    const identities: string[] = [];
    const indexOf = new Map<InterfaceEntry, number>();
    const paths: PathEntry[] = [];
    const interfaceOf: number[] = [];
    for (const path of all) {
      if (budget.step()) await budget.pause();
      let index = indexOf.get(path.iface);
      if (index === undefined) {
        const identity = interfaceIdentity(path.iface);
        index = identity === undefined ? -1 : identities.push(identity) - 1;
        indexOf.set(path.iface, index);
      }
      if (index < 0) continue;
      paths.push(path);
      interfaceOf.push(index);
    }
    await budget.pause();
    return encodePathTable(identities, paths, Uint16Array.from(interfaceOf), budget);
  }
}
