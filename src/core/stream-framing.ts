import { FrameDecoder, FrameDecoderOptions } from './frame-decoder';
import { framedLength, frameInto, HdlcDecoder } from './hdlc';
import { KissDecoder, kissFramedLength, kissFrameInto } from './kiss';

/**
 * A framing of packets on a byte stream (a TCP connection, a pipe): how a packet is framed and
 * how a stream is decoded back into packets. A stream connection holds one and knows no other.
 */
export interface StreamFraming {
  /** Its name in logs and config (`hdlc`, `kiss`). */
  readonly name: string;
  /** Length of the framed form of `packet`. */
  framedLength(packet: Uint8Array): number;
  /**
   * Writes the framed form of `packet` into `target` at `offset`; returns the bytes written.
   *
   * @throws RangeError when `target` has no room for {@link framedLength} bytes
   */
  frameInto(packet: Uint8Array, target: Buffer, offset: number): number;
  /** A fresh decoder for one stream. */
  createDecoder(options?: FrameDecoderOptions): FrameDecoder;
}

/** HDLC framing (`7E ‖ escaped ‖ 7E`), Reticulum's framing on every stream interface. */
export const HDLC_FRAMING: StreamFraming = Object.freeze({
  name: 'hdlc',
  framedLength,
  frameInto,
  createDecoder: (options?: FrameDecoderOptions) => new HdlcDecoder(options),
});

/** KISS framing (`C0 00 ‖ escaped ‖ C0`), Python's `kiss_framing` on TCP interfaces. */
export const KISS_FRAMING: StreamFraming = Object.freeze({
  name: 'kiss',
  framedLength: kissFramedLength,
  frameInto: kissFrameInto,
  createDecoder: (options?: FrameDecoderOptions) => new KissDecoder(options),
});
