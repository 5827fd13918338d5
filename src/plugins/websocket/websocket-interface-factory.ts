import { injectable } from 'tsyringe';
import { InterfaceId } from '../../core/interface-id';
import { RuntimeStartup, runtimeStartupOf } from '../../core/runtime-config';
import { createClientRuntimeHandle } from '../../net/client/client-runtime-handle';
import { createServerRuntimeHandle } from '../../net/server/server-runtime-handle';
import { StreamServerState } from '../../net/server/server-state';
import { ConfigParams } from '../../registry/config-params';
import {
  INTERFACE_API_VERSION,
  InterfaceFactory,
  StartContext,
  StartedInterface,
  warnUnknownKeys,
} from '../../registry/interface-factory';
import { clientSettingsKeys, startWebSocketClient } from './websocket-client';
import { WebSocketConfig } from './websocket-config';
import { parseWebSocketConfig, WebSocketSectionKind } from './websocket-config-parser';
import {
  MESHCHAT_CLIENT_TYPE_NAME,
  MESHCHAT_SERVER_TYPE_NAME,
  WEBSOCKET_IFAC_SIZE,
  WEBSOCKET_TYPE_NAME,
} from './websocket-constants';
import { serverStateConfig, startWebSocketServer } from './websocket-server';

/** The factory behind each WebSocket type name; they differ only in the section kinds they allow. */
abstract class WebSocketFactoryBase implements InterfaceFactory<WebSocketConfig> {
  abstract readonly typeName: string;
  readonly apiVersion = INTERFACE_API_VERSION;
  readonly defaultIfacSize = WEBSOCKET_IFAC_SIZE;

  protected constructor(private readonly kind: WebSocketSectionKind) {}

  parseConfig(name: string, id: InterfaceId, params: ConfigParams): WebSocketConfig {
    return parseWebSocketConfig(name, id, params, this.kind);
  }

  async start(config: WebSocketConfig, ctx: StartContext): Promise<StartedInterface> {
    warnUnknownKeys(config.unknownKeys, ctx);
    if (config.mode === 'server') return startWebSocketServer(config, ctx);
    return startWebSocketClient(config, ctx);
  }

  runtimeStartup(config: WebSocketConfig): RuntimeStartup {
    // A handle over fresh state reads exactly what a started interface's handle starts with.
    return runtimeStartupOf(
      config.mode === 'server'
        ? createServerRuntimeHandle(new StreamServerState(serverStateConfig(config)))
        : createClientRuntimeHandle(clientSettingsKeys(config), { ...config.startup }),
    );
  }
}

/**
 * `WebSocketInterface`: a WebSocket server spawning one dynamic interface per connection, or
 * (with `target_url` or `target_host`) a client with reconnect. One binary message is one packet.
 */
@injectable()
export class WebSocketInterfaceFactory extends WebSocketFactoryBase {
  readonly typeName = WEBSOCKET_TYPE_NAME;

  constructor() {
    super('either');
  }
}

/** MeshChat's `WebsocketServerInterface`: the server of {@link WebSocketInterfaceFactory}. */
@injectable()
export class MeshChatWebSocketServerFactory extends WebSocketFactoryBase {
  readonly typeName = MESHCHAT_SERVER_TYPE_NAME;

  constructor() {
    super('server');
  }
}

/** MeshChat's `WebsocketClientInterface`: the client of {@link WebSocketInterfaceFactory}. */
@injectable()
export class MeshChatWebSocketClientFactory extends WebSocketFactoryBase {
  readonly typeName = MESHCHAT_CLIENT_TYPE_NAME;

  constructor() {
    super('client');
  }
}
