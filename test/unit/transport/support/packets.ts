import { createHash, randomBytes } from 'node:crypto';
import { destinationHashFromNameHash, nameHash } from '../../../../src/protocol/destination';
import { linkIdFromLinkRequest } from '../../../../src/protocol/link';
import { Packet, parsePacket, serialisePacket } from '../../../../src/protocol/packet';
import {
  DestinationType,
  HeaderType,
  PacketContext,
  PacketType,
  TransportType,
} from '../../../../src/protocol/packet-constants';
import { pathRequestData } from '../../../../src/protocol/path-request';
import {
  PATH_REQUEST_DESTINATION,
  TUNNEL_SYNTHESIZE_DESTINATION,
} from '../../../../src/protocol/destination';
import { Identity } from '../../../../src/protocol/identity';

/** A destination of a test identity: its hash and what announcing it needs. */
export class TestDestination {
  readonly nameHash: Buffer;
  readonly hash: Buffer;

  constructor(
    readonly identity: Identity = Identity.generate(),
    readonly appName = 'test',
    readonly aspects: readonly string[] = ['app'],
  ) {
    this.nameHash = nameHash(appName, aspects);
    this.hash = destinationHashFromNameHash(this.nameHash, identity.hash);
  }

  /**
   * A signed announce of this destination.
   * @param options.emitted - emission time in seconds (the last 5 bytes of the random hash).
   */
  announce(options: AnnounceOptions = {}): Buffer {
    const emitted = options.emitted ?? 1_700_000_000;
    const random = Buffer.alloc(10);
    (options.random ?? randomBytes(5)).copy(random, 0, 0, 5);
    random.writeUIntBE(emitted, 5, 5);
    const ratchet = options.ratchet ?? null;
    const appData = options.appData ?? Buffer.alloc(0);
    const signed = Buffer.concat([
      this.hash,
      this.identity.publicKey,
      this.nameHash,
      random,
      ratchet ?? Buffer.alloc(0),
      appData,
    ]);
    const signature = options.badSignature ? randomBytes(64) : this.identity.sign(signed);
    const data = Buffer.concat([
      this.identity.publicKey,
      this.nameHash,
      random,
      ratchet ?? Buffer.alloc(0),
      signature,
      appData,
    ]);
    return serialisePacket({
      ifac: false,
      headerType: options.transportId ? HeaderType.HEADER_2 : HeaderType.HEADER_1,
      contextFlag: ratchet !== null,
      transportType: options.transportId ? TransportType.TRANSPORT : TransportType.BROADCAST,
      destinationType: DestinationType.SINGLE,
      packetType: PacketType.ANNOUNCE,
      hops: options.hops ?? 0,
      transportId: options.transportId ?? null,
      destinationHash: this.hash,
      context: options.context ?? PacketContext.NONE,
      data,
    });
  }

  /** A link request proof for `linkId`, signed by this destination. */
  linkProof(
    linkId: Uint8Array,
    options: { hops?: number; signalling?: Uint8Array; badSignature?: boolean } = {},
  ): Buffer {
    const linkKey = randomBytes(32);
    const signalling = options.signalling ?? Buffer.alloc(0);
    const signed = Buffer.concat([linkId, linkKey, this.identity.publicKey.subarray(32, 64), signalling]);
    const signature = options.badSignature ? randomBytes(64) : this.identity.sign(signed);
    return serialisePacket({
      ifac: false,
      headerType: HeaderType.HEADER_1,
      contextFlag: false,
      transportType: TransportType.BROADCAST,
      destinationType: DestinationType.LINK,
      packetType: PacketType.PROOF,
      hops: options.hops ?? 0,
      transportId: null,
      destinationHash: linkId,
      context: PacketContext.LRPROOF,
      data: Buffer.concat([signature, linkKey, signalling]),
    });
  }
}

/** Options of {@link TestDestination.announce}. */
export interface AnnounceOptions {
  readonly hops?: number;
  readonly transportId?: Uint8Array;
  readonly emitted?: number;
  readonly random?: Buffer;
  readonly appData?: Buffer;
  readonly ratchet?: Buffer;
  readonly context?: number;
  readonly badSignature?: boolean;
}

