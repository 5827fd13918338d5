/**
 * The client side of the peer-listing benchmark, in its own thread as `rns-net peers` is in its
 * own process: it lists every page through the control socket and reports what it got.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { listAllPeers } from '../../src/cli/commands/list-peers';
import { ControlClient } from '../../src/node/control/control-client';

/** What the worker is given. */
export interface ListingWorkerData {
  readonly socketPath: string;
}

/** What the worker reports. */
export interface ListingWorkerReport {
  /** Entries listed, and distinct IPs among them. */
  readonly listed: number;
  readonly distinct: number;
  /** Wall time of the listing, in ms. */
  readonly ms: number;
}

async function main(): Promise<void> {
  const { socketPath } = workerData as ListingWorkerData;
  const client = await ControlClient.connect(socketPath);
  try {
    const started = performance.now();
    const peers = await listAllPeers(client);
    const ms = performance.now() - started;
    const report: ListingWorkerReport = {
      listed: peers.length,
      distinct: new Set(peers.map((p) => `${p.interfaceName} ${p.ip}`)).size,
      ms,
    };
    parentPort?.postMessage(report);
  } finally {
    client.close();
  }
}

void main().catch((error: unknown) => {
  parentPort?.postMessage({ error: error instanceof Error ? error.message : String(error) });
});
