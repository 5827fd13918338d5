/**
 * rns-net/testing: the interface plugin compliance suite and its helpers, for plugin authors'
 * own tests. It needs chai (a peer dependency) and a test runner that defines `describe`, `it`,
 * `beforeEach` and `afterEach` globally (mocha).
 *
 * ```ts
 * import { interfacePluginCompliance, dialHdlcPeer } from 'rns-net/testing';
 * interfacePluginCompliance('MyInterface', async () => ({ factory: new MyFactory(), ... }));
 * ```
 */
export { interfacePluginCompliance } from './interface-plugin-suite';
export type { ComplianceFixture, CompliancePeer, ComplianceTarget, RuntimeChange } from './fixture';
export { PacketInbox } from './packet-inbox';
export { RecordingSink } from './recording-sink';
export { acceptHdlcPeer, dialHdlcPeer, hdlcSocketPeer } from './hdlc-socket-peer';
