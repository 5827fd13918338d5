/**
 * The Reticulum packet header as the relay reads it. Values must match Python RNS
 * (`RNS/Packet.py`) byte for byte; the relay never writes a header, it only reads these fields.
 *
 * Layout: byte 0 flags, byte 1 hops, then one 16-byte address (HEADER_1: destination) or two
 * (HEADER_2: transport id, then destination), then the context byte, then the payload.
 */

/** Byte 0 bit 7: the frame carries an interface access code and its header is masked. */
export const IFAC_FLAG = 0x80;

/** Byte 0 bit 6: header type; set means HEADER_2 (a transport id precedes the destination). */
export const HEADER_2_FLAG = 0x40;

/** Byte 0 bits 1..0: the packet type. */
export const PACKET_TYPE_MASK = 0x03;

/** Packet type of an announce (`RNS.Packet.ANNOUNCE`). */
export const PACKET_TYPE_ANNOUNCE = 0x01;

/**
 * Byte 0 bits 3..0 (destination type and packet type): the only flag bits that enter the packet
 * hash, so header type, context flag and transport type can change in transit without changing it.
 */
export const HASHED_FLAGS_MASK = 0x0f;

/** Length of a truncated Reticulum hash (destination, transport id): 128 bits. */
export const ADDRESS_LENGTH = 16;

/** Offset of the first hashed byte after the flags in a HEADER_1 packet (skips flags and hops). */
export const HEADER_1_HASHED_OFFSET = 2;

/** Offset of the first hashed byte after the flags in a HEADER_2 packet (also skips the transport id). */
export const HEADER_2_HASHED_OFFSET = 2 + ADDRESS_LENGTH;

/** Offset of the context byte in a HEADER_1 packet. */
export const HEADER_1_CONTEXT_OFFSET = 2 + ADDRESS_LENGTH;

/** Offset of the context byte in a HEADER_2 packet. */
export const HEADER_2_CONTEXT_OFFSET = 2 + 2 * ADDRESS_LENGTH;
