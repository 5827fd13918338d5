import { StreamClientConfig } from '../../net/client/client-config';
import { StreamServerConfig } from '../../net/server/server-config';

/** A parsed `TCPServerInterface` section. */
export interface TcpServerConfig extends StreamServerConfig {
  /**
   * With a host name as `listen_ip`: bind its first IPv6 address rather than its first IPv4 one
   * (resolved at start). With `device` it was applied when the device was resolved.
   */
  readonly preferIpv6: boolean;
  /** Keys of the section the plugin does not know, warned about at start. */
  readonly unknownKeys: readonly string[];
}

/** A parsed `TCPClientInterface` section. */
export interface TcpClientConfig extends StreamClientConfig {
  /** Keys of the section the plugin does not know, warned about at start. */
  readonly unknownKeys: readonly string[];
}
