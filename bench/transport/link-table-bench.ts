/**
 * Link table memory: many links established THROUGH a transport hub, and the hub's RSS growth
 * per link table entry.
 *
 * One responder peer announces a few destinations; several initiator peers send link requests
 * (HEADER_2, to the hub's transport id, fresh key material each) for them; the responder answers
 * every link request the hub forwards with a valid link proof signed by the destination, as a
 * real destination would; the hub checks the proof and passes it back. Each initiator keeps at
 * most 256 requests unproven (our node holds at most 1,024 unproven links per interface).
 */
import { randomBytes } from 'node:crypto';
import { buildAnnounce } from '../../src/protocol/announce-builder';
import { Identity } from '../../src/protocol/identity';
import { linkIdFromLinkRequest } from '../../src/protocol/link';
import { parsePacket, serialisePacket } from '../../src/protocol/packet';
import {
  ADDRESS_LENGTH,
  ADDRESS_OFFSET,
  DestinationType,
  HeaderType,
  PacketContext,
  PacketType,
  TransportType,
} from '../../src/protocol/packet-constants';
import { announceDestination } from './announce-set';
import { connectPeers } from './bench-peer';
import { linkProof } from './trace';
import { HubMemory, TransportBenchHub } from './transport-hubs';

function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** What {@link runLinkTable} measured. */
export interface LinkTableOutcome {
  /** Links whose proof came back to the initiator, after the warm-up. */
  readonly established: number;
  /** Link table entries added after the warm-up (our node), else NaN. */
  readonly tableEntries: number;
  readonly setupSecs: number;
  /** Memory after the warm-up links and after the measured ones. */
  readonly before: HubMemory;
  readonly after: HubMemory;
  readonly timedOut: boolean;
}

/** Options of {@link runLinkTable}. */
export interface LinkTableOptions {
  /** Links to establish (after the warm-up). */
  readonly links: number;
  /** Links established first, before the baseline (default 1,000; see transport-bench.ts). */
  readonly warmup?: number;
  /** Initiating peers (default 4). */
  readonly initiators?: number;
  /** Destinations the links go to (default 8). */
  readonly destinations?: number;
  /** Time to establish them at most, ms. */
  readonly maxMs: number;
}

const UNPROVEN_PER_INITIATOR = 256;

/**
 * Establishes links through the hub (module comment) and measures its memory: a warm-up batch
 * first, the baseline, then `links` more and the memory again (on our node after a full garbage
 * collection each time, `memoryProbe`).
 */
export async function runLinkTable(
  hub: TransportBenchHub,
  options: LinkTableOptions,
): Promise<LinkTableOutcome> {
  const initiatorCount = options.initiators ?? 4;
  const destinationCount = options.destinations ?? 8;
  const [responder, ...initiators] = await connectPeers(hub.port, 1 + initiatorCount);
  const peers = [responder, ...initiators];
  const identities = new Map<string, Identity>();
  const announces: Buffer[] = [];
  for (let i = 0; i < destinationCount; i++) {
    const identity = Identity.generate();
    const announce = buildAnnounce({ identity, appName: 'bench', aspects: ['links', String(i)] });
    identities.set(announce.toString('latin1', 2, 2 + ADDRESS_LENGTH), identity);
    announces.push(announce);
  }
  const destinations = [...identities.keys()].map((k) => Buffer.from(k, 'latin1'));
  // The responder proves every link request the hub forwards to one of its destinations.
  responder.onPacket = (packet) => {
    const parsed = parsePacket(packet);
    if (!parsed.ok || parsed.packetType !== PacketType.LINKREQUEST) return;
    const identity = identities.get(Buffer.from(parsed.destinationHash).toString('latin1'));
    if (identity === undefined) return;
    responder.send(linkProof(identity, linkIdFromLinkRequest(parsed), randomBytes(32)));
  };
  // The hub's rebroadcasts of the announces tell the initiators it has the paths (and its id).
  const heard = new Set<string>();
  let transportId: Buffer | null = null;
  const pending = initiators.map(() => new Set<string>());
  let established = 0;
  initiators.forEach((peer, i) => {
    peer.onPacket = (packet) => {
      if (i === 0) {
        const destination = announceDestination(packet);
        if (destination !== null && identities.has(destination)) {
          heard.add(destination);
          if ((packet[0] & 0x40) !== 0) {
            transportId = Buffer.from(packet.subarray(ADDRESS_OFFSET, ADDRESS_OFFSET + ADDRESS_LENGTH));
          }
        }
      }
      if (
        (packet[0] & 0x03) !== PacketType.PROOF ||
        packet.length < 19 ||
        packet[18] !== PacketContext.LRPROOF
      ) {
        return;
      }
      if (pending[i].delete(packet.toString('latin1', 2, 2 + ADDRESS_LENGTH))) established++;
    };
  });
  try {
    for (const announce of announces) responder.send(announce);
    const heardDeadline = Date.now() + 15_000;
    while (heard.size < destinationCount && Date.now() < heardDeadline) await delay(50);
    if (heard.size < destinationCount)
      throw new Error(`bench: the ${hub.kind} hub passed on only ${heard.size} announces`);
    // A flood relay has no transport id (it floods whatever comes); any id does then.
    const hubId: Buffer = transportId ?? randomBytes(16);
    /** Establishes `count` more links (bounded by `deadline`); returns how many. */
    const establish = async (count: number, deadline: number): Promise<number> => {
      const start = established;
      let requested = 0;
      while (established - start < count && performance.now() < deadline) {
        for (let i = 0; i < initiatorCount && requested < count; i++) {
          const room = UNPROVEN_PER_INITIATOR - pending[i].size;
          const batch: Buffer[] = [];
          for (let k = 0; k < room && requested < count; k++) {
            const request = serialisePacket({
              ifac: false,
              headerType: HeaderType.HEADER_2,
              contextFlag: false,
              transportType: TransportType.TRANSPORT,
              destinationType: DestinationType.SINGLE,
              packetType: PacketType.LINKREQUEST,
              hops: 0,
              transportId: hubId,
              destinationHash: destinations[requested % destinationCount],
              context: PacketContext.NONE,
              data: randomBytes(64),
            });
            const parsed = parsePacket(request);
            if (!parsed.ok) throw new Error('bench: built a link request that does not parse');
            pending[i].add(linkIdFromLinkRequest(parsed).toString('latin1'));
            batch.push(request);
            requested++;
          }
          for (const request of batch) initiators[i].send(request);
        }
        await delay(20);
      }
      return established - start;
    };
    await establish(options.warmup ?? 1000, performance.now() + options.maxMs);
    await delay(1500);
    const linksBefore = (await hub.status())?.transport?.tables.links ?? NaN;
    const before = await hub.memory();
    const t0 = performance.now();
    const made = await establish(options.links, t0 + options.maxMs);
    const setupSecs = (performance.now() - t0) / 1000;
    await delay(1500);
    const status = await hub.status();
    return {
      established: made,
      tableEntries: (status?.transport?.tables.links ?? NaN) - linksBefore,
      setupSecs,
      before,
      after: await hub.memory(),
      timedOut: made < options.links,
    };
  } finally {
    for (const p of peers) p.close();
  }
}
