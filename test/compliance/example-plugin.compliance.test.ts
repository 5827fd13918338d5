import { Server, createServer } from 'node:net';
import * as rnsNet from '../../src';
import { InterfaceFactory } from '../../src/registry/interface-factory';
import { loadPluginFile } from '../../src/registry/plugin-loader';
import { ComplianceFixture, acceptHdlcPeer, interfacePluginCompliance } from '../../src/testing';
import { EXAMPLE_PLUGIN } from '../helpers/example-plugin';

function listen(): Promise<Server> {
  const server = createServer();
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve(server));
  });
}

const servers = new WeakMap<ComplianceFixture<unknown>, Server>();

interfacePluginCompliance<unknown>(
  'ExampleTcpClientInterface (examples/plugins, loaded as a plugin file)',
  async () => {
    const { factory } = await loadPluginFile(EXAMPLE_PLUGIN, rnsNet);
    const server = await listen();
    const { port } = server.address() as { port: number };
    const fixture: ComplianceFixture<unknown> = {
      factory: factory as InterfaceFactory<unknown>,
      sectionName: 'Uplink',
      id: 3,
      params: { target_host: '127.0.0.1', target_port: String(port), reconnect_wait: '1' },
      badParam: { key: 'target_port', value: 'abc' },
      requiredKey: 'target_host',
      connectPeer: () => acceptHdlcPeer(server, 2000),
    };
    servers.set(fixture, server);
    return fixture;
  },
  async (fixture) => {
    const server = servers.get(fixture);
    if (server !== undefined) await new Promise<void>((resolve) => server.close(() => resolve()));
  },
);
