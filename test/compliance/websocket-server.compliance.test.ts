import { WebSocketConfig } from '../../src/plugins/websocket/websocket-config';
import { WebSocketInterfaceFactory } from '../../src/plugins/websocket/websocket-interface-factory';
import { interfacePluginCompliance } from '../../src/testing';
import { dialWebSocketPeer } from './websocket-peer';

interfacePluginCompliance<WebSocketConfig>('WebSocketInterface (server mode)', async () => ({
  factory: new WebSocketInterfaceFactory(),
  sectionName: 'Web Gateway',
  id: 1,
  // Port 0: the server binds any free port and says which in its boundAddress.
  params: { listen_ip: '127.0.0.1', listen_port: '0', path: '/rns' },
  badParam: { key: 'listen_port', value: 'abc' },
  // An over-long message ends the connection with 1009.
  oversizeCloses: true,
  requiredKey: 'listen_port',
  runtimeChange: { setting: 'idle_timeout_secs', value: 12 },
  connectPeer: ({ started }) => dialWebSocketPeer(`ws://127.0.0.1:${started.boundAddress?.port ?? 0}/rns`),
}));
