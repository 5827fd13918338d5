import { InterfaceId } from '../../core/interface-id';
import { AbuseSettings } from '../abuse/abuse-settings';
import { StreamLink } from '../stream-link';

/**
 * Settings of a stream server that an operator can change while it runs (runtime config).
 * Durations in milliseconds; `0` means off. The server reads them live.
 */
export interface ServerRuntime {
  /** Cap on simultaneous inbound connections (all IPs); 0 = no cap. Applies to new connections. */
  maxConnections: number;
  /** Disconnect peers that sent nothing for this long after connecting; 0 = off. */
  idleTimeoutMs: number;
  /** Disconnect peers whose kernel takes none of their queued bytes this long; 0 = off (their send budget still applies). */
  writeStallTimeoutMs: number;
  /** Cap on every blacklist duration; 0 = no cap. */
  maxPenaltyDurationMs: number;
}

/** What a stream server is started with: where it listens and its startup settings. */
export interface StreamServerConfig {
  /** The section name. */
  readonly name: string;
  /** The configured interface id. */
  readonly id: InterfaceId;
  /** Address to bind. */
  readonly listenIp: string;
  /** Port to bind; 0 binds any free port. */
  readonly listenPort: number;
  /** How the server's peer links are framed, named and described. */
  readonly link: StreamLink;
  /** Startup values of the live settings. */
  readonly startup: Readonly<ServerRuntime>;
  /**
   * Startup values of the live abuse-defence settings (penalties, fast-flap blocking,
   * exemptions); `DEFAULT_ABUSE_SETTINGS` when absent.
   */
  readonly abuse?: Readonly<AbuseSettings>;
}
