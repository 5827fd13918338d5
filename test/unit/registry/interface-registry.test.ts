import { expect } from 'chai';
import { container, injectable } from 'tsyringe';
import { ConfigError } from '../../../src/core/errors';
import { MemoryInterfaceFactory } from '../../../src/plugins/memory/memory-interface-factory';
import { registerMemoryPlugin } from '../../../src/plugins/memory/register-memory-plugin';
import { SequentialIdAllocator } from '../../../src/registry/dynamic-id-allocator';
import { InterfaceFactory, StartedInterface } from '../../../src/registry/interface-factory';
import { InterfaceRegistry } from '../../../src/registry/interface-registry';
import { registerInterfaceFactory } from '../../../src/registry/register-plugin';

/** A minimal plugin; `typeName` and `apiVersion` are set per test. */
class FakeFactory implements InterfaceFactory<string> {
  constructor(
    readonly typeName: string,
    readonly apiVersion?: number,
  ) {}

  parseConfig(name: string): string {
    return name;
  }

  async start(): Promise<StartedInterface> {
    return { kind: 'listener', stop: async () => undefined };
  }
}

/** A second class, so duplicate errors can name both. */
@injectable()
class OtherMemoryFactory extends FakeFactory {
  constructor() {
    super('MemoryInterface');
  }
}

describe('InterfaceRegistry', () => {
  it('is empty when no plugin is registered', () => {
    const registry = container.createChildContainer().resolve(InterfaceRegistry);
    expect(registry.typeNames()).to.deep.equal([]);
    expect(() => registry.require('BackboneInterface')).to.throw(
      ConfigError,
      /known types: \(none registered\)/,
    );
  });

  it('looks factories up by exact type name', () => {
    const child = container.createChildContainer();
    registerMemoryPlugin(child);
    registerInterfaceFactory(child, new FakeFactory('FakeInterface', 1));
    const registry = child.resolve(InterfaceRegistry);
    expect(registry.typeNames()).to.deep.equal(['FakeInterface', 'MemoryInterface']);
    expect(registry.get('MemoryInterface')).to.be.instanceOf(MemoryInterfaceFactory);
    expect(registry.get('memoryinterface')).to.equal(undefined);
    expect(registry.require('FakeInterface').typeName).to.equal('FakeInterface');
  });

  it('reports an unknown type as a ConfigError on the section key, listing the known types', () => {
    const child = container.createChildContainer();
    registerMemoryPlugin(child);
    registerInterfaceFactory(child, new FakeFactory('FakeInterface'));
    const registry = child.resolve(InterfaceRegistry);
    let error: unknown;
    try {
      registry.require('TCPServerInterface', 'My Server');
    } catch (err) {
      error = err;
    }
    expect(error).to.be.instanceOf(ConfigError);
    expect(error).to.include({ section: 'My Server', key: 'type', code: 'RNS_ERR_CONFIG' });
    expect((error as Error).message).to.equal(
      "[My Server] 'type': unknown interface type 'TCPServerInterface'; known types: FakeInterface, MemoryInterface",
    );
  });

  it('refuses two factories with one type name, naming both', () => {
    const child = container.createChildContainer();
    registerMemoryPlugin(child);
    registerInterfaceFactory(child, OtherMemoryFactory);
    expect(() => child.resolve(InterfaceRegistry)).to.throw(
      /'MemoryInterface' is registered twice: by MemoryInterfaceFactory and by OtherMemoryFactory/,
    );
  });

  it('refuses a factory for another host API version', () => {
    const child = container.createChildContainer();
    registerInterfaceFactory(child, new FakeFactory('Future', 2));
    expect(() => child.resolve(InterfaceRegistry)).to.throw(/'Future'.*version 2.*version 1/);
  });

  it('refuses a default access code length outside 1..64 whole bytes, naming the type', () => {
    for (const size of [0, 65, 1.5, Number.NaN]) {
      const child = container.createChildContainer();
      const factory = Object.assign(new FakeFactory('Odd'), { defaultIfacSize: size });
      registerInterfaceFactory(child, factory);
      expect(() => child.resolve(InterfaceRegistry), String(size)).to.throw(
        `interface type 'Odd' (FakeFactory) declares defaultIfacSize ${size}; expected a whole number of bytes, 1..64`,
      );
    }
  });

  it('refuses a factory without a type name', () => {
    const child = container.createChildContainer();
    registerInterfaceFactory(child, new FakeFactory(''));
    expect(() => child.resolve(InterfaceRegistry)).to.throw(/no type name/);
  });

  it('lets a child container swap a fake plugin for the real one', () => {
    const parent = container.createChildContainer();
    registerMemoryPlugin(parent);
    const fake = new FakeFactory('MemoryInterface');
    const child = parent.createChildContainer();
    registerInterfaceFactory(child, fake);
    expect(child.resolve(InterfaceRegistry).require('MemoryInterface')).to.equal(fake);
    expect(parent.resolve(InterfaceRegistry).require('MemoryInterface')).to.be.instanceOf(
      MemoryInterfaceFactory,
    );
  });

  it('keeps one factory instance per container, none shared between containers', () => {
    const a = container.createChildContainer();
    const b = container.createChildContainer();
    registerMemoryPlugin(a);
    registerMemoryPlugin(b);
    const fromA = a.resolve(InterfaceRegistry).require('MemoryInterface');
    expect(a.resolve(InterfaceRegistry).require('MemoryInterface')).to.equal(fromA);
    expect(b.resolve(InterfaceRegistry).require('MemoryInterface')).not.to.equal(fromA);
  });
});

describe('SequentialIdAllocator', () => {
  it('hands out ids from 10000 in sequence', () => {
    const ids = new SequentialIdAllocator();
    expect([ids.next(), ids.next(), ids.next()]).to.deep.equal([10_000, 10_001, 10_002]);
    expect(new SequentialIdAllocator(5).next()).to.equal(5);
  });
});
