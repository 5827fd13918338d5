import { injectable } from 'tsyringe';
import { InterfaceId } from '../../core/interface-id';
import { RuntimeStartup, runtimeStartupOf } from '../../core/runtime-config';
import { createClientRuntimeHandle } from '../../net/client/client-runtime-handle';
import { startStreamClient } from '../../net/client/stream-client';
import { resolveListenHost } from '../../net/network-device-address';
import { createServerRuntimeHandle } from '../../net/server/server-runtime-handle';
import { StreamServerState } from '../../net/server/server-state';
import { startStreamServer } from '../../net/server/stream-server';
import { ConfigParams } from '../../registry/config-params';
import {
  INTERFACE_API_VERSION,
  InterfaceFactory,
  StartContext,
  StartedInterface,
  warnUnknownKeys,
} from '../../registry/interface-factory';
import { TcpClientConfig, TcpServerConfig } from './tcp-config';
import { parseTcpClientConfig, parseTcpServerConfig } from './tcp-config-parser';
import { TCP_CLIENT_TYPE_NAME, TCP_IFAC_SIZE, TCP_SERVER_TYPE_NAME } from './tcp-constants';

/**
 * The `TCPServerInterface` plugin: Python's TCP listener, one dynamic interface per accepted
 * connection, with the admission, per-IP caps, penalties and buffer bounds every stream server
 * here has.
 */
@injectable()
export class TcpServerInterfaceFactory implements InterfaceFactory<TcpServerConfig> {
  readonly typeName = TCP_SERVER_TYPE_NAME;
  readonly apiVersion = INTERFACE_API_VERSION;
  readonly defaultIfacSize = TCP_IFAC_SIZE;

  parseConfig(name: string, id: InterfaceId, params: ConfigParams): TcpServerConfig {
    return parseTcpServerConfig(name, id, params);
  }

  async start(config: TcpServerConfig, ctx: StartContext): Promise<StartedInterface> {
    warnUnknownKeys(config.unknownKeys, ctx);
    const listenIp = await resolveListenHost(config.listenIp, config.preferIpv6);
    return startStreamServer({ ...config, listenIp }, ctx);
  }

  runtimeStartup(config: TcpServerConfig): RuntimeStartup {
    return runtimeStartupOf(createServerRuntimeHandle(new StreamServerState(config)));
  }
}

/**
 * The `TCPClientInterface` plugin: Python's TCP client, connecting in the background and
 * reconnecting after a fixed wait, with a tunnel over each connection unless it frames KISS.
 */
@injectable()
export class TcpClientInterfaceFactory implements InterfaceFactory<TcpClientConfig> {
  readonly typeName = TCP_CLIENT_TYPE_NAME;
  readonly apiVersion = INTERFACE_API_VERSION;
  readonly defaultIfacSize = TCP_IFAC_SIZE;

  parseConfig(name: string, id: InterfaceId, params: ConfigParams): TcpClientConfig {
    return parseTcpClientConfig(name, id, params);
  }

  start(config: TcpClientConfig, ctx: StartContext): Promise<StartedInterface> {
    warnUnknownKeys(config.unknownKeys, ctx);
    return startStreamClient(config, ctx);
  }

  runtimeStartup(config: TcpClientConfig): RuntimeStartup {
    return runtimeStartupOf(createClientRuntimeHandle(config, { ...config.startup }));
  }
}
