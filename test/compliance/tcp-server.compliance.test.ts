import { KISS_FRAMING } from '../../src/core/stream-framing';
import { TcpServerConfig } from '../../src/plugins/tcp/tcp-config';
import { TcpServerInterfaceFactory } from '../../src/plugins/tcp/tcp-interface-factories';
import { freePort } from '../helpers/loopback-port';
import { dialHdlcPeer } from './hdlc-socket-peer';
import { interfacePluginCompliance } from './interface-plugin.suite';

interfacePluginCompliance<TcpServerConfig>('TCPServerInterface', async () => {
  const port = await freePort();
  return {
    factory: new TcpServerInterfaceFactory(),
    sectionName: 'TCP Server',
    id: 1,
    params: { listen_ip: '127.0.0.1', listen_port: String(port) },
    badParam: { key: 'listen_port', value: 'abc' },
    requiredKey: 'listen_ip',
    connectPeer: () => dialHdlcPeer('127.0.0.1', port),
  };
});

interfacePluginCompliance<TcpServerConfig>('TCPServerInterface (kiss_framing)', async () => {
  const port = await freePort();
  return {
    factory: new TcpServerInterfaceFactory(),
    sectionName: 'TCP KISS Server',
    id: 1,
    params: { listen_ip: '127.0.0.1', port: String(port), kiss_framing: 'yes' },
    badParam: { key: 'kiss_framing', value: 'maybe' },
    connectPeer: () => dialHdlcPeer('127.0.0.1', port, KISS_FRAMING),
  };
});
