import { expect } from 'chai';
import sinon from 'sinon';
import { container } from 'tsyringe';
import { systemClock } from '../../../src/core/clock';
import { BoundAddress } from '../../../src/core/driver/attached-interface';
import { HostDriver } from '../../../src/core/driver/host-driver';
import { ConfigError } from '../../../src/core/errors';
import { DEFAULT_INGRESS_CONTROL } from '../../../src/core/ingress-control';
import { InterfaceMode } from '../../../src/core/interface-mode';
import { LogFields, Logger, silentLogger } from '../../../src/core/logger';
import { PeerStateHandle } from '../../../src/core/peer-state';
import { RuntimeSettings } from '../../../src/core/runtime-settings';
import { ConfigParams } from '../../../src/registry/config-params';
import { SequentialIdAllocator } from '../../../src/registry/dynamic-id-allocator';
import { InterfaceFactory, StartContext, StartedInterface } from '../../../src/registry/interface-factory';
import { InterfaceSection, launchInterface } from '../../../src/registry/interface-launcher';
import { InterfaceRegistry } from '../../../src/registry/interface-registry';
import { registerInterfaceFactory } from '../../../src/registry/register-plugin';
import { RecordingWriter, testInfo } from '../../helpers/driver-fixtures';

/** A plugin whose behaviour each test scripts. */
class ScriptedFactory implements InterfaceFactory<{ name: string; port: number }> {
  readonly typeName = 'Scripted';
  contexts: StartContext[] = [];
  stops = 0;
  kind: 'single' | 'listener' = 'single';
  startedId: number | undefined;
  startError: Error | undefined;
  parseError: unknown;
  withHandles = false;
  handleName: string | undefined;

  parseConfig(name: string, _id: number, params: ConfigParams): { name: string; port: number } {
    if (this.parseError !== undefined) throw this.parseError;
    if (params.port !== '1') throw new ConfigError('expected 1', { section: name, key: 'port' });
    return { name, port: 1 };
  }

  async start(config: { name: string }, ctx: StartContext): Promise<StartedInterface> {
    this.contexts.push(ctx);
    if (this.startError !== undefined) throw this.startError;
    const stop = async () => {
      this.stops++;
    };
    const owned = this.withHandles ? handles(this.handleName ?? config.name) : {};
    if (this.kind === 'listener') return { kind: 'listener', stop, ...owned };
    const id = this.startedId ?? 1;
    return {
      kind: 'single',
      id,
      info: testInfo(id, config.name),
      writer: new RecordingWriter(),
      stop,
      ...owned,
    };
  }
}

/** The handles and address a started listener owns. */
function handles(name: string): {
  runtimeConfig: RuntimeSettings;
  peerState: PeerStateHandle;
  boundAddress: BoundAddress;
} {
  let v = 1;
  return {
    runtimeConfig: new RuntimeSettings('scripted', name, [
      {
        name: 'v',
        kind: 'count',
        applyMode: 'immediate',
        description: 'v',
        read: () => v,
        write: (n: number) => void (v = n),
      },
    ]),
    peerState: {
      interfaceName: name,
      ips: () => [].values(),
      entry: () => undefined,
      clear: () => false,
      blacklist: (_ip, d) => d,
    },
    boundAddress: { host: '127.0.0.1', port: 4321 },
  };
}

