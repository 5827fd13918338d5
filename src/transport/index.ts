/** The transport engine: this node as a Reticulum transport node. No sockets, no timers of its own. */
export { TransportEngine } from './transport-engine';
export type { TransportEngineOptions } from './transport-engine';
export type { TransportHost, TransportIdentity } from './transport-host';
export { DEFAULT_TRANSPORT_LIMITS, resolveLimits } from './limits';
export type { TransportLimits } from './limits';
export { emptyTransportCounters } from './transport-counters';
export type { TransportCounters } from './transport-counters';
export { TransportView } from './transport-view';
export type { PathFilter, PathInfo, PathPage, PathPageRequest, TransportTableSizes } from './transport-view';
export type { TransportLoadReport } from './transport-persistence';
export { interfaceIdentity } from './interface-identity';
export { announcePolicy } from './announce-emitter';
export { shouldUpdatePath, PathState } from './path-table';
