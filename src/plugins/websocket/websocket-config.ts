import { InterfaceId } from '../../core/interface-id';
import { AbuseSettings } from '../../net/abuse/abuse-settings';
import { ClientRuntime } from '../../net/client/client-config';
import { ServerRuntime } from '../../net/server/server-config';

/** A certificate and key in PEM, read from `tls_cert` and `tls_key` when the section is parsed. */
export interface TlsFiles {
  /** The certificate chain (PEM). */
  readonly cert: Buffer;
  /** The private key (PEM). */
  readonly key: Buffer;
}

/** A parsed WebSocket server section. */
export interface WebSocketServerConfig {
  /** Discriminant: a section without `target_host`/`target_url` is a server. */
  readonly mode: 'server';
  /** The section name. */
  readonly name: string;
  /** The configured interface id. */
  readonly id: InterfaceId;
  /** Address to bind (`listen_ip`, required). */
  readonly listenIp: string;
  /** Port to bind (`listen_port`, required; 0: any free port). */
  readonly listenPort: number;
  /** The request path upgrades are accepted on (`path`, default `/`); others get 404. */
  readonly path: string;
  /**
   * Origins a browser may connect from (`allowed_origins`), lower case, as `scheme://host[:port]`;
   * null accepts any. A request without an Origin header (not from a browser) is always accepted.
   */
  readonly allowedOrigins: ReadonlySet<string> | null;
  /** TLS material (`tls_cert`, `tls_key`): serve `wss://`; null serves plain `ws://`. */
  readonly tls: TlsFiles | null;
  /** Startup values of the live settings (`max_connections`, timeouts). */
  readonly startup: Readonly<ServerRuntime>;
  /** Startup values of the live abuse-defence settings. */
  readonly abuse: Readonly<AbuseSettings>;
  /** Keys of the section the plugin does not know, warned about at start. */
  readonly unknownKeys?: readonly string[];
}

/** A parsed WebSocket client section. */
export interface WebSocketClientConfig {
  /** Discriminant: a section with `target_host` or `target_url` is a client. */
  readonly mode: 'client';
  /** The section name. */
  readonly name: string;
  /** The configured interface id. */
  readonly id: InterfaceId;
  /** The server to dial: `target_url`, or built from `target_type`, `target_host`, `target_port`, `path`. */
  readonly url: string;
  /** A CA certificate (PEM, `tls_ca`) to trust besides the system's, for a `wss://` server; null: the system's only. */
  readonly tlsCa: Buffer | null;
  /** Startup values of the live settings (reconnect, connect timeout, write stall timeout). */
  readonly startup: Readonly<ClientRuntime>;
  /** Keys of the section the plugin does not know, warned about at start. */
  readonly unknownKeys?: readonly string[];
}

/** A parsed WebSocketInterface section: a client with `target_host`/`target_url`, else a server. */
export type WebSocketConfig = WebSocketServerConfig | WebSocketClientConfig;
