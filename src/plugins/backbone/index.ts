import { DependencyContainer } from 'tsyringe';
import { registerInterfaceFactory } from '../../registry/register-plugin';
import { BackboneInterfaceFactory } from './backbone-interface-factory';

/**
 * Registers the `BackboneInterface` factory in `container` under the interface-factory token.
 * Called explicitly by the composition root; importing this module registers nothing.
 */
export function registerBackbonePlugin(container: DependencyContainer): void {
  registerInterfaceFactory(container, BackboneInterfaceFactory);
}

export { BackboneInterfaceFactory } from './backbone-interface-factory';
export { parseBackboneConfig } from './backbone-config-parser';
export type { ParseBackboneConfigOptions } from './backbone-config-parser';
export type {
  BackboneConfig,
  BackboneServerConfig,
  BackboneClientConfig,
  BackboneServerRuntime,
  BackboneClientRuntime,
} from './backbone-config';
export { BackbonePeerMonitor } from './peer-monitor';
export type { BackboneAbuseSettings } from './abuse/abuse-settings';
export { DEFAULT_ABUSE_SETTINGS } from './abuse/abuse-settings';
export { BehaviourTracker } from './abuse/behaviour-tracker';
export type { BehaviourSnapshot, DisconnectCause, DisconnectRecord } from './abuse/behaviour-tracker';
export type { Penalty, PenaltyReason } from './abuse/penalty';
export { parseAbuseSettings } from './abuse/parse-abuse-settings';
export { BackboneServerState } from './server/backbone-server-state';
export { startBackboneServer } from './server/backbone-server';
export type { StartedBackboneServer } from './server/backbone-server';
export { createServerRuntimeHandle, BACKBONE_SERVER_KEY_PREFIX } from './server/server-runtime-handle';
export { createServerPeerStateHandle } from './server/server-peer-state-handle';
export { startBackboneClient } from './client/backbone-client';
export type { StartedBackboneClient } from './client/backbone-client';
export { createClientRuntimeHandle, BACKBONE_CLIENT_KEY_PREFIX } from './client/client-runtime-handle';
export { BACKBONE_TYPE_NAME, MAX_PENDING_BYTES } from './backbone-constants';
