import { InterfaceId } from '../../core/interface-id';
import { StreamLink } from '../stream-link';

/**
 * Settings of a stream client an operator can change while it runs. The reconnect settings apply
 * on the next attempt; `writeStallTimeoutMs` applies at once to the live connection.
 */
export interface ClientRuntime {
  /** Delay before a reconnect attempt (with backoff: the base, doubled per attempt up to 2^6). */
  reconnectWaitMs: number;
  /**
   * Reconnect attempts allowed after the connection is lost or the first connect fails, as
   * Python counts them: `null` = unlimited, 0 = never retry.
   */
  maxReconnectTries: number | null;
  /** Abort a connect attempt after this long; 0 = the OS default. */
  connectTimeoutMs: number;
  /**
   * Close the connection (and reconnect) when the remote takes none of our queued bytes for this
   * long; 0 = off (the send budget still refuses packets with `buffer_full`). Optional so
   * runtimes built before the key existed keep working: absent means off.
   */
  writeStallTimeoutMs?: number;
}

/** What a stream client is started with: where it connects, its link and its startup settings. */
export interface StreamClientConfig {
  /** The section name. */
  readonly name: string;
  /** The configured interface id. */
  readonly id: InterfaceId;
  /** Remote host. */
  readonly targetHost: string;
  /** Remote port. */
  readonly targetPort: number;
  /** How the link is framed, named and described. */
  readonly link: StreamLink;
  /** Startup values of the live settings. */
  readonly startup: Readonly<ClientRuntime>;
  /**
   * How the wait before a reconnect grows: `backoff` doubles it per failed attempt (up to 2^6)
   * with +/-25 % jitter; `fixed` waits `reconnectWaitMs` every time (Python's clients).
   * Default `backoff`.
   */
  readonly reconnect?: 'backoff' | 'fixed';
  /** Whether transport should synthesise a tunnel over each new connection (default true). */
  readonly wantsTunnel?: boolean;
}
