/**
 * The stream toolkit plugins share: a TCP server with admission, per-IP caps, abuse penalties and
 * bounded buffers, a reconnecting client, and the config readers they have in common.
 */
export type { StreamLink } from './stream-link';
export type { ServerRuntime, StreamServerConfig } from './server/server-config';
export { readServerSettings } from './server/server-settings';
export type { ServerSettings } from './server/server-settings';
export { StreamServerState } from './server/server-state';
export { startStreamServer } from './server/stream-server';
export type { StartedStreamServer } from './server/stream-server';
export { createServerRuntimeHandle } from './server/server-runtime-handle';
export { createServerPeerStateHandle } from './server/server-peer-state-handle';
export type { ClientRuntime, StreamClientConfig } from './client/client-config';
export { startStreamClient } from './client/stream-client';
export type { StartedStreamClient, StreamClientOptions } from './client/stream-client';
export { createClientRuntimeHandle } from './client/client-runtime-handle';
export { PeerMonitor } from './peer-monitor';
export type { AbuseSettings } from './abuse/abuse-settings';
export { DEFAULT_ABUSE_SETTINGS } from './abuse/abuse-settings';
export { BehaviourTracker } from './abuse/behaviour-tracker';
export type { BehaviourSnapshot, DisconnectCause, DisconnectRecord } from './abuse/behaviour-tracker';
export type { Penalty, PenaltyReason } from './abuse/penalty';
export { parseAbuseSettings } from './abuse/parse-abuse-settings';
export { nonEmptyString, readDeviceAddress } from './net-config';
export { MAX_PENDING_BYTES } from './net-constants';
