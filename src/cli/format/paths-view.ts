import { PathListEntry } from '../../node/node-status';
import { interfaceLabel } from '../commands/list-paths';
import { printable } from './printable';
import { renderTable } from './text-table';
import { formatDuration } from './units';

/**
 * `rns-net paths` for people: one row per path (destination, hops, next hop, interface, time to
 * expiry, state), or a line saying there are none. A path via a spawned peer shows as
 * `listener/peer-id`; `linked` marks a path a live link runs over (never evicted).
 */
export function renderPaths(paths: readonly PathListEntry[], nowMs: number): string {
  if (paths.length === 0) return 'no paths';
  const table = renderTable(
    [
      { header: 'destination' },
      { header: 'hops', align: 'right' },
      { header: 'next hop' },
      { header: 'interface' },
      { header: 'expires in', align: 'right' },
      { header: 'state' },
    ],
    paths.map((p) => [
      p.destination,
      String(p.hops),
      p.nextHop === p.destination ? '(direct)' : p.nextHop,
      printable(interfaceLabel(p)),
      p.expires <= nowMs ? 'expired' : formatDuration((p.expires - nowMs) / 1000),
      p.linked ? `${p.state}, linked` : p.state,
    ]),
  );
  return `${table}\n${paths.length} path${paths.length === 1 ? '' : 's'}`;
}