/** Parses test bytes, failing loudly. */
export function parsed(raw: Uint8Array): Packet {
  const packet = parsePacket(raw);
  if (!packet.ok) throw new Error(`test packet does not parse: ${packet.reason}`);
  return packet;
}

/** A HEADER_2 DATA packet in transport to `transportId` for `destination`. */
export function transportData(
  destination: Uint8Array,
  transportId: Uint8Array,
  options: {
    hops?: number;
    context?: number;
    data?: Buffer;
    packetType?: number;
    destinationType?: number;
  } = {},
): Buffer {
  return serialisePacket({
    ifac: false,
    headerType: HeaderType.HEADER_2,
    contextFlag: false,
    transportType: TransportType.TRANSPORT,
    destinationType: (options.destinationType ?? DestinationType.SINGLE) as DestinationType,
    packetType: (options.packetType ?? PacketType.DATA) as PacketType,
    hops: options.hops ?? 0,
    transportId,
    destinationHash: destination,
    context: options.context ?? PacketContext.NONE,
    data: options.data ?? randomBytes(64),
  });
}

/** A HEADER_1 packet for a link (or any destination) with `context`. */
export function linkPacket(
  linkId: Uint8Array,
  options: { hops?: number; context?: number; data?: Buffer; packetType?: number } = {},
): Buffer {
  return serialisePacket({
    ifac: false,
    headerType: HeaderType.HEADER_1,
    contextFlag: false,
    transportType: TransportType.BROADCAST,
    destinationType: DestinationType.LINK,
    packetType: (options.packetType ?? PacketType.DATA) as PacketType,
    hops: options.hops ?? 0,
    transportId: null,
    destinationHash: linkId,
    context: options.context ?? PacketContext.NONE,
    data: options.data ?? randomBytes(80),
  });
}

/** A link request in transport to `transportId` for `destination`, with optional MTU signalling. */
export function linkRequest(
  destination: Uint8Array,
  transportId: Uint8Array,
  options: { hops?: number; signalling?: Uint8Array } = {},
): { raw: Buffer; linkId: Buffer } {
  const raw = transportData(destination, transportId, {
    hops: options.hops,
    packetType: PacketType.LINKREQUEST,
    data: Buffer.concat([randomBytes(64), options.signalling ?? Buffer.alloc(0)]),
  });
  return { raw, linkId: linkIdFromLinkRequest(parsed(raw)) };
}

/** A path request (PLAIN DATA to `rnstransport.path.request`). */
export function pathRequest(
  destination: Uint8Array,
  options: { tag?: Buffer; requester?: Uint8Array | null; hops?: number } = {},
): Buffer {
  return serialisePacket({
    ifac: false,
    headerType: HeaderType.HEADER_1,
    contextFlag: false,
    transportType: TransportType.BROADCAST,
    destinationType: DestinationType.PLAIN,
    packetType: PacketType.DATA,
    hops: options.hops ?? 0,
    transportId: null,
    destinationHash: PATH_REQUEST_DESTINATION,
    context: PacketContext.NONE,
    data: pathRequestData(destination, options.tag ?? randomBytes(16), options.requester ?? null),
  });
}

/** A tunnel synthesis packet from `identity` for an interface called `interfaceName`. */
export function tunnelSynthesis(identity: Identity, interfaceName: string, badSignature = false): Buffer {
  const interfaceHash = createHash('sha256').update(interfaceName).digest();
  const signed = Buffer.concat([identity.publicKey, interfaceHash, randomBytes(16)]);
  const signature = badSignature ? randomBytes(64) : identity.sign(signed);
  return serialisePacket({
    ifac: false,
    headerType: HeaderType.HEADER_1,
    contextFlag: false,
    transportType: TransportType.BROADCAST,
    destinationType: DestinationType.PLAIN,
    packetType: PacketType.DATA,
    hops: 0,
    transportId: null,
    destinationHash: TUNNEL_SYNTHESIZE_DESTINATION,
    context: PacketContext.NONE,
    data: Buffer.concat([signed, signature]),
  });
}
