import { expect } from 'chai';
import { systemClock } from '../../../../src/core/clock';
import { ConfigError } from '../../../../src/core/errors';
import { DEFAULT_INGRESS_CONTROL } from '../../../../src/core/ingress-control';
import { InterfaceMode } from '../../../../src/core/interface-mode';
import { silentLogger } from '../../../../src/core/logger';
import { MemoryInterfaceFactory } from '../../../../src/plugins/memory/memory-interface-factory';
import { SequentialIdAllocator } from '../../../../src/registry/dynamic-id-allocator';
import { StartedSingleInterface } from '../../../../src/registry/interface-factory';
import { RecordingSink } from '../../../../src/testing/recording-sink';

describe('MemoryInterface', () => {
  let factory: MemoryInterfaceFactory;

  beforeEach(() => {
    factory = new MemoryInterfaceFactory();
  });

  async function start(name: string, id: number, pipe: string, sink = new RecordingSink()) {
    const config = factory.parseConfig(name, id, { pipe });
    const started = (await factory.start(config, {
      events: sink,
      dynamicIds: new SequentialIdAllocator(),
      mode: InterfaceMode.PointToPoint,
      ingressControl: DEFAULT_INGRESS_CONTROL,
      clock: systemClock,
      logger: silentLogger,
    })) as StartedSingleInterface;
    return { started, sink };
  }

  const types = (sink: RecordingSink) => sink.events.map((e) => `${e.type}(${'id' in e ? e.id : ''})`);

  it('parses the pipe name, trimmed, and requires it', () => {
    expect(factory.parseConfig('A', 1, { pipe: ' link ' })).to.deep.equal({ name: 'A', id: 1, pipe: 'link' });
    expect(() => factory.parseConfig('A', 1, {})).to.throw(ConfigError, "[A] 'pipe': is required");
    expect(() => factory.parseConfig('A', 1, { pipe: ['a', 'b'] })).to.throw(ConfigError, "[A] 'pipe'");
  });

  it('stays offline alone: its writer refuses with offline', async () => {
    const a = await start('A', 1, 'p');
    expect(a.sink.events).to.deep.equal([]);
    expect(a.started.writer.send(new Uint8Array(24))).to.equal('offline');
    expect(a.started.info).to.include({ id: 1, name: 'A', mode: InterfaceMode.PointToPoint });
  });

  it('brings both ends up when the second joins, and carries frames both ways', async () => {
    const a = await start('A', 1, 'p');
    const b = await start('B', 2, 'p');
    expect(types(a.sink)).to.deep.equal(['InterfaceUp(1)']);
    expect(types(b.sink)).to.deep.equal(['InterfaceUp(2)']);
    const packet = new Uint8Array([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20]);
    expect(a.started.writer.send(packet)).to.equal('accepted');
    expect(b.started.writer.send(packet)).to.equal('accepted');
    const atB = b.sink.events[1];
    expect(atB).to.deep.include({ type: 'Frame', id: 2 });
    const data = atB?.type === 'Frame' ? atB.data : undefined;
    expect(data).to.deep.equal(packet);
    expect(data, 'copied, as off a wire').not.to.equal(packet);
    expect(a.sink.events[1]).to.deep.include({ type: 'Frame', id: 1 });
  });

  it('refuses a third interface on a pipe with a ConfigError on its pipe key', async () => {
    await start('A', 1, 'p');
    await start('B', 2, 'p');
    const error = await start('C', 3, 'p').catch((e: unknown) => e);
    expect(error).to.be.instanceOf(ConfigError).and.include({ section: 'C', key: 'pipe' });
  });

  it('takes both ends down when one stops, and lets the pipe be joined again', async () => {
    const a = await start('A', 1, 'p');
    const b = await start('B', 2, 'p');
    await b.started.stop();
    await b.started.stop();
    expect(types(a.sink)).to.deep.equal(['InterfaceUp(1)', 'InterfaceDown(1)']);
    expect(types(b.sink)).to.deep.equal(['InterfaceUp(2)', 'InterfaceDown(2)']);
    expect(a.started.writer.send(new Uint8Array(24))).to.equal('offline');
    expect(b.started.writer.send(new Uint8Array(24))).to.equal('offline');
    const c = await start('C', 3, 'p');
    expect(types(a.sink).at(-1)).to.equal('InterfaceUp(1)');
    expect(a.started.writer.send(new Uint8Array(24))).to.equal('accepted');
    expect(types(c.sink)).to.deep.equal(['InterfaceUp(3)', 'Frame(3)']);
  });

  it('treats an end whose sink closed (its driver stopped) as gone', async () => {
    const a = await start('A', 1, 'p');
    const b = await start('B', 2, 'p');
    b.sink.close();
    expect(a.started.writer.send(new Uint8Array(24))).to.equal('offline');
    expect(types(a.sink)).to.deep.equal(['InterfaceUp(1)', 'InterfaceDown(1)']);
  });

  it('keeps pipes per factory instance', async () => {
    await start('A', 1, 'p');
    const other = new MemoryInterfaceFactory();
    const sink = new RecordingSink();
    await other.start(other.parseConfig('B', 2, { pipe: 'p' }), {
      events: sink,
      dynamicIds: new SequentialIdAllocator(),
      mode: InterfaceMode.Full,
      ingressControl: DEFAULT_INGRESS_CONTROL,
      clock: systemClock,
      logger: silentLogger,
    });
    expect(sink.events).to.deep.equal([]);
  });
});
