/**
 * KISS framing for stream interfaces with `kiss_framing` (TCP), byte for byte as Python RNS
 * frames and reads it: constants, escaping, framing and the streaming decoder.
 */
export { KISS_CMD_DATA, KISS_FEND, KISS_FESC, KISS_TFEND, KISS_TFESC } from './kiss-constants';
export {
  kissEscape,
  kissEscapedLength,
  kissEscapeInto,
  kissFrame,
  kissFramedLength,
  kissFrameInto,
} from './kiss-frame';
export { KissDecoder } from './kiss-decoder';
