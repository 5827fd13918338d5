import { DependencyContainer } from 'tsyringe';
import { registerInterfaceFactory } from '../../registry/register-plugin';
import {
  MeshChatWebSocketClientFactory,
  MeshChatWebSocketServerFactory,
  WebSocketInterfaceFactory,
} from './websocket-interface-factory';

/**
 * Registers the WebSocket interface under its type names (`WebSocketInterface`, and MeshChat's
 * `WebsocketServerInterface` and `WebsocketClientInterface`). Called explicitly by the
 * composition root; importing this module registers nothing.
 */
export function registerWebSocketPlugin(container: DependencyContainer): void {
  registerInterfaceFactory(container, WebSocketInterfaceFactory);
  registerInterfaceFactory(container, MeshChatWebSocketServerFactory);
  registerInterfaceFactory(container, MeshChatWebSocketClientFactory);
}

export {
  MeshChatWebSocketClientFactory,
  MeshChatWebSocketServerFactory,
  WebSocketInterfaceFactory,
} from './websocket-interface-factory';
export { parseWebSocketConfig } from './websocket-config-parser';
export type { WebSocketSectionKind } from './websocket-config-parser';
export type {
  WebSocketConfig,
  WebSocketServerConfig,
  WebSocketClientConfig,
  TlsFiles,
} from './websocket-config';
export { startWebSocketServer } from './websocket-server';
export type { StartedWebSocketServer } from './websocket-server';
export { startWebSocketClient } from './websocket-client';
export type { StartedWebSocketClient, WebSocketClientOptions } from './websocket-client';
export type { WebSocketCloseReason } from './websocket-connection';
export {
  WEBSOCKET_TYPE_NAME,
  WEBSOCKET_HW_MTU,
  WEBSOCKET_IFAC_SIZE,
  MESHCHAT_SERVER_TYPE_NAME,
  MESHCHAT_CLIENT_TYPE_NAME,
} from './websocket-constants';
