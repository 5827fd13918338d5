import { createServer } from 'node:net';
import { BackboneConfig } from '../../src/plugins/backbone/backbone-config';
import { BackboneInterfaceFactory } from '../../src/plugins/backbone/backbone-interface-factory';
import { dialHdlcPeer } from './hdlc-socket-peer';
import { interfacePluginCompliance } from './interface-plugin.suite';

/** A loopback port that was free a moment ago (config ports must be 1..65535, so not 0). */
function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as { port: number };
      probe.close(() => resolve(port));
    });
  });
}

interfacePluginCompliance<BackboneConfig>('BackboneInterface (server mode)', async () => {
  const port = await freePort();
  return {
    factory: new BackboneInterfaceFactory(),
    sectionName: 'Backbone Server',
    id: 1,
    params: { listen_ip: '127.0.0.1', listen_port: String(port) },
    badParam: { key: 'listen_port', value: 'abc' },
    connectPeer: () => dialHdlcPeer('127.0.0.1', port),
  };
});
