import { expect } from 'chai';
import { connect } from 'node:net';
import { container } from 'tsyringe';
import { DEFAULT_INGRESS_CONTROL } from '../../../../src/core/ingress-control';
import { InterfaceMode } from '../../../../src/core/interface-mode';
import { silentLogger } from '../../../../src/core/logger';
import { systemClock } from '../../../../src/core/clock';
import {
  BackboneClientInterfaceFactory,
  BackboneInterfaceFactory,
  registerBackbonePlugin,
} from '../../../../src/plugins/backbone';
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
  it('registers BackboneInterface and BackboneClientInterface under INTERFACE_FACTORY with the API version', () => {
    const child = container.createChildContainer();
    registerBackbonePlugin(child);
    const factories = child.resolveAll<InterfaceFactory>(INTERFACE_FACTORY);
    expect(factories.map((f) => f.typeName)).to.deep.equal(['BackboneInterface', 'BackboneClientInterface']);
    expect(factories[0]).to.be.instanceOf(BackboneInterfaceFactory);
    expect(factories[1]).to.be.instanceOf(BackboneClientInterfaceFactory);
    expect(factories.map((f) => f.apiVersion)).to.deep.equal([INTERFACE_API_VERSION, INTERFACE_API_VERSION]);
  });

  it("returns a server's runtime-config and peer-state handles and bound address from start", async () => {
    const factory = new BackboneInterfaceFactory();
    const config = factory.parseConfig('Public', 1, {
      listen_ip: '127.0.0.1',
      listen_port: '0',
      idle_timeout: '15',
    });
    const sink = new RecordingEventSink();
    const started = await factory.start(config, context(sink));
    try {
      expect(started.kind).to.equal('listener');
      expect(started.runtimeConfig?.keyPrefix).to.equal('backbone');
      expect(started.runtimeConfig?.interfaceName).to.equal('Public');
      expect(started.runtimeConfig?.get('idle_timeout_secs')).to.include({ value: 15, startup: 15 });
      expect(started.peerState?.interfaceName).to.equal('Public');
      const port = started.boundAddress?.port ?? 0;
      expect(started.boundAddress?.host).to.equal('127.0.0.1');
      expect(port).to.be.greaterThan(0);
      // The handles act on the running server: a blacklisted IP is refused at once.
      started.peerState?.blacklist('127.0.0.1', 60, 'by operator');
      const socket = connect(port, '127.0.0.1');
      socket.on('error', () => undefined);
      await new Promise((resolve) => socket.once('close', resolve));
      expect(sink.ofType('InterfaceUp')).to.have.length(0);
      expect(started.peerState?.entry('127.0.0.1')).to.include({
        rejectCount: 1,
        blacklistReason: 'by operator',
      });
    } finally {
      await started.stop();
    }
  });

  it('gives each start its own state: a restarted server starts from the config again', async () => {
    const factory = new BackboneInterfaceFactory();
    const config = factory.parseConfig('Public', 1, { listen_ip: '127.0.0.1', listen_port: '0' });
    const first = await factory.start(config, context());
    first.peerState?.blacklist('10.0.0.1', 60, 'first run');
    expect(first.runtimeConfig?.set('idle_timeout_secs', 9).ok).to.equal(true);
    await first.stop();
    const second = await factory.start(config, context());
    try {
      expect(second.runtimeConfig).to.not.equal(first.runtimeConfig);
      expect(second.peerState?.entry('10.0.0.1')).to.equal(undefined);
      expect(second.runtimeConfig?.get('idle_timeout_secs')).to.include({ value: 0, startup: 0 });
    } finally {
      await second.stop();
    }
  });

  it('client mode: a backbone_client runtime handle from start, no peer-state handle, no bound address', async () => {
    const factory = new BackboneInterfaceFactory();
    const config = factory.parseConfig('Uplink', 2, { remote: '127.0.0.1', port: '9', reconnect_wait: '30' });
    const started = await factory.start(config, context());
    try {
      expect(started.kind).to.equal('single');
      expect(started.kind === 'single' && started.id).to.equal(2);
      expect(started.peerState).to.equal(undefined);
      expect(started.boundAddress).to.equal(undefined);
      expect(started.runtimeConfig?.keyPrefix).to.equal('backbone_client');
      expect(started.runtimeConfig?.get('reconnect_wait_secs')).to.include({ value: 30, startup: 30 });
    } finally {
      await started.stop();
    }
  });

  it('tells the startup values of the live settings a parsed section gives, without starting anything', () => {
    const factory = new BackboneInterfaceFactory();
    const server = factory.runtimeStartup(factory.parseConfig('Public', 1, { idle_timeout: '15' }));
    expect(server).to.include({ idle_timeout_secs: 15, max_connections: 0 });
    const client = factory.runtimeStartup(
      factory.parseConfig('Uplink', 2, { remote: 'h', reconnect_wait: '30' }),
    );
    expect(client).to.include({ reconnect_wait_secs: 30, max_reconnect_tries: null });
  });

  it('a server and a client talk through the factory', async () => {
    const factory = new BackboneInterfaceFactory();
    const serverSink = new RecordingEventSink();
    const serverConfig = factory.parseConfig('Hub', 1, { listen_ip: '127.0.0.1', listen_port: '0' });
    const server = await factory.start(serverConfig, context(serverSink));
    const port = server.boundAddress?.port ?? 0;
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
