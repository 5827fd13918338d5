import { KISS_FRAMING } from '../../src/core/stream-framing';
import { TcpServerConfig } from '../../src/plugins/tcp/tcp-config';
import { TcpServerInterfaceFactory } from '../../src/plugins/tcp/tcp-interface-factories';
import { ComplianceTarget, dialHdlcPeer, interfacePluginCompliance } from '../../src/testing';

function dial(target: ComplianceTarget<TcpServerConfig>, kiss = false) {
  const bound = target.started.boundAddress;
  if (bound === undefined) throw new Error('the server reported no bound address');
  return dialHdlcPeer(bound.host, bound.port, kiss ? KISS_FRAMING : undefined);
}

interfacePluginCompliance<TcpServerConfig>('TCPServerInterface', async () => ({
  factory: new TcpServerInterfaceFactory(),
  sectionName: 'TCP Server',
  id: 1,
  params: { listen_ip: '127.0.0.1', listen_port: '0' },
  badParam: { key: 'listen_port', value: 'abc' },
  requiredKey: 'listen_ip',
  runtimeChange: { setting: 'idle_timeout_secs', value: 12 },
  connectPeer: (target) => dial(target),
}));

interfacePluginCompliance<TcpServerConfig>('TCPServerInterface (kiss_framing)', async () => ({
  factory: new TcpServerInterfaceFactory(),
  sectionName: 'TCP KISS Server',
  id: 1,
  params: { listen_ip: '127.0.0.1', port: '0', kiss_framing: 'yes' },
  badParam: { key: 'kiss_framing', value: 'maybe' },
  runtimeChange: { setting: 'max_connections', value: 5 },
  connectPeer: (target) => dial(target, true),
}));
