import { IFAC_FLAG } from './constants';

/**
 * Authenticates the frames of one interface: Reticulum's interface access codes (IFAC), applied
 * at the interface/driver boundary, below whatever handles packets (relay or transport engine).
 * The driver passes every received frame through {@link verifyAndStrip} and every packet it sends
 * through {@link apply}. The node builds one from the wire layer for each interface configured
 * with a network name or passphrase; every other interface uses {@link OPEN_INTERFACE}.
 */
export interface FrameAuthenticator {
  /** Bytes {@link apply} adds to a packet (the code length; 0 without IFAC). */
  readonly overhead: number;
  /** The packet carried by a received frame, or null when the frame must be dropped. */
  verifyAndStrip(frame: Uint8Array): Uint8Array | null;
  /**
   * The frame to send for `packet`. Packets are immutable (see `Writer`), so an implementation
   * may return the same frame object for the same packet object: the peers of a listener then
   * share one frame, which their writers frame once.
   */
  apply(packet: Uint8Array): Uint8Array;
}

/**
 * An interface without IFAC: packets pass as they are, and a frame flagged as carrying an access
 * code is dropped (Python drops it too: nothing here could check the code).
 */
export const OPEN_INTERFACE: FrameAuthenticator = Object.freeze({
  overhead: 0,
  verifyAndStrip: (frame: Uint8Array): Uint8Array | null => ((frame[0] & IFAC_FLAG) !== 0 ? null : frame),
  apply: (packet: Uint8Array): Uint8Array => packet,
});