describe('launchInterface', () => {
  let factory: ScriptedFactory;
  let registry: InterfaceRegistry;
  let driver: HostDriver;

  function section(overrides: Partial<InterfaceSection> = {}): InterfaceSection {
    return {
      name: 'S',
      id: 1,
      typeName: 'Scripted',
      mode: InterfaceMode.Gateway,
      params: { port: '1' },
      ...overrides,
    };
  }

  function launch(overrides: Partial<InterfaceSection> = {}, logger: Logger = silentLogger) {
    return launchInterface({
      registry,
      driver,
      section: section(overrides),
      dynamicIds: new SequentialIdAllocator(),
      clock: systemClock,
      logger,
    });
  }

  beforeEach(() => {
    factory = new ScriptedFactory();
    const child = container.createChildContainer();
    registerInterfaceFactory(child, factory);
    registry = child.resolve(InterfaceRegistry);
    driver = new HostDriver();
  });

  afterEach(() => driver.stop());

  it('starts a single interface with a full context and attaches it offline', async () => {
    const childFields: LogFields[] = [];
    const logger: Logger = { ...silentLogger, child: (fields) => (childFields.push(fields), silentLogger) };
    const attached = await launch({}, logger);
    expect(attached).to.include({ id: 1, name: 'S', typeName: 'Scripted', kind: 'single' });
    expect(driver.entry(1)).to.include({ online: false, dynamic: false });
    const ctx = factory.contexts[0] as StartContext;
    expect(ctx.events).to.equal(driver.sinkFor(1));
    expect(ctx.mode).to.equal(InterfaceMode.Gateway);
    expect(ctx.ingressControl).to.equal(DEFAULT_INGRESS_CONTROL);
    expect(ctx.dynamicIds.next()).to.equal(10_000);
    expect(childFields).to.deep.equal([{ interface: 'S' }]);
    await attached.stop();
    expect(factory.stops).to.equal(1);
  });

  it('attaches a listener with the handles and address its start returned, served by the driver', async () => {
    factory.kind = 'listener';
    factory.withHandles = true;
    const attached = await launch();
    expect(attached.kind).to.equal('listener');
    expect(attached.boundAddress).to.deep.equal({ host: '127.0.0.1', port: 4321 });
    expect(driver.entry(1)).to.equal(undefined);
    expect(driver.getRuntimeConfig('scripted.S.v')?.value).to.equal(1);
    expect(driver.blacklistPeer('S', '10.0.0.1', 5, 'x')).to.deep.equal({ ok: true, value: 5 });
    expect(driver.attachedInterfaces()).to.have.length(1);
  });

  it('names the type key and the known types for an unknown type', async () => {
    const error = await launch({ typeName: 'Nope' }).catch((e: unknown) => e);
    expect(error).to.be.instanceOf(ConfigError).and.include({ section: 'S', key: 'type' });
    expect((error as Error).message).to.contain('known types: Scripted');
    expect(factory.contexts).to.have.length(0);
  });

  it('propagates a ConfigError from parseConfig naming section and key, starting nothing', async () => {
    const error = await launch({ params: { port: 'x' } }).catch((e: unknown) => e);
    expect(error).to.be.instanceOf(ConfigError).and.include({ section: 'S', key: 'port' });
    expect(factory.contexts).to.have.length(0);
  });

  it('wraps any other parse failure in a ConfigError naming the section', async () => {
    factory.parseError = new TypeError('bad shape');
    const error = await launch().catch((e: unknown) => e);
    expect(error).to.be.instanceOf(ConfigError).and.include({ section: 'S' });
    expect((error as ConfigError).cause).to.equal(factory.parseError);
  });

  it('propagates a start failure and attaches nothing', async () => {
    factory.startError = new Error('address in use');
    const error = await launch().catch((e: unknown) => e);
    expect((error as Error).message).to.equal('address in use');
    expect(driver.attachedInterfaces()).to.have.length(0);
  });

  it('stops the started interface again when it cannot be attached', async () => {
    await launch();
    factory.startedId = 2;
    const error = await launch({ id: 2 }).catch((e: unknown) => e);
    expect((error as Error).message).to.match(/already attached/);
    expect(factory.stops).to.equal(1);
  });

  it('stops a single interface that started with another id', async () => {
    factory.startedId = 7;
    const error = await launch().catch((e: unknown) => e);
    expect((error as Error).message).to.match(/start\(\) resolved with id 7, expected 1/);
    expect(factory.stops).to.equal(1);
    expect(driver.entry(7)).to.equal(undefined);
  });

  it('refuses handles made for another section, naming both, and stops the interface', async () => {
    factory.withHandles = true;
    factory.handleName = 'Other';
    const error = await launch().catch((e: unknown) => e);
    expect((error as Error).message).to.equal(
      "interface 'S' (Scripted): start() resolved with a runtime-config handle for interface 'Other', expected 'S'",
    );
    expect(factory.stops).to.equal(1);
    expect(driver.attachedInterfaces()).to.have.length(0);
  });

  it('refuses what a JavaScript plugin might resolve with: no stop(), or an unknown kind', async () => {
    const start = sinon.stub(factory, 'start');
    start.resolves({ kind: 'single' } as unknown as StartedInterface);
    expect(((await launch().catch((e: unknown) => e)) as Error).message).to.equal(
      "interface 'S' (Scripted): start() resolved with no stop() function",
    );
    start.resolves({ kind: 'server', stop: async () => undefined } as unknown as StartedInterface);
    expect(((await launch().catch((e: unknown) => e)) as Error).message).to.equal(
      "interface 'S' (Scripted): start() resolved with kind \"server\", expected 'single' or 'listener'",
    );
  });

  it('stops every launched interface when the driver stops', async () => {
    const start = sinon.spy(factory, 'start');
    await launch();
    await driver.stop();
    expect(start.calledOnce).to.equal(true);
    expect(factory.stops).to.equal(1);
  });
});
