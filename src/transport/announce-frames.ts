import {
  ADDRESS_LENGTH,
  ADDRESS_OFFSET,
  CONTEXT_FLAG,
  DestinationType,
  HEADER_2_FLAG,
  HeaderType,
  PacketContext,
  PacketType,
  TransportType,
} from '../protocol/packet-constants';

/**
 * An announce as this node sends it on (Python builds a new packet from the announce's data):
 * HEADER_2 with our transport id, context NONE (PATH_RESPONSE when answering a path request), the
 * ratchet flag kept, `hops` as given (the received hops plus one, or the path's hops), the
 * destination and the data unchanged.
 *
 * @param announce - an announce as received (HEADER_1 or HEADER_2).
 */
export function transportAnnounce(
  announce: Uint8Array,
  hops: number,
  pathResponse: boolean,
  transportId: Uint8Array,
): Buffer {
  const destinationOffset =
    (announce[0] & HEADER_2_FLAG) !== 0 ? ADDRESS_OFFSET + ADDRESS_LENGTH : ADDRESS_OFFSET;
  const dataOffset = destinationOffset + ADDRESS_LENGTH + 1;
  const out = Buffer.allocUnsafe(2 + 2 * ADDRESS_LENGTH + 1 + announce.length - dataOffset);
  out[0] =
    (HeaderType.HEADER_2 << 6) |
    (announce[0] & CONTEXT_FLAG) |
    (TransportType.TRANSPORT << 4) |
    (DestinationType.SINGLE << 2) |
    PacketType.ANNOUNCE;
  out[1] = hops;
  out.set(transportId, ADDRESS_OFFSET);
  out.set(
    announce.subarray(destinationOffset, destinationOffset + ADDRESS_LENGTH),
    ADDRESS_OFFSET + ADDRESS_LENGTH,
  );
  out[ADDRESS_OFFSET + 2 * ADDRESS_LENGTH] = pathResponse ? PacketContext.PATH_RESPONSE : PacketContext.NONE;
  out.set(announce.subarray(dataOffset), ADDRESS_OFFSET + 2 * ADDRESS_LENGTH + 1);
  return out;
}

/** The destination hash of an announce as received, as a view. */
export function announceDestination(announce: Uint8Array): Uint8Array {
  const offset = (announce[0] & HEADER_2_FLAG) !== 0 ? ADDRESS_OFFSET + ADDRESS_LENGTH : ADDRESS_OFFSET;
  return announce.subarray(offset, offset + ADDRESS_LENGTH);
}
