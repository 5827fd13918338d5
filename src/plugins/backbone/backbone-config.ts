import { InterfaceId } from '../../core/interface-id';
import { BackboneAbuseSettings } from './abuse/abuse-settings';

/**
 * Settings of a Backbone server that an operator can change while it runs (runtime config).
 * Durations in milliseconds; `0` means off. The server reads them live.
 */
export interface BackboneServerRuntime {
  /** Cap on simultaneous inbound connections (all IPs); 0 = no cap. Applies to new connections. */
  maxConnections: number;
  /** Disconnect peers that sent nothing for this long after connecting; 0 = off. */
  idleTimeoutMs: number;
  /** Disconnect peers whose kernel takes none of their queued bytes this long; 0 = off (their send budget still applies). */
  writeStallTimeoutMs: number;
  /** Cap on every blacklist duration; 0 = no cap. */
  maxPenaltyDurationMs: number;
}

/** A parsed Backbone server section. */
export interface BackboneServerConfig {
  /** Discriminant: a section without `remote`/`target_host` is a server. */
  readonly mode: 'server';
  /** The section name. */
  readonly name: string;
  /** The configured interface id. */
  readonly id: InterfaceId;
  /** Address to bind (from `listen_ip`/`listen_on`, or resolved from `device`). */
  readonly listenIp: string;
  /** Port to bind (`listen_port`/`port`, default 4242; 0: any free port). */
  readonly listenPort: number;
  /** Startup values of the live settings. */
  readonly startup: Readonly<BackboneServerRuntime>;
  /**
   * Startup values of the live abuse-defence settings (penalties, fast-flap blocking,
   * exemptions); `DEFAULT_ABUSE_SETTINGS` when absent. The parser always sets it.
   */
  readonly abuse?: Readonly<BackboneAbuseSettings>;
  /** Keys of the section the plugin does not know, warned about at start. */
  readonly unknownKeys?: readonly string[];
}

/**
 * Settings of a Backbone client an operator can change while it runs. The reconnect settings apply
 * on the next attempt; `writeStallTimeoutMs` applies at once to the live connection.
 */
export interface BackboneClientRuntime {
  /** Base delay between reconnect attempts (doubled per attempt, capped at 2^6). */
  reconnectWaitMs: number;
  /** Give up after this many reconnect attempts; 0 = unlimited. */
  maxReconnectTries: number;
  /** Abort a connect attempt after this long; 0 = the OS default. */
  connectTimeoutMs: number;
  /**
   * Close the connection (and reconnect) when the remote takes none of our queued bytes for this
   * long; 0 = off (the send budget still refuses packets with `buffer_full`). Optional so
   * runtimes built before the key existed keep working: absent means off. The parser always sets
   * it (default 30 s).
   */
  writeStallTimeoutMs?: number;
}

/** A parsed Backbone client section. */
export interface BackboneClientConfig {
  /** Discriminant: a section with `remote` or `target_host` is a client. */
  readonly mode: 'client';
  /** The section name. */
  readonly name: string;
  /** The configured interface id. */
  readonly id: InterfaceId;
  /** Remote host (`target_host`/`remote`). */
  readonly targetHost: string;
  /** Remote port (`target_port`/`port`, default 4242). */
  readonly targetPort: number;
  /** The remote transport identity (hex), if configured; informational. */
  readonly transportIdentity: string | null;
  /** Startup values of the live settings. */
  readonly startup: Readonly<BackboneClientRuntime>;
  /** Keys of the section the plugin does not know, warned about at start. */
  readonly unknownKeys?: readonly string[];
}

/** A parsed BackboneInterface section: server unless `remote`/`target_host` is present. */
export type BackboneConfig = BackboneServerConfig | BackboneClientConfig;
