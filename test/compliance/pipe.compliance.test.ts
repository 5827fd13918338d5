import { Server, createServer } from 'node:net';
import path from 'node:path';
import { PipeConfig } from '../../src/plugins/pipe/pipe-config';
import { PipeInterfaceFactory } from '../../src/plugins/pipe/pipe-interface-factory';
import { ComplianceFixture, acceptHdlcPeer, interfacePluginCompliance } from '../../src/testing';

/** The pipe's command: a bridge from its stdio to a TCP connection to the fixture's server. */
export const BRIDGE = path.join(__dirname, '../helpers/stdio-tcp-bridge.mjs');

function listen(): Promise<Server> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve(server));
  });
}

const servers = new WeakMap<ComplianceFixture<PipeConfig>, Server>();

interfacePluginCompliance<PipeConfig>(
  'PipeInterface',
  async () => {
    const server = await listen();
    const { port } = server.address() as { port: number };
    const fixture: ComplianceFixture<PipeConfig> = {
      factory: new PipeInterfaceFactory(),
      sectionName: 'Pipe',
      id: 6,
      params: { command: `"${process.execPath}" '${BRIDGE}' 127.0.0.1 ${port}`, respawn_delay: '0.5' },
      badParam: { key: 'respawn_delay', value: 'soon' },
      requiredKey: 'command',
      connectPeer: () => acceptHdlcPeer(server, 5000),
      timeoutMs: 5000,
    };
    servers.set(fixture, server);
    return fixture;
  },
  async (fixture) => {
    const server = servers.get(fixture);
    await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
  },
);
