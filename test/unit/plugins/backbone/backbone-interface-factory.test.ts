import { expect } from 'chai';
import { connect } from 'node:net';
import { container } from 'tsyringe';
import { DEFAULT_INGRESS_CONTROL } from '../../../../src/core/ingress-control';
import { InterfaceMode } from '../../../../src/core/interface-mode';
import { silentLogger } from '../../../../src/core/logger';
import { systemClock } from '../../../../src/core/clock';
import { BackboneInterfaceFactory, registerBackbonePlugin } from '../../../../src/plugins/backbone';
import {
  INTERFACE_API_VERSION,
  InterfaceFactory,
  StartContext,
} from '../../../../src/registry/interface-factory';
import { INTERFACE_FACTORY } from '../../../../src/registry/tokens';
import { RecordingEventSink } from '../../../helpers/recording-event-sink';

function context(sink = new RecordingEventSink()): StartContext {
  let next = 10_000;
  return {
    events: sink,
    dynamicIds: { next: () => next++ },
    mode: InterfaceMode.Full,
    ingressControl: DEFAULT_INGRESS_CONTROL,
    clock: systemClock,
    logger: silentLogger,
  };
}

describe('BackboneInterfaceFactory', () => {
  it('registers under INTERFACE_FACTORY with the type name and API version', () => {
    const child = container.createChildContainer();
    registerBackbonePlugin(child);
    const factories = child.resolveAll<InterfaceFactory>(INTERFACE_FACTORY);
    expect(factories).to.have.length(1);
    expect(factories[0]).to.be.instanceOf(BackboneInterfaceFactory);
    expect(factories[0]?.typeName).to.equal('BackboneInterface');
    expect(factories[0]?.apiVersion).to.equal(INTERFACE_API_VERSION);
  });

  it('hands out one runtime-config and one peer-state handle per section, before start', () => {
    const factory = new BackboneInterfaceFactory();
    const config = factory.parseConfig('Public', 1, { listen_ip: '127.0.0.1', idle_timeout: '15' });
    const runtime = factory.runtimeConfigHandle(config);
    const peers = factory.peerStateHandle(config);
    expect(runtime).to.not.equal(undefined);
    expect(factory.runtimeConfigHandle(config)).to.equal(runtime);
    expect(factory.peerStateHandle(config)).to.equal(peers);
    expect(runtime?.keyPrefix).to.equal('backbone');
    expect(runtime?.get('idle_timeout_secs')).to.include({ value: 15, startup: 15 });
    expect(peers?.interfaceName).to.equal('Public');
    const other = factory.parseConfig('Public', 1, { listen_ip: '127.0.0.1' });
    expect(factory.runtimeConfigHandle(other)).to.not.equal(runtime);
  });

  it('shares the live state between the handles and the running server', async () => {
    const factory = new BackboneInterfaceFactory();
    const parsed = factory.parseConfig('Public', 1, { listen_ip: '127.0.0.1' });
    // A config port must be 1..65535; the test binds an ephemeral port instead.
    const live = { ...parsed, listenPort: 0 };
    const peers = factory.peerStateHandle(live);
    peers?.blacklist('127.0.0.1', 60, 'before start');
    const sink = new RecordingEventSink();
    const started = await factory.start(live, context(sink));
    try {
      expect(started.kind).to.equal('listener');
      const port = (started as unknown as { port: number }).port;
      const socket = connect(port, '127.0.0.1');
      socket.on('error', () => undefined);
      await new Promise((resolve) => socket.once('close', resolve));
      expect(sink.ofType('InterfaceUp')).to.have.length(0);
      expect(peers?.entry('127.0.0.1')).to.include({ rejectCount: 1, blacklistReason: 'before start' });
    } finally {
      await started.stop();
    }
  });

  it('client mode: a backbone_client runtime handle shared with the client, no peer-state handle', async () => {
    const factory = new BackboneInterfaceFactory();
    const config = factory.parseConfig('Uplink', 2, { remote: '127.0.0.1', port: '9', reconnect_wait: '30' });
    expect(factory.peerStateHandle(config)).to.equal(undefined);
    const handle = factory.runtimeConfigHandle(config);
    expect(handle?.keyPrefix).to.equal('backbone_client');
    expect(factory.runtimeConfigHandle(config)).to.equal(handle);
    expect(handle?.get('reconnect_wait_secs')).to.include({ value: 30, startup: 30 });
    const started = await factory.start(config, context());
    try {
      expect(started.kind).to.equal('single');
      expect(started.kind === 'single' && started.id).to.equal(2);
    } finally {
      await started.stop();
    }
  });

  it('a server and a client talk through the factory', async () => {
    const factory = new BackboneInterfaceFactory();
    const serverSink = new RecordingEventSink();
    const serverConfig = { ...factory.parseConfig('Hub', 1, { listen_ip: '127.0.0.1' }), listenPort: 0 };
    const server = await factory.start(serverConfig, context(serverSink));
    const port = (server as unknown as { port: number }).port;
    const clientSink = new RecordingEventSink();
    const clientConfig = factory.parseConfig('Uplink', 2, {
      target_host: '127.0.0.1',
      target_port: String(port),
    });
    const client = await factory.start(clientConfig, context(clientSink));
    try {
      const clientUp = await clientSink.waitFor('InterfaceUp', (e) => e.id === 2);
      const peerUp = await serverSink.waitFor('InterfaceUp');
      const payload = Buffer.alloc(40, 0x11);
      expect(clientUp.writer?.send(payload)).to.equal('accepted');
      expect(Buffer.from((await serverSink.waitFor('Frame')).data)).to.deep.equal(payload);
      expect(peerUp.writer?.send(Buffer.alloc(40, 0x22))).to.equal('accepted');
      expect((await clientSink.waitFor('Frame')).data[0]).to.equal(0x22);
    } finally {
      await client.stop();
      await server.stop();
    }
  });
});
