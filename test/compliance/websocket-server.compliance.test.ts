import { WebSocketConfig } from '../../src/plugins/websocket/websocket-config';
import { WebSocketInterfaceFactory } from '../../src/plugins/websocket/websocket-interface-factory';
import { freePort } from '../helpers/loopback-port';
import { interfacePluginCompliance } from './interface-plugin.suite';
import { dialWebSocketPeer } from './websocket-peer';

interfacePluginCompliance<WebSocketConfig>('WebSocketInterface (server mode)', async () => {
  const port = await freePort();
  return {
    factory: new WebSocketInterfaceFactory(),
    sectionName: 'Web Gateway',
    id: 1,
    params: { listen_ip: '127.0.0.1', listen_port: String(port), path: '/rns' },
    badParam: { key: 'listen_port', value: 'abc' },
    requiredKey: 'listen_port',
    connectPeer: () => dialWebSocketPeer(`ws://127.0.0.1:${port}/rns`),
  };
});
