/**
 * A transport trace: packets that set up links THROUGH a transport hub, then the header of the
 * link traffic each sender streams. The TypeScript twin of `../shared/bench/transport_trace.py`
 * (same packets, same file format for `loadgen relay --trace`), built with src/protocol's
 * Identity and packet model so `npm run bench` needs no Python.
 *
 * Peers 0..N-1 are senders (link initiators), N..2N-1 receivers (destinations). Per pair i:
 * receiver N+i announces destination D_i (valid signature); after a pause sender i sends a
 * LINKREQUEST for D_i as HEADER_2 addressed to the hub's transport id; receiver N+i answers with
 * a valid LRPROOF (the destination's signature over link id, responder key and its own Ed25519
 * key). Then sender i streams link DATA (HEADER_1, destination = link id) that a transport hub
 * must route to receiver N+i only.
 *
 * CLI (the Python script's arguments):
 * `node dist/bench/transport/trace.js --transport-id HEX [--pairs 5] [--out FILE]` writes a
 * trace; `--announce-only` prints one fresh valid announce (hex) for learning a transport id.
 */
import { writeFileSync } from 'node:fs';
import { buildAnnounce } from '../../src/protocol/announce-builder';
import { Identity } from '../../src/protocol/identity';
import { linkIdFromLinkRequest } from '../../src/protocol/link';
import { parsePacket, serialisePacket } from '../../src/protocol/packet';
import {
  ADDRESS_LENGTH,
  DestinationType,
  HeaderType,
  PacketContext,
  PacketType,
  TransportType,
} from '../../src/protocol/packet-constants';

/** Length of a link packet's header: flags, hops, link id, context. */
export const LINK_HEADER_LENGTH = 19;

/** One step of a trace's setup phase. */
export type TraceStep =
  /** Send `packet` on peer `peer`, then wait `delayMs`. */
  | { readonly kind: 'setup'; readonly peer: number; readonly packet: Buffer; readonly delayMs: number }
  /** Pause (reading meanwhile). */
  | { readonly kind: 'wait'; readonly delayMs: number };

/** A trace for `pairs` links through the hub with transport id `transportId`. */
export interface TransportTrace {
  readonly pairs: number;
  readonly transportId: Buffer;
  readonly steps: readonly TraceStep[];
  /** Per sender i: the 19-byte header of its link DATA packets (HEADER_1, LINK, DATA, context NONE). */
  readonly linkHeaders: readonly Buffer[];
}

/** Options of {@link buildTransportTrace}. */
export interface TransportTraceOptions {
  /** The hub's 16-byte transport id (for a flood relay any 16 bytes do). */
  readonly transportId: Uint8Array;
  /** Link pairs (senders = receivers = pairs). */
  readonly pairs: number;
  /**
   * Only use link ids free of the HDLC bytes 0x7D and 0x7E (a new link request until one is),
   * so link DATA frames need no escaping: the Node load generator patches its frames at fixed
   * offsets. The C loadgen escapes its frames and does not need this.
   */
  readonly escapeFreeLinkIds?: boolean;
  /** Pause after the announces, for the hub to verify and record them (default 2500 ms). */
  readonly settleMs?: number;
}

/** `bytes` has no HDLC flag or escape byte. */
function escapeFree(bytes: Uint8Array): boolean {
  return !bytes.includes(0x7e) && !bytes.includes(0x7d);
}

/**
 * One fresh valid announce (HEADER_1, hops 0) of `bench.probe` with app data `probe`: sent to a
 * transport hub on one connection, its HEADER_2 rebroadcast on another carries the hub's
 * transport id in bytes 2..17.
 */
export function probeAnnounce(): Buffer {
  return buildAnnounce({
    identity: Identity.generate(),
    appName: 'bench',
    aspects: ['probe'],
    appData: Buffer.from('probe'),
  });
}

