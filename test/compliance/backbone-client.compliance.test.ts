import { Server, createServer } from 'node:net';
import { BackboneClientConfig, BackboneConfig } from '../../src/plugins/backbone/backbone-config';
import {
  BackboneClientInterfaceFactory,
  BackboneInterfaceFactory,
} from '../../src/plugins/backbone/backbone-interface-factory';
import { ComplianceFixture, acceptHdlcPeer, interfacePluginCompliance } from '../../src/testing';

/** A loopback server for the client under test to dial; it lives exactly one test. */
function listen(): Promise<Server> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve(server));
  });
}

const servers = new WeakMap<ComplianceFixture<BackboneConfig>, Server>();

interfacePluginCompliance<BackboneConfig>(
  'BackboneInterface (client mode)',
  async () => {
    const server = await listen();
    const { port } = server.address() as { port: number };
    const fixture: ComplianceFixture<BackboneConfig> = {
      factory: new BackboneInterfaceFactory(),
      sectionName: 'Backbone Uplink',
      id: 2,
      params: { target_host: '127.0.0.1', target_port: String(port), reconnect_wait: '1' },
      badParam: { key: 'target_port', value: 'abc' },
      runtimeChange: { setting: 'reconnect_wait_secs', value: 7 },
      connectPeer: () => acceptHdlcPeer(server, 2000),
    };
    servers.set(fixture, server);
    return fixture;
  },
  async (fixture) => {
    const server = servers.get(fixture);
    await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
  },
);

const clientServers = new WeakMap<ComplianceFixture<BackboneClientConfig>, Server>();

interfacePluginCompliance<BackboneClientConfig>(
  'BackboneClientInterface',
  async () => {
    const server = await listen();
    const { port } = server.address() as { port: number };
    const fixture: ComplianceFixture<BackboneClientConfig> = {
      factory: new BackboneClientInterfaceFactory(),
      sectionName: 'Backbone Client',
      id: 3,
      // Python's alias port for target_port.
      params: { target_host: '127.0.0.1', port: String(port), reconnect_wait: '1' },
      badParam: { key: 'port', value: 'abc' },
      requiredKey: 'target_host',
      runtimeChange: { setting: 'max_reconnect_tries', value: 3 },
      connectPeer: () => acceptHdlcPeer(server, 2000),
    };
    clientServers.set(fixture, server);
    return fixture;
  },
  async (fixture) => {
    const server = clientServers.get(fixture);
    await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
  },
);
