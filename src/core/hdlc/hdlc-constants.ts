/**
 * HDLC-like framing bytes used by Reticulum stream interfaces (TCP, Backbone).
 *
 * The values must match Python RNS (`RNS.Interfaces.BackboneInterface.HDLC`) byte for byte;
 * changing any of them breaks interop with every other Reticulum node.
 */

/** Frame delimiter: opens and closes every frame. */
export const HDLC_FLAG = 0x7e;

/** Escape byte: the next byte is the escaped byte XOR {@link HDLC_ESC_MASK}. */
export const HDLC_ESC = 0x7d;

/** Mask XORed onto an escaped byte (`0x7e -> 0x5e`, `0x7d -> 0x5d`). */
export const HDLC_ESC_MASK = 0x20;

/** Second byte of the escape sequence that stands for {@link HDLC_FLAG} (`7D 5E`). */
export const HDLC_ESCAPED_FLAG = HDLC_FLAG ^ HDLC_ESC_MASK;

/** Second byte of the escape sequence that stands for {@link HDLC_ESC} (`7D 5D`). */
export const HDLC_ESCAPED_ESC = HDLC_ESC ^ HDLC_ESC_MASK;
