/**
 * HDLC framing for Reticulum stream interfaces (TCP, Backbone), byte-for-byte compatible with
 * Python RNS: constants, escaping, framing and the streaming decoder.
 */
export { HDLC_ESC, HDLC_ESC_MASK, HDLC_ESCAPED_ESC, HDLC_ESCAPED_FLAG, HDLC_FLAG } from './hdlc-constants';
export { escape, escapedLength, escapeInto, unescape, unescapeInPlace, unescapeInto } from './hdlc-escape';
export { frame, framedLength, frameInto } from './hdlc-frame';
export { HdlcDecoder } from './hdlc-decoder';
export type { HdlcDecoderOptions, HdlcDecoderStats } from './hdlc-decoder';
