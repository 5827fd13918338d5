import { ipSortKey } from '../../core/ip-address';
import { PeerStateEntry } from '../../core/peer-state';
import { ControlClient } from '../../node/control/control-client';

/**
 * Reads every page of `peers.list` (the node pages it so that listing a large table never holds
 * up the relay) and returns the entries sorted by interface name, then numerically by IP. An IP
 * the node listed twice (its state changed during the listing) appears once, as last read.
 */
export async function listAllPeers(client: ControlClient, interfaceName?: string): Promise<PeerStateEntry[]> {
  const byKey = new Map<string, PeerStateEntry>();
  let cursor: string | undefined;
  do {
    const page = await client.call('peers.list', {
      ...(interfaceName !== undefined ? { interface: interfaceName } : {}),
      ...(cursor !== undefined ? { cursor } : {}),
    });
    for (const entry of page.peers) byKey.set(`${entry.interfaceName}\n${ipSortKey(entry.ip)}`, entry);
    cursor = page.cursor ?? undefined;
  } while (cursor !== undefined);
  return [...byKey.keys()].sort().map((key) => byKey.get(key) as PeerStateEntry);
}
