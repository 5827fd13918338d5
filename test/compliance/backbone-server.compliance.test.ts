import { BackboneConfig } from '../../src/plugins/backbone/backbone-config';
import { BackboneInterfaceFactory } from '../../src/plugins/backbone/backbone-interface-factory';
import { dialHdlcPeer, interfacePluginCompliance } from '../../src/testing';

interfacePluginCompliance<BackboneConfig>('BackboneInterface (server mode)', async () => ({
  factory: new BackboneInterfaceFactory(),
  sectionName: 'Backbone Server',
  id: 1,
  // Port 0: the server binds any free port and says which in its boundAddress.
  params: { listen_ip: '127.0.0.1', listen_port: '0' },
  badParam: { key: 'listen_port', value: 'abc' },
  runtimeChange: { setting: 'idle_timeout_secs', value: 12 },
  connectPeer: ({ started }) => {
    if (started.boundAddress === undefined) throw new Error('the server reported no bound address');
    return dialHdlcPeer(started.boundAddress.host, started.boundAddress.port);
  },
}));
