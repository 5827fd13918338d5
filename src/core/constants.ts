/**
 * Protocol and runtime constants shared by the core, the registry and every plugin.
 *
 * Values that must match Python RNS byte for byte say so; changing them breaks interop.
 */

/** Hardware MTU of a stream interface, as Python's BackboneInterface declares it (1 MiB). */
export const HW_MTU = 1_048_576;

/** `Reticulum.MTU`: the base packet size every interface must carry (500 bytes). */
export const RETICULUM_MTU = 500;

/**
 * Python RNS drops any frame whose length is `<= HEADER_MINSIZE` (2 header bytes + one 16-byte
 * hash + context byte = 19), so the smallest frame that can carry a packet is 20 bytes.
 */
export const HEADER_MINSIZE = 19;

/**
 * Bit 7 of a frame's first byte: the frame carries an interface access code (IFAC) and is masked.
 * Must match Python RNS.
 */
export const IFAC_FLAG = 0x80;

/** Smallest access code, in bytes (`Reticulum.IFAC_MIN_SIZE`). */
export const IFAC_MIN_SIZE = 1;

/** Largest access code, in bytes: a code is the tail of a 64-byte Ed25519 signature. */
export const IFAC_MAX_SIZE = 64;

/** Ids handed to configured interfaces start here, in config order. */
export const FIRST_CONFIGURED_INTERFACE_ID = 1;

/** Ids handed to dynamic (per-peer) interfaces start here. */
export const FIRST_DYNAMIC_INTERFACE_ID = 10_000;
