import { InterfaceId } from '../../core/interface-id';
import { StreamLink } from '../stream-link';

/**
 * Settings of a stream client an operator can change while it runs. The reconnect settings apply
 * on the next attempt; `writeStallTimeoutMs` applies at once to the live connection.
 */
export interface ClientRuntime {
  /** Base delay between reconnect attempts (doubled per attempt, capped at 2^6). */
  reconnectWaitMs: number;
  /** Give up after this many reconnect attempts; 0 = unlimited. */
  maxReconnectTries: number;
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
}
