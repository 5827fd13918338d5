import { ClientRuntime, StreamClientConfig } from '../../net/client/client-config';
import { StreamServerConfig } from '../../net/server/server-config';

/** A parsed Backbone server section: a stream server with the Backbone link. */
export interface BackboneServerConfig extends StreamServerConfig {
  /** Discriminant: a section without `remote`/`target_host` is a server. */
  readonly mode: 'server';
  /** Keys of the section the plugin does not know, warned about at start. */
  readonly unknownKeys?: readonly string[];
}

/** A parsed Backbone client section: a stream client with the Backbone link and backoff. */
export interface BackboneClientConfig extends StreamClientConfig {
  /** Discriminant: a section with `remote` or `target_host` is a client. */
  readonly mode: 'client';
  /** The remote transport identity (hex), if configured; informational. */
  readonly transportIdentity: string | null;
  /** Startup values of the live settings. */
  readonly startup: Readonly<ClientRuntime>;
  /** Keys of the section the plugin does not know, warned about at start. */
  readonly unknownKeys?: readonly string[];
}

/** A parsed BackboneInterface section: server unless `remote`/`target_host` is present. */
export type BackboneConfig = BackboneServerConfig | BackboneClientConfig;
