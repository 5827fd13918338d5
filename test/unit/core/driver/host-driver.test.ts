import { expect } from 'chai';
import sinon from 'sinon';
import { Clock } from '../../../../src/core/clock';
import { HostDriver } from '../../../../src/core/driver/host-driver';
import { InterfaceEntry } from '../../../../src/core/driver/interface-entry';
import { PluginEvent, PluginEventSource, pluginEvent } from '../../../../src/core/plugin-events';
import { DEFAULT_INGRESS_CONTROL } from '../../../../src/core/ingress-control';
import { InterfaceMode } from '../../../../src/core/interface-mode';
import { Logger, silentLogger } from '../../../../src/core/logger';
import {
  RecordingHandler,
  RecordingWriter,
  listenerInterface,
  packet,
  singleInterface,
  testInfo,
} from '../../../helpers/driver-fixtures';

/** A clock frozen at a given time (the driver only reads `now`). */
function fixedClock(ms: number): Clock {
  return {
    now: () => ms,
    setTimeout: () => ({ cancel: () => undefined }),
    setInterval: () => ({ cancel: () => undefined }),
  };
}

describe('HostDriver', () => {
  let handler: RecordingHandler;
  let driver: HostDriver;

  beforeEach(() => {
    handler = new RecordingHandler();
    driver = new HostDriver({ packetHandler: handler, clock: fixedClock(1_700_000_000_500) });
  });

  afterEach(async () => {
    await driver.stop();
  });

  describe('configured interfaces', () => {
    it('attaches a single interface offline with its info and writer', () => {
      const iface = singleInterface(1, 'A');
      driver.attach(iface);
      const entry = driver.entry(1);
      expect(entry).to.include({
        id: 1,
        online: false,
        dynamic: false,
        parentId: null,
        typeName: 'TestInterface',
      });
      expect(entry?.writer).to.equal(iface.writer);
      expect(entry?.info.name).to.equal('A');
      expect(driver.onlineInterfaces()).to.deep.equal([]);
    });

    it('marks a configured interface online on InterfaceUp without info, stamping started', () => {
      driver.attach(singleInterface(1, 'A'));
      const ups: InterfaceEntry[] = [];
      driver.on('interfaceUp', (e) => ups.push(e));
      expect(driver.sinkFor(1).send({ type: 'InterfaceUp', id: 1 })).to.equal(true);
      expect(driver.entry(1)?.online).to.equal(true);
      expect(driver.entry(1)?.info.started).to.equal(1_700_000_000.5);
      expect(ups.map((e) => e.id)).to.deep.equal([1]);
    });

    it('swaps the writer of a configured interface on InterfaceUp with a writer', () => {
      driver.attach(singleInterface(1, 'A'));
      const replacement = new RecordingWriter();
      driver.events.send({ type: 'InterfaceUp', id: 1, writer: replacement });
      expect(driver.entry(1)?.writer).to.equal(replacement);
      const again = new RecordingWriter();
      // Already online: the writer still swaps, but no second interfaceUp callback.
      const ups = sinon.spy();
      driver.on('interfaceUp', ups);
      driver.events.send({ type: 'InterfaceUp', id: 1, writer: again });
      expect(driver.entry(1)?.writer).to.equal(again);
      expect(ups.called).to.equal(false);
    });

    it('marks a configured interface offline on InterfaceDown, keeping it and its writer', () => {
      const iface = singleInterface(1, 'A');
      driver.attach(iface);
      driver.events.send({ type: 'InterfaceUp', id: 1 });
      const downs = sinon.spy();
      driver.on('interfaceDown', downs);
      driver.events.send({ type: 'InterfaceDown', id: 1 });
      driver.events.send({ type: 'InterfaceDown', id: 1 });
      const entry = driver.entry(1);
      expect(entry?.online).to.equal(false);
      expect(entry?.writer).to.equal(iface.writer);
      expect(downs.callCount).to.equal(1);
      expect(driver.transmit(entry as InterfaceEntry, packet())).to.equal('offline');
      expect(iface.writer.sent).to.have.length(0);
    });

    it('ignores InterfaceUp for an unknown id and logs it', () => {
      const warn = sinon.spy();
      const logged = new HostDriver({ logger: { ...silentLogger, warn } as Logger });
      logged.events.send({ type: 'InterfaceUp', id: 42 });
      expect(logged.entry(42)).to.equal(undefined);
      expect(warn.calledOnce).to.equal(true);
    });

    it('applies an InterfaceUp sent from inside start(), before attach', () => {
      const sink = driver.sinkFor(3, 'TestInterface');
      const writer = new RecordingWriter();
      sink.send({ type: 'InterfaceUp', id: 3, writer });
      expect(driver.entry(3)).to.equal(undefined);
      driver.attach(singleInterface(3, 'C'));
      expect(driver.entry(3)?.online).to.equal(true);
      expect(driver.entry(3)?.writer).to.equal(writer);
    });

    it('forgets a pre-attach InterfaceUp followed by InterfaceDown', () => {
      const sink = driver.sinkFor(3);
      sink.send({ type: 'InterfaceUp', id: 3 });
      sink.send({ type: 'InterfaceDown', id: 3 });
      driver.attach(singleInterface(3, 'C'));
      expect(driver.entry(3)?.online).to.equal(false);
    });

    it('refuses duplicate ids, names and handles, registering nothing', () => {
      driver.attach(singleInterface(1, 'A'));
      expect(() => driver.attach(singleInterface(1, 'B')))
        .to.throw(/id 1/)
        .with.property('code', 'RNS_ERR_DUPLICATE_INTERFACE');
      expect(() => driver.attach(singleInterface(2, 'A'))).to.throw(/named 'A'/);
      expect(driver.entry(2)).to.equal(undefined);
      expect(driver.attachedInterfaces()).to.have.length(1);
      expect(() => driver.attach({ ...listenerInterface(5, 'L'), kind: 'single' })).to.throw(
        /info and a writer/,
      );
    });

    it('summarises attached interfaces', () => {
      driver.attach(singleInterface(1, 'A'));
      driver.attach({ ...listenerInterface(2, 'L'), boundAddress: { host: '127.0.0.1', port: 4242 } });
      const sink = driver.sinkFor(2);
      sink.send({ type: 'InterfaceUp', id: 10_000, writer: new RecordingWriter(), info: testInfo(10_000) });
      sink.send({ type: 'InterfaceUp', id: 10_001, writer: new RecordingWriter(), info: testInfo(10_001) });
      sink.send({ type: 'InterfaceDown', id: 10_000 });
      expect(driver.attachedInterfaces()).to.deep.equal([
        {
          id: 1,
          name: 'A',
          typeName: 'TestInterface',
          kind: 'single',
          online: false,
          dynamicCount: 0,
          boundAddress: null,
        },
        {
          id: 2,
          name: 'L',
          typeName: 'TestListener',
          kind: 'listener',
          online: true,
          dynamicCount: 1,
          boundAddress: { host: '127.0.0.1', port: 4242 },
        },
      ]);
    });
  });

  describe('dynamic interfaces', () => {
    it('adds a dynamic entry on InterfaceUp with info, parented by the sink owner', () => {
      driver.attach(listenerInterface(2, 'L'));
      const writer = new RecordingWriter();
      driver.sinkFor(2).send({ type: 'InterfaceUp', id: 10_000, writer, info: testInfo(10_000, 'L/10000') });
      const entry = driver.entry(10_000);
      expect(entry).to.include({
        online: true,
        dynamic: true,
        parentId: 2,
        typeName: 'TestListener',
        writer,
      });
      expect(entry?.info.started).to.equal(1_700_000_000.5);
      expect(entry?.info.name).to.equal('L/10000');
    });

    it("applies the owner's section settings to its own info and to every peer it spawns", () => {
      const settings = {
        mode: InterfaceMode.Boundary,
        outgoing: false,
        bitrate: 9600,
        announceCap: 0.1,
        announceRateTarget: 60,
        announceRateGrace: 1,
        announceRatePenalty: 2,
        ingressControl: { ...DEFAULT_INGRESS_CONTROL, burstFreq: 1 },
        recursivePathRequests: true,
        announcesFromInternal: true,
        announcesToInternal: null,
        ifacSize: null,
      };
      driver.sinkFor(1, 'TestInterface', settings);
      driver.attach(singleInterface(1, 'S'));
      driver.sinkFor(2, 'TestListener', settings);
      driver.attach(listenerInterface(2, 'L'));
      driver.sinkFor(2).send({
        type: 'InterfaceUp',
        id: 10_000,
        writer: new RecordingWriter(),
        info: testInfo(10_000, 'L/10000'),
      });
      for (const id of [1, 10_000]) {
        expect(driver.entry(id)?.info, String(id)).to.deep.include({
          mode: InterfaceMode.Boundary,
          outCapable: false,
          bitrate: 9600,
          announceRateTarget: 60,
          recursivePathRequests: true,
        });
      }
    });

    it('adds a parentless dynamic entry through the unowned sink', () => {
      driver.events.send({
        type: 'InterfaceUp',
        id: 10_005,
        writer: new RecordingWriter(),
        info: testInfo(10_005),
      });
      expect(driver.entry(10_005)).to.include({ parentId: null, dynamic: true, online: true });
    });

    it('removes a dynamic entry on InterfaceDown exactly once', () => {
      const downs = sinon.spy();
      driver.on('interfaceDown', downs);
      driver.events.send({
        type: 'InterfaceUp',
        id: 10_000,
        writer: new RecordingWriter(),
        info: testInfo(10_000),
      });
      driver.events.send({ type: 'InterfaceDown', id: 10_000 });
      driver.events.send({ type: 'InterfaceDown', id: 10_000 });
      expect(driver.entry(10_000)).to.equal(undefined);
      expect(driver.interfaces()).to.have.length(0);
      expect(downs.callCount).to.equal(1);
      expect((downs.firstCall.args[0] as InterfaceEntry).online).to.equal(false);
    });

    it('keeps the first entry when a live dynamic id comes up again', () => {
      const first = new RecordingWriter();
      driver.events.send({ type: 'InterfaceUp', id: 10_000, writer: first, info: testInfo(10_000, 'first') });
      driver.events.send({ type: 'InterfaceUp', id: 10_000, info: testInfo(10_000, 'second') });
      expect(driver.entry(10_000)?.info.name).to.equal('first');
      expect(driver.interfaces()).to.have.length(1);
    });
  });

  describe('frames', () => {
    it('counts and hands frames of online interfaces to the packet handler', () => {
      driver.attach(singleInterface(1, 'A'));
      driver.events.send({ type: 'InterfaceUp', id: 1 });
      const data = packet(40);
      driver.events.send({ type: 'Frame', id: 1, data });
      expect(handler.seen).to.have.length(1);
      expect(handler.seen[0]?.packet).to.equal(data);
      expect(driver.entry(1)?.stats).to.include({ rxPackets: 1, rxBytes: 40, rxDroppedOffline: 0 });
    });

    it('drops frames of offline and unknown interfaces, counting the known ones', () => {
      driver.attach(singleInterface(1, 'A'));
      driver.events.send({ type: 'Frame', id: 1, data: packet() });
      driver.events.send({ type: 'Frame', id: 99, data: packet() });
      expect(handler.seen).to.have.length(0);
      expect(driver.entry(1)?.stats).to.include({ rxPackets: 0, rxDroppedOffline: 1 });
      expect(driver.droppedUnknownFrames).to.equal(1);
    });

    it('handles events sent while handling an event after it, in FIFO order', () => {
      const order: string[] = [];
      driver.attach(singleInterface(1, 'A'));
      driver.events.send({ type: 'InterfaceUp', id: 1 });
      driver.setPacketHandler({
        handle: (source, data) => {
          order.push(`frame ${data[0] ?? -1}`);
          if (data[0] === 1) {
            // Re-entrant: a write that fails makes the interface go down, then another frame.
            expect(driver.events.send({ type: 'InterfaceDown', id: 1 })).to.equal(true);
            driver.events.send({ type: 'Frame', id: 1, data: packet(20, 2) });
            order.push('handler done');
            expect(source.online).to.equal(true);
          }
        },
      });
      driver.on('interfaceDown', () => order.push('down'));
      driver.events.send({ type: 'Frame', id: 1, data: packet(20, 1) });
      expect(order).to.deep.equal(['frame 1', 'handler done', 'down']);
      // The second frame arrived after the Down, so it was dropped as offline.
      expect(driver.entry(1)?.stats.rxDroppedOffline).to.equal(1);
    });

    it('contains a throwing packet handler and reports it as handlerError', () => {
      driver.attach(singleInterface(1, 'A'));
      driver.events.send({ type: 'InterfaceUp', id: 1 });
      const boom = new Error('boom');
      driver.setPacketHandler({
        handle: () => {
          throw boom;
        },
      });
      const errors: [unknown, InterfaceEntry | undefined][] = [];
      driver.on('handlerError', (error, entry) => errors.push([error, entry]));
      expect(driver.sinkFor(1).send({ type: 'Frame', id: 1, data: packet() })).to.equal(true);
      expect(driver.sinkFor(1).send({ type: 'Frame', id: 1, data: packet() })).to.equal(true);
      expect(errors).to.have.length(2);
      expect(errors[0]?.[0]).to.equal(boom);
      expect(errors[0]?.[1]?.id).to.equal(1);
      expect(driver.entry(1)?.stats.rxPackets).to.equal(2);
    });
  });

  describe('host callbacks', () => {
    it('contains a throwing callback: later listeners run, the sender is unaffected', () => {
      driver.attach(singleInterface(1, 'A'));
      const later = sinon.spy();
      const errors = sinon.spy();
      const thrower = () => {
        throw new Error('callback failed');
      };
      driver.on('interfaceUp', thrower);
      driver.on('interfaceUp', later);
      driver.on('handlerError', errors);
      expect(() => driver.events.send({ type: 'InterfaceUp', id: 1 })).not.to.throw();
      expect(later.calledOnce).to.equal(true);
      expect(errors.calledOnce).to.equal(true);
      expect((errors.firstCall.args[1] as InterfaceEntry).id).to.equal(1);
      expect(driver.entry(1)?.online).to.equal(true);
    });

    it('survives a throwing handlerError listener', () => {
      const error = sinon.spy();
      const logged = new HostDriver({
        logger: { ...silentLogger, error } as Logger,
        packetHandler: {
          handle: () => {
            throw new Error('handler');
          },
        },
      });
      logged.on('handlerError', () => {
        throw new Error('listener');
      });
      logged.events.send({
        type: 'InterfaceUp',
        id: 10_000,
        writer: new RecordingWriter(),
        info: testInfo(10_000),
      });
      expect(() => logged.events.send({ type: 'Frame', id: 10_000, data: packet() })).not.to.throw();
      expect(error.callCount).to.equal(2);
    });

    it('supports once and off', () => {
      const once = sinon.spy();
      const on = sinon.spy();
      driver.once('interfaceUp', once);
      driver.on('interfaceUp', on);
      driver.off('interfaceUp', on);
      driver.events.send({
        type: 'InterfaceUp',
        id: 10_000,
        writer: new RecordingWriter(),
        info: testInfo(10_000),
      });
      driver.events.send({
        type: 'InterfaceUp',
        id: 10_001,
        writer: new RecordingWriter(),
        info: testInfo(10_001),
      });
      expect(once.callCount).to.equal(1);
      expect(on.called).to.equal(false);
    });

    it('forwards plugin events to pluginEvent with the interface whose sink sent them', () => {
      const seen: Array<[PluginEvent, PluginEventSource]> = [];
      driver.on('pluginEvent', (e, source) => seen.push([e, source]));
      const penalty = pluginEvent('peer.penalty', {
        ip: '10.0.0.1',
        level: 1,
        blacklistForMs: 60_000,
        reason: 'repeated idle timeouts',
      });
      driver.sinkFor(2, 'Scripted').send(penalty);
      driver.events.send(pluginEvent('peer.connected', { peerId: 10_000, ip: '10.0.0.1', port: 5000 }));
      expect(seen).to.deep.equal([
        [penalty, { interfaceId: 2, typeName: 'Scripted' }],
        [
          { type: 'Plugin', name: 'peer.connected', detail: { peerId: 10_000, ip: '10.0.0.1', port: 5000 } },
          { interfaceId: null, typeName: 'unknown' },
        ],
      ]);
      expect(seen[0]?.[0]).to.equal(penalty);
    });

    it('passes on names it does not know, and ignores a plugin event without a name', () => {
      const names: string[] = [];
      driver.on('pluginEvent', (e) => names.push(e.name));
      const sink = driver.sinkFor(3, 'Js');
      sink.send({ type: 'Plugin', name: 'js.thing', detail: {} } as unknown as PluginEvent);
      sink.send({ type: 'Plugin', detail: {} } as unknown as PluginEvent);
      expect(names).to.deep.equal(['js.thing']);
    });
  });

  describe('onlineInterfaces', () => {
    it('returns the same array until the online set changes', () => {
      driver.attach(singleInterface(1, 'A'));
      driver.attach(singleInterface(2, 'B'));
      const empty = driver.onlineInterfaces();
      expect(driver.onlineInterfaces()).to.equal(empty);
      driver.events.send({ type: 'InterfaceUp', id: 1 });
      const one = driver.onlineInterfaces();
      expect(one.map((e) => e.id)).to.deep.equal([1]);
      driver.events.send({ type: 'Frame', id: 1, data: packet() });
      driver.events.send({ type: 'InterfaceUp', id: 1, writer: new RecordingWriter() });
      expect(driver.onlineInterfaces()).to.equal(one);
      driver.events.send({ type: 'InterfaceUp', id: 2 });
      expect(driver.onlineInterfaces().map((e) => e.id)).to.deep.equal([1, 2]);
      driver.events.send({ type: 'InterfaceDown', id: 1 });
      expect(driver.onlineInterfaces().map((e) => e.id)).to.deep.equal([2]);
      expect(Object.isFrozen(driver.onlineInterfaces())).to.equal(true);
    });
  });

  describe('transmit', () => {
    function online(): { entry: InterfaceEntry; writer: RecordingWriter } {
      const iface = singleInterface(1, 'A');
      driver.attach(iface);
      driver.events.send({ type: 'InterfaceUp', id: 1 });
      return { entry: driver.entry(1) as InterfaceEntry, writer: iface.writer };
    }

    it('counts accepted packets and bytes', () => {
      const { entry, writer } = online();
      expect(driver.transmit(entry, packet(25))).to.equal('accepted');
      expect(driver.transmit(entry, packet(30))).to.equal('accepted');
      expect(writer.sent).to.have.length(2);
      expect(entry.stats).to.include({ txPackets: 2, txBytes: 55 });
    });

    it('counts refusals by reason', () => {
      const { entry, writer } = online();
      writer.outcome = 'buffer_full';
      expect(driver.transmit(entry, packet())).to.equal('buffer_full');
      writer.outcome = 'offline';
      expect(driver.transmit(entry, packet())).to.equal('offline');
      expect(entry.stats).to.include({ txPackets: 0, txRefusedFull: 1, txRefusedOffline: 1 });
    });

    it('counts a null writer and a throwing writer as offline', () => {
      const { entry } = online();
      entry.writer = {
        send: () => {
          throw new Error('plugin bug');
        },
      };
      expect(driver.transmit(entry, packet())).to.equal('offline');
      entry.writer = null;
      expect(driver.transmit(entry, packet())).to.equal('offline');
      expect(entry.stats.txRefusedOffline).to.equal(2);
    });
  });

  describe('stop', () => {
    it('stops every interface even when one rejects, takes the rest down, and closes every sink', async () => {
      const a = singleInterface(1, 'A');
      let releaseB!: () => void;
      const b = singleInterface(2, 'B', {
        stop: () => new Promise<void>((resolve) => (releaseB = resolve)),
      });
      const failing = listenerInterface(3, 'L', { stop: () => Promise.reject(new Error('cannot close')) });
      driver.attach(a);
      driver.attach(b);
      driver.attach(failing);
      driver.events.send({ type: 'InterfaceUp', id: 1 });
      driver
        .sinkFor(3)
        .send({ type: 'InterfaceUp', id: 10_000, writer: new RecordingWriter(), info: testInfo(10_000) });
      const downs: number[] = [];
      driver.on('interfaceDown', (e) => downs.push(e.id));

      let resolved = false;
      const stopping = driver.stop().then(() => (resolved = true));
      expect(driver.stop()).to.equal(driver.stop());
      await new Promise((r) => setImmediate(r));
      expect(resolved).to.equal(false);
      expect(driver.stopped).to.equal(false);
      expect(() => driver.attach(singleInterface(4, 'D'))).to.throw(/stopping/);
      releaseB();
      await stopping;

      expect(a.stops()).to.equal(1);
      expect(driver.stopped).to.equal(true);
      expect(downs.sort()).to.deep.equal([1, 10_000]);
      expect(driver.entry(10_000)).to.equal(undefined);
      expect(driver.events.closed).to.equal(true);
      expect(driver.sinkFor(1).closed).to.equal(true);
      expect(driver.sinkFor(1).send({ type: 'Frame', id: 1, data: packet() })).to.equal(false);
      await driver.stop();
      expect(a.stops()).to.equal(1);
    });

    it('still handles events interfaces send while stopping', async () => {
      const iface = singleInterface(1, 'A', {
        stop: async () => {
          sink.send({ type: 'InterfaceDown', id: 1 });
        },
      });
      const sink = driver.sinkFor(1);
      driver.attach(iface);
      sink.send({ type: 'InterfaceUp', id: 1 });
      const downs = sinon.spy();
      driver.on('interfaceDown', downs);
      await driver.stop();
      expect(downs.calledOnce).to.equal(true);
      expect(driver.entry(1)?.online).to.equal(false);
    });
  });
});
