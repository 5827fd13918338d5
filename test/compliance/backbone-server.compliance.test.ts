import { BackboneConfig } from '../../src/plugins/backbone/backbone-config';
import { BackboneInterfaceFactory } from '../../src/plugins/backbone/backbone-interface-factory';
import { freePort } from '../helpers/loopback-port';
import { dialHdlcPeer } from './hdlc-socket-peer';
import { interfacePluginCompliance } from './interface-plugin.suite';

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
