/**
 * The Reticulum packet format's constants. Every value must match Python RNS 1.4.2
 * (`RNS/Packet.py`, `RNS/Destination.py`, `RNS/Transport.py`, `RNS/Reticulum.py`) byte for byte.
 *
 * Layout: byte 0 flags, byte 1 hops, then one 16-byte address (HEADER_1: destination) or two
 * (HEADER_2: transport id, then destination), then the context byte, then the data.
 * Flags: `ifac << 7 | header_type << 6 | context_flag << 5 | transport_type << 4 |
 * destination_type << 2 | packet_type`.
 */

/** Packet types (flags bits 1..0). */
export const PacketType = {
  DATA: 0x00,
  ANNOUNCE: 0x01,
  LINKREQUEST: 0x02,
  PROOF: 0x03,
} as const;
/** A packet type value. */
export type PacketType = (typeof PacketType)[keyof typeof PacketType];

/** Header types (flags bit 6). HEADER_2 carries a transport id before the destination. */
export const HeaderType = {
  HEADER_1: 0x00,
  HEADER_2: 0x01,
} as const;
/** A header type value. */
export type HeaderType = (typeof HeaderType)[keyof typeof HeaderType];

/** Destination types (flags bits 3..2). */
export const DestinationType = {
  SINGLE: 0x00,
  GROUP: 0x01,
  PLAIN: 0x02,
  LINK: 0x03,
} as const;
/** A destination type value. */
export type DestinationType = (typeof DestinationType)[keyof typeof DestinationType];

/** Transport types (flags bit 4). */
export const TransportType = {
  BROADCAST: 0x00,
  TRANSPORT: 0x01,
} as const;
/** A transport type value. */
export type TransportType = (typeof TransportType)[keyof typeof TransportType];

/** Packet contexts (the byte after the addresses). */
export const PacketContext = {
  /** Generic data. */
  NONE: 0x00,
  /** A resource part. */
  RESOURCE: 0x01,
  /** A resource advertisement. */
  RESOURCE_ADV: 0x02,
  /** A resource part request. */
  RESOURCE_REQ: 0x03,
  /** A resource hashmap update. */
  RESOURCE_HMU: 0x04,
  /** A resource proof. */
  RESOURCE_PRF: 0x05,
  /** A resource initiator cancel. */
  RESOURCE_ICL: 0x06,
  /** A resource receiver cancel. */
  RESOURCE_RCL: 0x07,
  /** A cache request. */
  CACHE_REQUEST: 0x08,
  /** A request. */
  REQUEST: 0x09,
  /** A response to a request. */
  RESPONSE: 0x0a,
  /** An announce answering a path request. */
  PATH_RESPONSE: 0x0b,
  /** A command. */
  COMMAND: 0x0c,
  /** The status of an executed command. */
  COMMAND_STATUS: 0x0d,
  /** Link channel data. */
  CHANNEL: 0x0e,
  /** A link keepalive (identical every time). */
  KEEPALIVE: 0xfa,
  /** A link peer identification proof. */
  LINKIDENTIFY: 0xfb,
  /** A link close message. */
  LINKCLOSE: 0xfc,
  /** A link packet proof. */
  LINKPROOF: 0xfd,
  /** A link request round-trip time measurement. */
  LRRTT: 0xfe,
  /** A link request proof. */
  LRPROOF: 0xff,
} as const;
/** A named packet context value (the byte itself may hold any value 0..255). */
export type PacketContext = (typeof PacketContext)[keyof typeof PacketContext];

// Flags bit 7, the IFAC flag, is `IFAC_FLAG` in core/constants (the driver checks it too). It is
// not re-exported here: in CommonJS output a re-export is an accessor on this module's exports,
// and one accessor made every constant loaded from this module slow on the per-packet path
// (parse + hash fell from 0.88x to 0.64x of a bare hash).
/** Flags bit 6: HEADER_2. */
export const HEADER_2_FLAG = 0x40;
/** Flags bit 5: the context flag (on an announce: a ratchet is present). */
export const CONTEXT_FLAG = 0x20;
/** Flags bit 4: transport type TRANSPORT. */
export const TRANSPORT_FLAG = 0x10;
/** Flags bits 3..2: the destination type. */
export const DESTINATION_TYPE_MASK = 0x0c;
/** Flags bits 1..0: the packet type. */
export const PACKET_TYPE_MASK = 0x03;
/**
 * Flags bits 3..0 (destination type and packet type): the only flag bits that enter the packet
 * hash, so header type, context flag and transport type can change in transit without changing it.
 */
export const HASHED_FLAGS_MASK = 0x0f;

/** Length of a truncated Reticulum hash (destination, transport id, link id): 128 bits. */
export const ADDRESS_LENGTH = 16;
/** Length of a full hash (SHA-256). */
export const FULL_HASH_LENGTH = 32;

/** Offset of the first address (HEADER_1 destination, HEADER_2 transport id). */
export const ADDRESS_OFFSET = 2;
/** Offset of the destination in a HEADER_2 packet, which is also where its hashed body starts. */
export const HEADER_2_DESTINATION_OFFSET = ADDRESS_OFFSET + ADDRESS_LENGTH;
/** Offset of the context byte in a HEADER_1 packet. */
export const HEADER_1_CONTEXT_OFFSET = ADDRESS_OFFSET + ADDRESS_LENGTH;
/** Offset of the context byte in a HEADER_2 packet. */
export const HEADER_2_CONTEXT_OFFSET = ADDRESS_OFFSET + 2 * ADDRESS_LENGTH;
/** Offset of the first hashed byte after the flags in a HEADER_1 packet (skips flags and hops). */
export const HEADER_1_HASHED_OFFSET = ADDRESS_OFFSET;
/** Offset of the first hashed byte after the flags in a HEADER_2 packet (also skips the transport id). */
export const HEADER_2_HASHED_OFFSET = HEADER_2_DESTINATION_OFFSET;

/** Smallest HEADER_1 packet Python unpacks: flags, hops, destination, context (no data). */
export const HEADER_1_MIN_LENGTH = HEADER_1_CONTEXT_OFFSET + 1;
/** Smallest HEADER_2 packet Python unpacks: flags, hops, transport id, destination, context. */
export const HEADER_2_MIN_LENGTH = HEADER_2_CONTEXT_OFFSET + 1;

/**
 * A received hops byte at or above this is malformed (`Transport.PATHFINDER_M`, checked in
 * `Packet.unpack` before the receiver's increment).
 */
export const MAX_HOPS = 128;
