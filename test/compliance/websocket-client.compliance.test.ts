import { WebSocketServer } from 'ws';
import { WebSocketConfig } from '../../src/plugins/websocket/websocket-config';
import { WebSocketInterfaceFactory } from '../../src/plugins/websocket/websocket-interface-factory';
import { ComplianceFixture, interfacePluginCompliance } from '../../src/testing';
import { acceptWebSocketPeer } from './websocket-peer';

/** A loopback WebSocket server for the client under test to dial; it lives exactly one test. */
function listen(): Promise<WebSocketServer> {
  return new Promise((resolve, reject) => {
    const server = new WebSocketServer({ host: '127.0.0.1', port: 0 });
    server.once('error', reject);
    server.once('listening', () => resolve(server));
  });
}

const servers = new WeakMap<ComplianceFixture<WebSocketConfig>, WebSocketServer>();

interfacePluginCompliance<WebSocketConfig>(
  'WebSocketInterface (client mode)',
  async () => {
    const server = await listen();
    const { port } = server.address() as { port: number };
    const fixture: ComplianceFixture<WebSocketConfig> = {
      factory: new WebSocketInterfaceFactory(),
      sectionName: 'Web Uplink',
      id: 2,
      params: { target_host: '127.0.0.1', target_port: String(port), target_type: 'ws', reconnect_wait: '1' },
      badParam: { key: 'target_type', value: 'http' },
      // An over-long message ends the connection with 1009.
      oversizeCloses: true,
      runtimeChange: { setting: 'reconnect_wait_secs', value: 7 },
      connectPeer: () => acceptWebSocketPeer(server, 2000),
    };
    servers.set(fixture, server);
    return fixture;
  },
  async (fixture) => {
    const server = servers.get(fixture);
    if (server === undefined) return;
    for (const client of server.clients) client.terminate();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  },
);
