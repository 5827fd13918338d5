/**
 * KISS framing bytes, as Python RNS's `TCPInterface.KISS` declares them. They must match byte for
 * byte; changing any of them breaks interop.
 */

/** Frame end: opens and closes every frame. */
export const KISS_FEND = 0xc0;

/** Frame escape: the next byte is {@link KISS_TFEND} or {@link KISS_TFESC}. */
export const KISS_FESC = 0xdb;

/** Transposed FEND: `DB DC` stands for a `C0` data byte. */
export const KISS_TFEND = 0xdc;

/** Transposed FESC: `DB DD` stands for a `DB` data byte. */
export const KISS_TFESC = 0xdd;

/** The command byte of a data frame (port 0). The only command whose frames are delivered. */
export const KISS_CMD_DATA = 0x00;
