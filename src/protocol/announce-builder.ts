import { randomBytes } from 'node:crypto';
import { RATCHET_LENGTH, RANDOM_HASH_LENGTH } from './announce';
import { nameHash as computeNameHash, destinationHashFromNameHash } from './destination';
import { Identity } from './identity';
import { serialisePacket } from './packet';
import { DestinationType, HeaderType, PacketContext, PacketType, TransportType } from './packet-constants';

/** What to announce. */
export interface AnnounceSpec {
  /** The announcing identity (it signs). */
  readonly identity: Identity;
  /** App name of the destination. */
  readonly appName: string;
  /** Aspects of the destination. */
  readonly aspects?: readonly string[];
  /** App data to carry, if any. */
  readonly appData?: Uint8Array | null;
  /** A 32-byte ratchet public key to announce (sets the context flag). */
  readonly ratchet?: Uint8Array | null;
  /** Send as an answer to a path request (context PATH_RESPONSE). */
  readonly pathResponse?: boolean;
  /** Emission time in seconds since the epoch; default now. */
  readonly emissionTime?: number;
  /** The 5 random bytes before the emission time; default fresh ones. */
  readonly random?: Uint8Array;
}

/**
 * A HEADER_1 announce packet as `Destination.announce` builds it: public key, name hash, random
 * hash (5 random bytes + 5 bytes of emission time), optional ratchet, the signature over
 * `destination + key + name hash + random hash + ratchet + app data`, then the app data.
 */
export function buildAnnounce(spec: AnnounceSpec): Buffer {
  const { identity } = spec;
  const nameHash = computeNameHash(spec.appName, spec.aspects ?? []);
  const destination = destinationHashFromNameHash(nameHash, identity.hash);
  const randomHash = Buffer.alloc(RANDOM_HASH_LENGTH);
  const random = spec.random ?? randomBytes(5);
  if (random.length !== 5) throw new RangeError('random must be 5 bytes');
  randomHash.set(random, 0);
  const emission = Math.floor(spec.emissionTime ?? Date.now() / 1000);
  if (!Number.isSafeInteger(emission) || emission < 0 || emission >= 2 ** 40) {
    throw new RangeError('emission time must fit in 40 bits');
  }
  randomHash.writeUIntBE(emission, 5, 5);
  const ratchet = spec.ratchet ?? null;
  if (ratchet !== null && ratchet.length !== RATCHET_LENGTH) throw new RangeError('a ratchet is 32 bytes');
  const appData = spec.appData ?? null;
  const head = [identity.publicKey, nameHash, randomHash, ...(ratchet === null ? [] : [ratchet])];
  const signature = identity.sign(
    Buffer.concat([destination, ...head, ...(appData === null ? [] : [appData])]),
  );
  return serialisePacket({
    ifac: false,
    headerType: HeaderType.HEADER_1,
    contextFlag: ratchet !== null,
    transportType: TransportType.BROADCAST,
    destinationType: DestinationType.SINGLE,
    packetType: PacketType.ANNOUNCE,
    hops: 0,
    transportId: null,
    destinationHash: destination,
    context: spec.pathResponse === true ? PacketContext.PATH_RESPONSE : PacketContext.NONE,
    data: Buffer.concat([...head, signature, ...(appData === null ? [] : [appData])]),
  });
}