/** Builds the trace (see the module comment). */
export function buildTransportTrace(options: TransportTraceOptions): TransportTrace {
  const { pairs } = options;
  const transportId = Buffer.from(options.transportId);
  if (transportId.length !== ADDRESS_LENGTH) throw new RangeError('a transport id is 16 bytes');
  if (!Number.isInteger(pairs) || pairs < 1 || pairs > 2048) throw new RangeError('pairs must be 1..2048');
  const steps: TraceStep[] = [];
  const destinations: Array<{ identity: Identity; hash: Buffer }> = [];
  for (let i = 0; i < pairs; i++) {
    const identity = Identity.generate();
    const announce = buildAnnounce({
      identity,
      appName: 'bench',
      aspects: [`sink${i}`],
      appData: Buffer.from('bench'),
    });
    const parsed = parsePacket(announce);
    if (!parsed.ok) throw new Error('bench: built an announce that does not parse');
    destinations.push({ identity, hash: Buffer.from(parsed.destinationHash) });
    steps.push({ kind: 'setup', peer: pairs + i, packet: announce, delayMs: 20 });
  }
  steps.push({ kind: 'wait', delayMs: options.settleMs ?? 2500 });
  const linkHeaders: Buffer[] = [];
  for (let i = 0; i < pairs; i++) {
    const { identity, hash } = destinations[i];
    let request: Buffer;
    let linkId: Buffer;
    do {
      // The initiator's ephemeral X25519 and Ed25519 public keys, no signalling bytes.
      request = serialisePacket({
        ifac: false,
        headerType: HeaderType.HEADER_2,
        contextFlag: false,
        transportType: TransportType.TRANSPORT,
        destinationType: DestinationType.SINGLE,
        packetType: PacketType.LINKREQUEST,
        hops: 0,
        transportId,
        destinationHash: hash,
        context: PacketContext.NONE,
        data: Identity.generate().publicKey,
      });
      const parsed = parsePacket(request);
      if (!parsed.ok) throw new Error('bench: built a link request that does not parse');
      linkId = linkIdFromLinkRequest(parsed);
    } while (options.escapeFreeLinkIds === true && !escapeFree(linkId));
    steps.push({ kind: 'setup', peer: i, packet: request, delayMs: 150 });
    steps.push({ kind: 'setup', peer: pairs + i, packet: linkProof(identity, linkId), delayMs: 150 });
    const header = Buffer.alloc(LINK_HEADER_LENGTH);
    header[0] = (DestinationType.LINK << 2) | PacketType.DATA;
    header[1] = 0;
    linkId.copy(header, 2);
    header[18] = PacketContext.NONE;
    linkHeaders.push(header);
  }
  steps.push({ kind: 'wait', delayMs: 500 });
  return { pairs, transportId, steps, linkHeaders };
}

/**
 * The LRPROOF a destination sends for `linkId`: its signature over `link id + responder X25519
 * key + its own Ed25519 key`, then the responder key (no signalling bytes).
 */
export function linkProof(destination: Identity, linkId: Uint8Array, responderKey?: Uint8Array): Buffer {
  const responder = responderKey ?? Identity.generate().encryptionPublicKey;
  const signature = destination.sign(Buffer.concat([linkId, responder, destination.signingPublicKey]));
  return serialisePacket({
    ifac: false,
    headerType: HeaderType.HEADER_1,
    contextFlag: false,
    transportType: TransportType.BROADCAST,
    destinationType: DestinationType.LINK,
    packetType: PacketType.PROOF,
    hops: 0,
    transportId: null,
    destinationHash: linkId,
    context: PacketContext.LRPROOF,
    data: Buffer.concat([signature, responder]),
  });
}

/** The trace in the loadgen's file format (`setup PEER HEX DELAY`, `wait MS`, `link SENDER HEX`). */
export function formatTrace(trace: TransportTrace): string {
  const lines = [`# transport trace: ${trace.pairs} link pairs via ${trace.transportId.toString('hex')}`];
  for (const step of trace.steps) {
    if (step.kind === 'setup')
      lines.push(`setup ${step.peer} ${step.packet.toString('hex')} ${step.delayMs}`);
    else lines.push(`wait ${step.delayMs}`);
  }
  trace.linkHeaders.forEach((header, i) => lines.push(`link ${i} ${header.toString('hex')}`));
  return `${lines.join('\n')}\n`;
}

function main(argv: string[]): void {
  const value = (flag: string): string | undefined => {
    const i = argv.indexOf(flag);
    return i === -1 ? undefined : argv[i + 1];
  };
  if (argv.includes('--announce-only')) {
    console.log(probeAnnounce().toString('hex'));
    return;
  }
  const hex = value('--transport-id');
  if (hex === undefined || !/^[0-9a-fA-F]{32}$/.test(hex)) {
    console.error('usage: trace.js --transport-id HEX(16 bytes) [--pairs N] [--out FILE] | --announce-only');
    process.exit(2);
  }
  const trace = buildTransportTrace({
    transportId: Buffer.from(hex, 'hex'),
    pairs: Number(value('--pairs') ?? 5),
  });
  const out = value('--out') ?? '-';
  if (out === '-') process.stdout.write(formatTrace(trace));
  else writeFileSync(out, formatTrace(trace));
}

if (require.main === module) main(process.argv.slice(2));
