import { IFAC_FLAG } from '../core/constants';
import { Malformed, malformed } from './malformed';
import {
  ADDRESS_LENGTH,
  ADDRESS_OFFSET,
  CONTEXT_FLAG,
  DESTINATION_TYPE_MASK,
  DestinationType,
  HEADER_1_CONTEXT_OFFSET,
  HEADER_1_MIN_LENGTH,
  HEADER_2_CONTEXT_OFFSET,
  HEADER_2_DESTINATION_OFFSET,
  HEADER_2_FLAG,
  HEADER_2_MIN_LENGTH,
  HeaderType,
  MAX_HOPS,
  PACKET_TYPE_MASK,
  PacketType,
  TRANSPORT_FLAG,
  TransportType,
} from './packet-constants';

/**
 * The fields of a Reticulum packet, everything {@link serialisePacket} needs. Byte fields are
 * views: on a parsed packet they lie inside its `raw` bytes.
 */
export interface PacketFields {
  /** Flags bit 7: an interface access code is present (only on a frame still masked by IFAC). */
  readonly ifac: boolean;
  /** HEADER_1 or HEADER_2. */
  readonly headerType: HeaderType;
  /** Flags bit 5 (on an announce: the announce carries a ratchet). */
  readonly contextFlag: boolean;
  /** BROADCAST or TRANSPORT. */
  readonly transportType: TransportType;
  /** SINGLE, GROUP, PLAIN or LINK. */
  readonly destinationType: DestinationType;
  /** DATA, ANNOUNCE, LINKREQUEST or PROOF. */
  readonly packetType: PacketType;
  /** The hops byte as it is on the wire (the receiver's increment not applied). */
  readonly hops: number;
  /** The 16-byte transport id of a HEADER_2 packet; null for HEADER_1. */
  readonly transportId: Uint8Array | null;
  /** The 16-byte destination hash (for link traffic, the link id). */
  readonly destinationHash: Uint8Array;
  /** The context byte (see `PacketContext`; any value 0..255 parses). */
  readonly context: number;
  /** Everything after the context byte, possibly empty. */
  readonly data: Uint8Array;
}

/**
 * A parsed packet. Numeric fields are read once; the byte fields are views into `raw` (nothing is
 * copied), made on first use and kept, so a hot path that keys or compares addresses through
 * `raw` and the offsets allocates no view at all.
 */
export class Packet implements PacketFields {
  // Fields are declared, not initialised, and set once in the constructor: native class fields
  // would define every one of them before the constructor assigns it, doubling the stores of the
  // hottest allocation of the wire layer.
  /** Discriminates a packet from a {@link Malformed} result. */
  declare readonly ok: true;
  /** The bytes the packet was parsed from. */
  declare readonly raw: Uint8Array;
  /** Byte 0. */
  declare readonly flags: number;
  declare readonly hops: number;
  declare readonly ifac: boolean;
  declare readonly headerType: HeaderType;
  declare readonly contextFlag: boolean;
  declare readonly transportType: TransportType;
  declare readonly destinationType: DestinationType;
  declare readonly packetType: PacketType;
  declare readonly context: number;
  /** Offset of the destination hash in `raw` (2 or 18). */
  declare readonly destinationOffset: number;
  /** Offset of the data in `raw` (19 or 35). */
  declare readonly dataOffset: number;
  declare private transportIdView: Uint8Array | null | undefined;
  declare private destinationView: Uint8Array | undefined;
  declare private dataView: Uint8Array | undefined;

  /** Use {@link parsePacket}: it checks the lengths this constructor relies on. */
  private constructor(raw: Uint8Array, hops: number, destinationOffset: number) {
    const flags = raw[0];
    this.ok = true;
    this.raw = raw;
    this.flags = flags;
    this.hops = hops;
    this.ifac = (flags & IFAC_FLAG) !== 0;
    this.headerType = ((flags & HEADER_2_FLAG) >> 6) as HeaderType;
    this.contextFlag = (flags & CONTEXT_FLAG) !== 0;
    this.transportType = ((flags & TRANSPORT_FLAG) >> 4) as TransportType;
    this.destinationType = ((flags & DESTINATION_TYPE_MASK) >> 2) as DestinationType;
    this.packetType = (flags & PACKET_TYPE_MASK) as PacketType;
    this.context = raw[destinationOffset + ADDRESS_LENGTH];
    this.destinationOffset = destinationOffset;
    this.dataOffset = destinationOffset + ADDRESS_LENGTH + 1;
    this.transportIdView = undefined;
    this.destinationView = undefined;
    this.dataView = undefined;
  }

