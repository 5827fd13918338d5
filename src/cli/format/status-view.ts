import { formatHostPort } from '../../core/ip-address';
import { NodeStatus } from '../../node/node-status';
import { printable } from './printable';
import { renderTable } from './text-table';
import { formatBytes, formatDuration, formatTraffic } from './units';

/**
 * `rns-net status` for people: a header, the node-wide buffer budgets, the interface table (traffic as
 * `packets / bytes`; drops = offline and full-buffer losses, duplicates counted apart), then the
 * transport engine's id, table sizes and counters (or, in flood mode, the relay counters).
 */
export function renderStatus(status: NodeStatus): string {
  const { rssBytes, eventLoopDelayMs: delay } = status.process;
  const header =
    `rns-net node for ${printable(status.configDir)} (pid ${status.pid}), up ${formatDuration(status.uptimeSecs)} since ${status.startedAt}\n` +
    `memory ${formatBytes(rssBytes)} RSS; event-loop delay since the last status p50 ${delay.p50} ms, p99 ${delay.p99} ms, max ${delay.max} ms\n` +
    `log lines dropped (output blocked) ${status.logging.droppedLines}, suppressed (rate limit) ${status.logging.suppressedLines}`;
  const { buffers } = status;
  const budgets =
    `buffers: unfinished frames ${formatBytes(buffers.receiveHeldBytes)} of ${formatBytes(buffers.receiveLimitBytes)}` +
    ` (${buffers.receiveEvictions} peers cut); send queues ${formatBytes(buffers.sendHeldBytes)} of` +
    ` ${formatBytes(buffers.sendLimitBytes)} (${buffers.sendRefusals} packets dropped)`;
  const interfaces = renderTable(
    [
      { header: 'interface' },
      { header: 'type' },
      { header: 'mode' },
      { header: 'online' },
      { header: 'address' },
      { header: 'peers', align: 'right' },
      { header: 'rx', align: 'right' },
      { header: 'tx', align: 'right' },
      { header: 'dups', align: 'right' },
      { header: 'drops', align: 'right' },
    ],
    status.interfaces.map((i) => [
      i.name,
      i.type,
      i.mode,
      i.online ? 'yes' : 'no',
      i.boundAddress === null ? '-' : formatHostPort(i.boundAddress.host, i.boundAddress.port),
      String(i.peers),
      formatTraffic(i.rxPackets, i.rxBytes),
      formatTraffic(i.txPackets, i.txBytes),
      String(i.rxDuplicates),
      String(i.drops),
    ]),
  );
  return `${header}\n${budgets}\n\n${interfaces}\n\n${renderForwarding(status)}`;
}

function renderForwarding(status: NodeStatus): string {
  const counterTable = (title: string, values: Readonly<Record<string, number>>) =>
    renderTable(
      [{ header: title }, { header: 'value', align: 'right' }],
      Object.entries(values).map(([name, value]) => [name, String(value)]),
    );
  const transport = status.transport;
  if (transport === undefined) return counterTable('relay counter', status.relay ?? {});
  return (
    `transport node ${transport.transportId}\n\n` +
    counterTable('table', { ...transport.tables, knownDestinations: transport.knownDestinations }) +
    '\n\n' +
    counterTable('transport counter', { ...transport.counters })
  );
}
