import { PeerStateEntry } from '../../core/peer-state';
import { printable } from './printable';
import { renderTable } from './text-table';
import { formatDuration } from './units';

/** `rns-net peers` for people: one row per tracked IP, or a line saying there are none. */
export function renderPeers(peers: readonly PeerStateEntry[], interfaceName?: string): string {
  if (peers.length === 0) {
    return interfaceName === undefined
      ? 'no peer state on any interface'
      : `no peer state on '${printable(interfaceName)}'`;
  }
  return renderTable(
    [
      { header: 'interface' },
      { header: 'ip' },
      { header: 'connected', align: 'right' },
      { header: 'rejected', align: 'right' },
      { header: 'penalty', align: 'right' },
      { header: 'blacklisted' },
      { header: 'reason' },
    ],
    peers.map((p) => [
      p.interfaceName,
      p.ip,
      String(p.connectedCount),
      String(p.rejectCount),
      String(p.penaltyLevel),
      p.blacklistedRemainingSecs === null ? '-' : `${formatDuration(p.blacklistedRemainingSecs)} left`,
      p.blacklistReason ?? '',
    ]),
  );
}