  /** @internal Parses `raw` (see {@link parsePacket}). */
  static parse(raw: Uint8Array): Packet | Malformed {
    const length = raw.length;
    if (length < HEADER_1_MIN_LENGTH) return malformed('truncated-header');
    const hops = raw[1];
    if (hops >= MAX_HOPS) return malformed('hops-out-of-range');
    if ((raw[0] & HEADER_2_FLAG) === 0) return new Packet(raw, hops, ADDRESS_OFFSET);
    if (length < HEADER_2_MIN_LENGTH) return malformed('truncated-header');
    return new Packet(raw, hops, HEADER_2_DESTINATION_OFFSET);
  }

  get transportId(): Uint8Array | null {
    let view = this.transportIdView;
    if (view === undefined) {
      view =
        this.headerType === HeaderType.HEADER_2
          ? this.raw.subarray(ADDRESS_OFFSET, HEADER_2_DESTINATION_OFFSET)
          : null;
      this.transportIdView = view;
    }
    return view;
  }

  get destinationHash(): Uint8Array {
    let view = this.destinationView;
    if (view === undefined) {
      view = this.raw.subarray(this.destinationOffset, this.destinationOffset + ADDRESS_LENGTH);
      this.destinationView = view;
    }
    return view;
  }

  get data(): Uint8Array {
    let view = this.dataView;
    if (view === undefined) {
      view = this.raw.subarray(this.dataOffset);
      this.dataView = view;
    }
    return view;
  }
}

/** The flags byte for `fields`. */
export function packFlags(
  fields: Omit<PacketFields, 'hops' | 'transportId' | 'destinationHash' | 'context' | 'data'>,
): number {
  return (
    (fields.ifac ? IFAC_FLAG : 0) |
    (fields.headerType << 6) |
    (fields.contextFlag ? CONTEXT_FLAG : 0) |
    (fields.transportType << 4) |
    (fields.destinationType << 2) |
    fields.packetType
  );
}

/**
 * Parses one packet as Python's `Packet.unpack` does, with its limits: a HEADER_1 packet under
 * 19 bytes or a HEADER_2 packet under 35 is `truncated-header`, a hops byte of 128 or more is
 * `hops-out-of-range`. Never throws, whatever the bytes. The returned fields are views into `raw`,
 * which the caller must not change while it uses them.
 *
 * The IFAC flag is reported, not acted upon: a frame from an IFAC interface is unmasked and
 * stripped below this layer, and one still flagged parses as whatever its masked bytes say.
 */
export function parsePacket(raw: Uint8Array): Packet | Malformed {
  return Packet.parse(raw);
}

/**
 * Writes `fields` as a packet, the inverse of {@link parsePacket} (`Packet.pack` without the
 * encryption). A HEADER_2 packet needs a transport id, a HEADER_1 packet must not have one.
 *
 * @throws RangeError on fields no valid packet has (wrong address length, hops or context out of
 *   a byte): this builds our own packets, so such a call is a bug, not hostile input
 */
export function serialisePacket(fields: PacketFields): Buffer {
  const { transportId, destinationHash, data } = fields;
  const header2 = fields.headerType === HeaderType.HEADER_2;
  if (header2 !== (transportId !== null)) {
    throw new RangeError(
      header2 ? 'a HEADER_2 packet needs a transport id' : 'a HEADER_1 packet has no transport id',
    );
  }
  if (transportId !== null && transportId.length !== ADDRESS_LENGTH) {
    throw new RangeError(`transport id must be ${ADDRESS_LENGTH} bytes, got ${transportId.length}`);
  }
  if (destinationHash.length !== ADDRESS_LENGTH) {
    throw new RangeError(`destination hash must be ${ADDRESS_LENGTH} bytes, got ${destinationHash.length}`);
  }
  checkByte('hops', fields.hops);
  checkByte('context', fields.context);
  const contextOffset = header2 ? HEADER_2_CONTEXT_OFFSET : HEADER_1_CONTEXT_OFFSET;
  const out = Buffer.allocUnsafe(contextOffset + 1 + data.length);
  out[0] = packFlags(fields);
  out[1] = fields.hops;
  if (transportId !== null) out.set(transportId, ADDRESS_OFFSET);
  out.set(destinationHash, contextOffset - ADDRESS_LENGTH);
  out[contextOffset] = fields.context;
  out.set(data, contextOffset + 1);
  return out;
}

/** A plain copy of a packet's {@link PacketFields} (still views into its bytes). */
export function packetFields(packet: PacketFields): PacketFields {
  return {
    ifac: packet.ifac,
    headerType: packet.headerType,
    contextFlag: packet.contextFlag,
    transportType: packet.transportType,
    destinationType: packet.destinationType,
    packetType: packet.packetType,
    hops: packet.hops,
    transportId: packet.transportId,
    destinationHash: packet.destinationHash,
    context: packet.context,
    data: packet.data,
  };
}

function checkByte(name: string, value: number): void {
  if (!Number.isInteger(value) || value < 0 || value > 0xff) {
    throw new RangeError(`${name} must be an integer 0..255, got ${value}`);
  }
}
