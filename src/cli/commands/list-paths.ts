import { ControlClient } from '../../node/control/control-client';
import { PathListEntry } from '../../node/node-status';

/** The filters of `rns-net paths`. */
export interface PathListFilters {
  /** Hex prefix of the destination. */
  readonly destination?: string;
  /** A configured interface, or a listener (the paths via its peers). */
  readonly interface?: string;
  readonly maxHops?: number;
}

/**
 * Reads every page of `paths.list` (the node pages it so that listing 100,000 paths never holds
 * up forwarding) and returns the paths sorted by interface (a spawned peer under its listener's
 * name), hops, then destination. A destination listed twice (its path changed during the
 * listing) appears once, as last read.
 */
export async function listAllPaths(
  client: ControlClient,
  filters: PathListFilters,
): Promise<PathListEntry[]> {
  const byDestination = new Map<string, PathListEntry>();
  let cursor: string | undefined;
  do {
    const page = await client.call('paths.list', { ...filters, ...(cursor !== undefined ? { cursor } : {}) });
    for (const path of page.paths) byDestination.set(path.destination, path);
    cursor = page.cursor ?? undefined;
  } while (cursor !== undefined);
  return [...byDestination.values()].sort(
    (a, b) =>
      compareText(interfaceLabel(a), interfaceLabel(b)) ||
      a.hops - b.hops ||
      compareText(a.destination, b.destination),
  );
}

/** How a path's interface is shown: a configured interface by name, a spawned peer as `listener/peer`. */
export function interfaceLabel(path: PathListEntry): string {
  return path.listener === null ? path.interfaceName : `${path.listener}/${path.interfaceId}`;
}

function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
