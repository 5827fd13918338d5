import { HW_MTU } from '../../src/core/constants';
import { HDLC_FRAMING } from '../../src/core/stream-framing';
import { StreamLink } from '../../src/net/stream-link';

/** A stream link as the net toolkit's own tests use it: HDLC, the core HW_MTU, no plugin's names. */
export const TEST_STREAM_LINK: StreamLink = Object.freeze({
  typeName: 'TestStream',
  settingsPrefix: 'test_stream',
  bitrate: 1_000_000_000,
  hwMtu: HW_MTU,
  autoconfigureMtu: true,
  framing: HDLC_FRAMING,
  keepaliveInitialDelayMs: 5_000,
});
