import { Server, createServer } from 'node:net';
import { KISS_FRAMING, StreamFraming } from '../../src/core/stream-framing';
import { TcpClientConfig } from '../../src/plugins/tcp/tcp-config';
import { TcpClientInterfaceFactory } from '../../src/plugins/tcp/tcp-interface-factories';
import { ComplianceFixture, acceptHdlcPeer, interfacePluginCompliance } from '../../src/testing';

/** A loopback server for the client under test to dial; it lives exactly one test. */
function listen(): Promise<Server> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve(server));
  });
}

const servers = new WeakMap<ComplianceFixture<TcpClientConfig>, Server>();

function clientCompliance(name: string, extra: Record<string, string>, framing?: StreamFraming): void {
  interfacePluginCompliance<TcpClientConfig>(
    name,
    async () => {
      const server = await listen();
      const { port } = server.address() as { port: number };
      const fixture: ComplianceFixture<TcpClientConfig> = {
        factory: new TcpClientInterfaceFactory(),
        sectionName: 'TCP Uplink',
        id: 2,
        params: { target_host: '127.0.0.1', target_port: String(port), ...extra },
        badParam: { key: 'fixed_mtu', value: '499' },
        requiredKey: 'target_port',
        runtimeChange: { setting: 'connect_timeout_secs', value: 2 },
        connectPeer: () => acceptHdlcPeer(server, 2000, framing),
      };
      servers.set(fixture, server);
      return fixture;
    },
    async (fixture) => {
      const server = servers.get(fixture);
      await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
    },
  );
}

clientCompliance('TCPClientInterface', {});
clientCompliance(
  'TCPClientInterface (kiss_framing, i2p_tunneled)',
  { kiss_framing: 'yes', i2p_tunneled: 'yes' },
  KISS_FRAMING,
);
