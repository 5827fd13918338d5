/**
 * rns-net: the package root. Re-exports the public API of the core (contracts, driver), the
 * registry (plugin contract, DI registry, launcher) and the bundled plugins.
 */

// tsyringe refuses to load without the Reflect metadata polyfill; load it first so importing
// the package is enough.
import 'reflect-metadata';

// core: contracts and mechanisms
export * from './core/clock';
export * from './core/constants';
export * from './core/duration';
export * from './core/errors';
export * from './core/error-codes';
export * from './core/event-sink';
export * from './core/frame-authenticator';
export * from './core/events';
export * from './core/ingress-control';
export * from './core/interface-id';
export * from './core/interface-info';
export * from './core/interface-mode';
export * from './core/ip-address';
export * from './core/logger';
export * from './core/peer-state';
export * from './core/plugin-events';
export * from './core/recency-map';
export * from './core/runtime-config';
export * from './core/runtime-settings';
export * from './core/storage';
export * from './core/writer';

// core: the host driver
export * from './core/driver/attached-interface';
export * from './core/driver/attached-summary';
export * from './core/driver/host-callbacks';
export * from './core/driver/host-driver';
export * from './core/driver/interface-entry';
export * from './core/driver/interface-stats';
export * from './core/driver/packet-handler';
export * from './core/driver/peer-state-service';

// registry
export * from './registry/config-params';
export * from './registry/dynamic-id-allocator';
export * from './registry/interface-factory';
export * from './registry/interface-launcher';
export * from './registry/interface-registry';
export * from './registry/register-plugin';
export * from './registry/registry-error';
export * from './registry/tokens';

// the stream toolkit the TCP and Backbone plugins share
export * from './net/index';

// plugins
export * from './plugins/memory/memory-config';
export * from './plugins/memory/memory-interface-factory';
export * from './plugins/memory/register-memory-plugin';
export * from './plugins/backbone/index';
export * from './plugins/tcp/index';
export * from './plugins/udp/index';
export * from './plugins/pipe/index';

// HDLC framing, byte-for-byte compatible with Python RNS
export * from './core/hdlc/index';

// the Reticulum wire model: packets, hashes, identities, announces, IFAC
export * from './protocol/index';

// the node's persistence (storage folder, identity files) and interface access codes
export * from './node/storage/index';
export * from './node/ifac-authenticators';
export { readIfacKeys } from './node/config/ifac-keys';
export type { IfacSettings } from './node/config/ifac-keys';

// the node's relay (default packet handler)
export * from './node/relay/index';

// the node: config file -> registry -> driver -> relay, with its control endpoint
export * from './node/rns-node';
export * from './node/node-status';
export * from './node/node-errors';
export * from './node/config/config-loader';
export { parseNodeConfig, DEFAULT_LOG_LEVEL, MAX_LOG_LEVEL } from './node/config/node-config';
export type {
  NodeConfig,
  LoggingConfig,
  InterfaceSection as ConfigInterfaceSection,
} from './node/config/node-config';
