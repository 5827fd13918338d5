import { randomBytes } from 'node:crypto';
import { expect } from 'chai';
import { BufferBudgets } from '../core/buffer-budgets';
import { systemClock } from '../core/clock';
import { FIRST_DYNAMIC_INTERFACE_ID } from '../core/constants';
import { RNS_ERR_CONFIG } from '../core/error-codes';
import { ConfigError } from '../core/errors';
import { FrameEvent, InterfaceDownEvent, InterfaceEvent, InterfaceUpEvent } from '../core/events';
import { DEFAULT_INGRESS_CONTROL } from '../core/ingress-control';
import { InterfaceId } from '../core/interface-id';
import { InterfaceInfo } from '../core/interface-info';
import { InterfaceMode } from '../core/interface-mode';
import { silentLogger } from '../core/logger';
import { RuntimeConfigHandle, RuntimeConfigValue, runtimeStartupOf } from '../core/runtime-config';
import { WriteOutcome, Writer } from '../core/writer';
import { ConfigValue } from '../registry/config-params';
import { IFAC_MAX_SIZE } from '../core/constants';
import { SequentialIdAllocator } from '../registry/dynamic-id-allocator';
import { INTERFACE_API_VERSION, StartContext, StartedInterface } from '../registry/interface-factory';
import { bdd } from './bdd';
import { ComplianceFixture, CompliancePeer, ComplianceTarget } from './fixture';
import { RecordingSink } from './recording-sink';
import { nextTurn, resourcesOver, trackedResources } from './resources';

/** Reticulum's base MTU: what an interface that reports no hardware MTU must carry. */
const RETICULUM_MTU = 500;

/** Bounds of the backpressure test: a peer that does not read must fill the interface within these. */
const FILL_LIMIT_BYTES = 256 * 1024 * 1024;
const FILL_LIMIT_MS = 10_000;

/** The online interface the suite talks to: its id, writer and info. */
interface Online {
  readonly id: InterfaceId;
  readonly writer: Writer;
  readonly info: InterfaceInfo;
}

/**
 * The interface plugin compliance suite: the test groups every {@link InterfaceFactory} must
 * pass, declared with the test runner's `describe`/`it` (mocha's, or any runner's with the same
 * globals). It checks
 * - config: clear errors naming section and key, the declared type name, API version and
 *   default access code length;
 * - lifecycle: an idempotent start/stop; what start returns (kind, id, info, bound address);
 * - events: well-formed events, byte-exact packets both ways, MTU-sized packets, the order of
 *   many writes, no event after stop;
 * - backpressure: `buffer_full` (never a throw, never a block) while the peer does not read, and
 *   `accepted` again once it drains, with exactly the accepted packets delivered in order;
 * - an interface that stops by itself when its event sink closes (the driver went away);
 * - the runtime-config and peer-state handles start returned, and `runtimeStartup` agreeing
 *   with them;
 * - resources: no socket, server, timer or child process left open, nothing held on the
 *   node-wide buffer budgets, once stopped.
 *
 * (An interface need not send `InterfaceDown` when stopped: the driver takes what is still
 * online down itself at stop.)
 *
 * @param name - names the test group (for example `MemoryInterface`).
 * @param setup - builds a fresh fixture before every test.
 * @param teardown - releases what `setup` built, after every test.
 */
export function interfacePluginCompliance<C>(
  name: string,
  setup: () => Promise<ComplianceFixture<C>>,
  teardown?: (fixture: ComplianceFixture<C>) => Promise<void>,
): void {
  const { describe, it, beforeEach, afterEach } = bdd();
  describe(`${name}: interface plugin compliance`, () => {
    let fixture: ComplianceFixture<C>;
    let running: StartedInterface[];
    let peers: CompliancePeer[];

    const timeout = () => fixture.timeoutMs ?? 2000;

    beforeEach(async () => {
      fixture = await setup();
      running = [];
      peers = [];
    });

    afterEach(async () => {
      // Leave nothing behind even when a test failed half way.
      for (const started of running) await started.stop();
      await Promise.all(peers.map((p) => p.close()));
      await teardown?.(fixture);
    });

    async function start(): Promise<ComplianceTarget<C>> {
      const events = new RecordingSink();
      const config = fixture.factory.parseConfig(fixture.sectionName, fixture.id, fixture.params);
      const ctx: StartContext = {
        events,
        dynamicIds: new SequentialIdAllocator(),
        mode: InterfaceMode.Full,
        ingressControl: DEFAULT_INGRESS_CONTROL,
        clock: systemClock,
        logger: silentLogger,
        buffers: new BufferBudgets(),
      };
      const started = await fixture.factory.start(config, ctx);
      running.push(started);
      return { config, started, ctx, events };
    }

    async function connect(target: ComplianceTarget<C>): Promise<CompliancePeer> {
      const peer = await fixture.connectPeer(target);
      peers.push(peer);
      return peer;
    }

    /** Waits for the interface to report the peer's connection up. */
    async function waitOnline(target: ComplianceTarget<C>): Promise<Online> {
      const { started, events } = target;
      if (started.kind === 'single') {
        const up = await events.waitFor(
          `InterfaceUp(${started.id})`,
          (e): e is InterfaceUpEvent => e.type === 'InterfaceUp' && e.id === started.id,
          timeout(),
        );
        return { id: up.id, writer: up.writer ?? started.writer, info: started.info };
      }
      const up = await events.waitFor(
        'InterfaceUp with info (a dynamic peer interface)',
        (e): e is InterfaceUpEvent => e.type === 'InterfaceUp' && e.info !== undefined,
        timeout(),
      );
      expect(up.writer, 'a dynamic InterfaceUp carries its writer').to.not.equal(undefined);
      return { id: up.id, writer: up.writer as Writer, info: up.info as InterfaceInfo };
    }

    /** Starts, connects a peer and waits until the interface is up. */
    async function online(): Promise<{ target: ComplianceTarget<C>; peer: CompliancePeer } & Online> {
      const target = await start();
      const peer = await connect(target);
      return { target, peer, ...(await waitOnline(target)) };
    }

    /** The next Frame on `id` from event index `from`. */
    function nextFrame(target: ComplianceTarget<C>, id: InterfaceId, from: number): Promise<FrameEvent> {
      return target.events.waitFor(
        `a Frame on interface ${id}`,
        (e): e is FrameEvent => e.type === 'Frame' && e.id === id,
        timeout(),
        from,
      );
    }

    describe('config', () => {
      it('declares a type name, this host API version and a valid default access code length', () => {
        const { factory } = fixture;
        expect(factory.typeName).to.be.a('string').and.not.equal('');
        if (factory.apiVersion !== undefined) expect(factory.apiVersion).to.equal(INTERFACE_API_VERSION);
        if (factory.defaultIfacSize !== undefined) {
          expect(factory.defaultIfacSize).to.be.a('number').within(1, IFAC_MAX_SIZE);
          expect(Number.isInteger(factory.defaultIfacSize)).to.equal(true);
        }
      });

      it('parses the valid params', () => {
        expect(() =>
          fixture.factory.parseConfig(fixture.sectionName, fixture.id, fixture.params),
        ).not.to.throw();
      });

      it('rejects the documented bad value (and a missing required key) with a ConfigError naming section and key', () => {
        const { key, value } = fixture.badParam;
        const params = { ...fixture.params, [key]: value };
        expectConfigError(() => fixture.factory.parseConfig(fixture.sectionName, fixture.id, params), key);
        const required = fixture.requiredKey;
        if (required !== undefined) {
          const without: Record<string, ConfigValue> = { ...fixture.params };
          delete without[required];
          expectConfigError(
            () => fixture.factory.parseConfig(fixture.sectionName, fixture.id, without),
            required,
          );
        }
      });

      function expectConfigError(parse: () => unknown, key: string): void {
        let error: unknown;
        try {
          parse();
        } catch (err) {
          error = err;
        }
        expect(error, 'parseConfig throws').to.be.instanceOf(ConfigError);
        const configError = error as ConfigError;
        expect(configError.section).to.equal(fixture.sectionName);
        expect(configError.key).to.equal(key);
        expect(configError.code).to.equal(RNS_ERR_CONFIG);
        expect(configError.message).to.contain(fixture.sectionName).and.contain(key);
      }
    });

    describe('lifecycle', () => {
      it('starts and stops; stop resolves and is idempotent, also when called concurrently', async () => {
        const { started } = await start();
        await Promise.all([started.stop(), started.stop()]);
        await started.stop();
      });

      it('returns what it owns: a single interface by id, name and a writer that never throws; a listener with where it listens', async () => {
        const { started } = await start();
        expect(['single', 'listener']).to.include(started.kind);
        expect(started.stop).to.be.a('function');
        if (started.kind === 'single') {
          expect(started.id).to.equal(fixture.id);
          expect(started.info.id).to.equal(fixture.id);
          expect(started.info.name).to.equal(fixture.sectionName);
          expect(started.info.mode).to.equal(InterfaceMode.Full);
          assertMedium(started.info);
          // Nothing is connected yet: the writer may refuse, but must answer.
          expect(['accepted', 'offline', 'buffer_full']).to.include(started.writer.send(randomBytes(64)));
        }
        if (started.boundAddress !== undefined) {
          expect(started.boundAddress.host).to.be.a('string').and.not.equal('');
          expect(Number.isInteger(started.boundAddress.port)).to.equal(true);
          expect(started.boundAddress.port, 'the port bound, never 0').to.be.within(1, 65535);
        }
        for (const handle of [started.runtimeConfig, started.peerState]) {
          if (handle !== undefined) expect(handle.interfaceName).to.equal(fixture.sectionName);
        }
      });
    });

    describe('drop counts', () => {
      it('counts its own drops, when it does, as a few snake_case reasons that never go backwards', async () => {
        const target = await start();
        const { started } = target;
        if (started.drops === undefined) return;
        const check = (counts: Readonly<Record<string, number>>) => {
          expect(Object.keys(counts).length, 'a few fixed reasons').to.be.within(1, 16);
          for (const [reason, count] of Object.entries(counts)) {
            expect(reason).to.match(/^[a-z][a-z0-9_]*$/);
            expect(Number.isSafeInteger(count) && count >= 0, `${reason} = ${count}`).to.equal(true);
          }
        };
        const before = started.drops();
        check(before);
        const peer = await connect(target);
        const { writer } = await waitOnline(target);
        writer.send(randomBytes(64));
        await peer.close();
        await started.stop();
        const after = started.drops();
        check(after);
        for (const [reason, count] of Object.entries(before)) expect(after[reason]).to.be.at.least(count);
      });
    });

    describe('events', () => {
      it('reports a connected peer up with well-formed events, describing its medium', async () => {
        const { target, id, info } = await online();
        if (target.started.kind === 'single') {
          expect(id).to.equal(fixture.id);
        } else {
          expect(id).to.be.at.least(FIRST_DYNAMIC_INTERFACE_ID);
          expect(info.mode, 'a peer takes its listener mode').to.equal(InterfaceMode.Full);
        }
        assertMedium(info);
        assertWellFormed(target.events.events, target.started);
      });

      it('delivers a packet sent by the peer as one Frame with identical bytes', async () => {
        const { target, peer, id } = await online();
        const packet = randomBytes(96);
        const from = target.events.count;
        await peer.send(packet);
        const frame = await nextFrame(target, id, from);
        expect(Buffer.from(frame.data).equals(packet)).to.equal(true);
        assertWellFormed(target.events.events, target.started);
      });

      it('delivers a packet written to the interface to the peer with identical bytes', async () => {
        const { peer, writer } = await online();
        const packet = randomBytes(80);
        expect(writer.send(packet)).to.equal('accepted');
        const received = await peer.nextPacket(timeout());
        expect(Buffer.from(received).equals(packet)).to.equal(true);
      });

      it('carries packets of its hardware MTU both ways, and never delivers a longer one cut short', async () => {
        const { target, peer, id, writer, info } = await online();
        const mtu = info.mtu ?? RETICULUM_MTU;
        const full = randomBytes(mtu);
        expect(writer.send(full), `a ${mtu}-byte packet`).to.equal('accepted');
        expect(Buffer.from(await peer.nextPacket(timeout())).equals(full)).to.equal(true);

        let from = target.events.count;
        await peer.send(full);
        expect(Buffer.from((await nextFrame(target, id, from)).data).equals(full)).to.equal(true);

        // One byte over: dropped whole or carried whole, and the next packet still arrives; or,
        // where the protocol says so, the connection ends and nothing of the packet arrives.
        from = target.events.count;
        const over = randomBytes(mtu + 1);
        const next = randomBytes(64);
        if (fixture.oversizeCloses === true) {
          await peer.send(over).catch(() => undefined);
          await target.events.waitFor(
            `InterfaceDown(${id}) after an over-long message`,
            (e): e is InterfaceDownEvent => e.type === 'InterfaceDown' && e.id === id,
            timeout(),
            from,
          );
          const frames = target.events.events.slice(from).filter((e) => e.type === 'Frame' && e.id === id);
          expect(frames, 'nothing of the over-long message is delivered').to.deep.equal([]);
          return;
        }
        await peer.send(over).catch(() => undefined);
        await peer.send(next);
        const first = await nextFrame(target, id, from);
        if (first.data.length === over.length) {
          expect(Buffer.from(first.data).equals(over)).to.equal(true);
          expect(
            Buffer.from((await nextFrame(target, id, target.events.events.indexOf(first) + 1)).data),
          ).to.deep.equal(next);
        } else {
          expect(Buffer.from(first.data), 'the packet after the over-long one').to.deep.equal(next);
        }
      });

      it('keeps the order of many writes, both ways', async () => {
        const { target, peer, id, writer, info } = await online();
        const count = 1000;
        // Sizes vary up to 1224 bytes, never past the hardware MTU.
        const largest = Math.min(1224, info.mtu ?? RETICULUM_MTU);
        const sent = Array.from({ length: count }, (_, seq) =>
          sequenced(seq, 24 + ((seq * 37) % (largest - 23))),
        );
        const bursts = inBursts(sent, fixture.burst);
        for (const burst of bursts) {
          for (const packet of burst) expect(writer.send(packet)).to.equal('accepted');
          for (const packet of burst) {
            const received = await peer.nextPacket(timeout());
            expect(Buffer.from(received).equals(packet), `packet ${sequenceOf(packet)} in order`).to.equal(
              true,
            );
          }
        }

        let index = target.events.count;
        for (const burst of bursts) {
          for (const packet of burst) await peer.send(packet);
          for (const packet of burst) {
            const frame = await nextFrame(target, id, index);
            expect(Buffer.from(frame.data).equals(packet), `packet ${sequenceOf(packet)} in order`).to.equal(
              true,
            );
            index = target.events.events.indexOf(frame) + 1;
          }
        }
      });

      it('sends no event once stop resolved, whatever the peer does then', async () => {
        const { target, peer } = await online();
        await target.started.stop();
        const count = target.events.count;
        // The peer may find its side gone already; that is fine, only the interface is checked.
        await peer.send(randomBytes(64)).catch(() => undefined);
        await peer.close();
        for (let turn = 0; turn < 20; turn++) await nextTurn();
        expect(target.events.events.slice(count), 'events after stop').to.deep.equal([]);
        assertWellFormed(target.events.events, target.started);
      });
    });

    describe('backpressure', () => {
      it('refuses with buffer_full while the peer does not read (never throwing), accepts again once it drains, and delivers exactly what it accepted, in order', async () => {
        const { peer, writer, info } = await online();
        const size = Math.min(info.mtu ?? RETICULUM_MTU, 16 * 1024);
        if (peer.pause === undefined || peer.resume === undefined) {
          // A medium that buffers nothing: every write is accepted and arrives.
          const sent = Array.from({ length: 200 }, (_, seq) => sequenced(seq, size));
          for (const burst of inBursts(sent, fixture.burst)) {
            for (const packet of burst) expect(writer.send(packet)).to.equal('accepted');
            for (const packet of burst)
              expect(Buffer.from(await peer.nextPacket(timeout())).equals(packet)).to.equal(true);
          }
          return;
        }
        peer.pause();
        const accepted: number[] = [];
        let refused = false;
        const deadline = Date.now() + FILL_LIMIT_MS;
        for (let seq = 0; !refused && seq * size < FILL_LIMIT_BYTES && Date.now() < deadline; seq++) {
          const outcome: WriteOutcome = writer.send(sequenced(seq, size));
          expect(['accepted', 'buffer_full'], `write ${seq} while the peer does not read`).to.include(
            outcome,
          );
          if (outcome === 'accepted') accepted.push(seq);
          else refused = true;
          // Let the interface hand what it batched to its socket now and then, as a busy node does.
          if (seq % 64 === 63) await nextTurn();
        }
        expect(refused, `buffer_full within ${FILL_LIMIT_BYTES} bytes`).to.equal(true);

        peer.resume();
        const probe = accepted.length + 1_000_000;
        let drained = false;
        const until = Date.now() + FILL_LIMIT_MS;
        while (!drained && Date.now() < until) {
          await new Promise((resolve) => setTimeout(resolve, 5));
          const outcome = writer.send(sequenced(probe, 64));
          expect(['accepted', 'buffer_full']).to.include(outcome);
          drained = outcome === 'accepted';
        }
        expect(drained, 'accepted again once the peer drained').to.equal(true);

        for (const seq of accepted) {
          const packet = await peer.nextPacket(timeout());
          expect(packet.length).to.equal(size);
          expect(sequenceOf(packet), 'the accepted packets, in order').to.equal(seq);
        }
        expect(sequenceOf(await peer.nextPacket(timeout()))).to.equal(probe);
      });
    });

    describe('event sink', () => {
      it('stops by itself when its event sink closes: writer offline, sockets and timers released, no event', async () => {
        await nextTurn();
        const before = trackedResources();
        const { target, peer, writer } = await online();
        target.events.close();
        // The interface learns it when it next sends an event: give it one to send.
        await peer.send(randomBytes(64)).catch(() => undefined);
        let outcome: WriteOutcome = 'accepted';
        const until = Date.now() + timeout();
        while (outcome === 'accepted' && Date.now() < until) {
          await nextTurn();
          outcome = writer.send(randomBytes(64));
        }
        expect(outcome, 'the writer of an interface whose sink closed').to.equal('offline');
        await peer.close();
        expect(await resourcesOver(before, 2000), 'open handles, without stop()').to.deep.equal({});
        await target.started.stop();
      });
    });

    describe('handles', () => {
      it('serves its live settings through the runtime-config handle start returned: list, get, set, reset', async () => {
        const target = await start();
        const handle = target.started.runtimeConfig;
        const startup = fixture.factory.runtimeStartup?.(target.config);
        if (handle === undefined) {
          expect(startup ?? {}, 'runtimeStartup without a runtime-config handle').to.deep.equal({});
          return;
        }
        expect(handle.interfaceName).to.equal(fixture.sectionName);
        expect(handle.keyPrefix).to.match(/^[a-z][a-z0-9_]*$/);
        const settings = handle.list();
        const names = settings.map((s) => s.setting);
        expect(new Set(names).size, 'setting names are unique').to.equal(names.length);
        for (const setting of settings) {
          expect(setting.setting).to.match(/^[a-z][a-z0-9_]*$/);
          expect(handle.get(setting.setting)).to.deep.equal(setting);
          expect(setting.value, `${setting.setting} starts at its startup value`).to.equal(setting.startup);
          expect(setting.description).to.be.a('string').and.not.equal('');
        }
        if (startup !== undefined) {
          expect(
            runtimeStartupOf(handle),
            'runtimeStartup(config) = what the handle starts with',
          ).to.deep.equal(startup);
        }
        expect(handle.get('no_such_setting')).to.equal(undefined);
        expect(handle.set('no_such_setting', 1).ok).to.equal(false);
        if (settings.length === 0) return;

        const change = fixture.runtimeChange;
        expect(change, 'the fixture names a runtimeChange for a handle with settings').to.not.equal(
          undefined,
        );
        if (change === undefined) return;
        roundTrip(handle, change.setting, change.value);
        for (const setting of settings) {
          const again = handle.set(setting.setting, setting.startup);
          expect(again.ok, `${setting.setting} takes its own startup value`).to.equal(true);
          const wrong = typeof setting.startup === 'string' ? 12 : 'not a value';
          expect(
            handle.set(setting.setting, wrong).ok,
            `${setting.setting} refuses ${JSON.stringify(wrong)}`,
          ).to.equal(false);
        }
      });

      it('keeps its peer state, when it has a peer-state handle, for the peers it admitted', async () => {
        const target = await start();
        const handle = target.started.peerState;
        if (handle === undefined) return;
        await connect(target);
        await waitOnline(target);
        const entries = [...handle.ips()].map((ip) => handle.entry(ip));
        expect(
          entries.some((e) => e !== undefined && e.connectedCount >= 1),
          'a connected peer',
        ).to.equal(true);
        for (const entry of entries)
          if (entry !== undefined) expect(entry.interfaceName).to.equal(fixture.sectionName);
      });
    });

    describe('resources', () => {
      it('leaves no socket, server, timer or child process open after stop', async () => {
        // The runner may arm this test's own timeout timer after the test's first synchronous
        // part; take the baseline after one event-loop turn so it is counted on both sides.
        await nextTurn();
        const before = trackedResources();
        const { target, peer, writer } = await online();
        await peer.send(randomBytes(64));
        writer.send(randomBytes(64));
        await target.started.stop();
        await peer.close();
        expect(
          await resourcesOver(before, 2000),
          'open handles after stop (type: count over the baseline)',
        ).to.deep.equal({});
      });

      it('holds nothing on the node-wide buffer budgets once stopped', async () => {
        const { target, peer, writer } = await online();
        await peer.send(randomBytes(64));
        for (let i = 0; i < 50; i++) writer.send(randomBytes(1000));
        await target.started.stop();
        await peer.close();
        const { receive, send } = target.ctx.buffers as BufferBudgets;
        expect([receive.totalHeld, receive.holders, send.totalHeld, send.holders]).to.deep.equal([
          0, 0, 0, 0,
        ]);
      });
    });
  });
}

/** Sets `setting` to `value`, reads it back, resets it, reads the startup value back. */
function roundTrip(handle: RuntimeConfigHandle, setting: string, value: RuntimeConfigValue): void {
  const before = handle.get(setting);
  expect(before, `the handle has ${setting}`).to.not.equal(undefined);
  expect(value, 'the runtimeChange differs from the startup value').to.not.equal(before?.startup);
  const set = handle.set(setting, value);
  expect(set.ok, `set ${setting} = ${JSON.stringify(value)}`).to.equal(true);
  expect(set.ok && set.value.value).to.equal(value);
  expect(handle.get(setting)).to.include({ value, startup: before?.startup });
  const reset = handle.reset(setting);
  expect(reset.ok && reset.value.value).to.equal(before?.startup);
  expect(handle.get(setting)?.value).to.equal(before?.startup);
}

/** Checks what an interface reports about its medium, as transport and IFAC read it. */
function assertMedium(info: InterfaceInfo): void {
  if (info.mtu !== null) {
    expect(Number.isInteger(info.mtu) && info.mtu >= RETICULUM_MTU, `hardware MTU ${info.mtu}`).to.equal(
      true,
    );
  }
  expect(info.autoconfigureMtu).to.be.a('boolean');
  expect(info.fixedMtu).to.be.a('boolean');
  expect(info.autoconfigureMtu && info.fixedMtu, 'an MTU either autoconfigures or is fixed').to.equal(false);
  if (info.bitrate !== null) expect(info.bitrate, 'bitrate').to.be.greaterThan(0);
  expect(info.announceCap, 'announce cap').to.be.greaterThan(0).and.at.most(1);
  expect(info.ifacSize, 'the node sets the access code length, not the plugin').to.equal(null);
}

/** Checks every recorded event: known type, integer ids, frames only from online interfaces. */
function assertWellFormed(events: readonly InterfaceEvent[], started: StartedInterface): void {
  const online = new Set<InterfaceId>();
  for (const event of events) {
    switch (event.type) {
      case 'InterfaceUp':
        expect(Number.isInteger(event.id), 'integer id').to.equal(true);
        if (event.info !== undefined) {
          expect(event.id, 'dynamic ids start at 10000').to.be.at.least(FIRST_DYNAMIC_INTERFACE_ID);
          expect(event.info.id, 'info.id matches').to.equal(event.id);
          expect(event.writer, 'a dynamic InterfaceUp carries its writer').to.not.equal(undefined);
        } else {
          expect(started.kind, 'InterfaceUp without info comes from a single interface').to.equal('single');
          if (started.kind === 'single') expect(event.id).to.equal(started.id);
        }
        online.add(event.id);
        break;
      case 'InterfaceDown':
        expect(online.has(event.id), `InterfaceDown(${event.id}) follows its InterfaceUp`).to.equal(true);
        online.delete(event.id);
        break;
      case 'Frame':
        expect(online.has(event.id), `Frame on interface ${event.id} while it is up`).to.equal(true);
        expect(event.data).to.be.instanceOf(Uint8Array);
        expect(event.data.length).to.be.greaterThan(0);
        break;
      case 'Plugin':
        expect(event.name, 'a plugin event is named').to.be.a('string').and.not.equal('');
        expect(event.detail, `plugin event ${event.name} carries a detail object`).to.be.an('object');
        break;
      default:
        expect.fail(`unknown event type ${String((event as { type?: unknown }).type)}`);
    }
  }
}

/** A packet of `length` bytes (at least 24) carrying `seq` in its first four bytes. */
function sequenced(seq: number, length: number): Buffer {
  const packet = randomBytes(Math.max(24, length));
  packet.writeUInt32BE(seq, 0);
  return packet;
}

/** `packets` in runs of at most `burst` (all in one run when `burst` is undefined). */
function inBursts<T>(packets: readonly T[], burst: number | undefined): T[][] {
  const size = burst === undefined ? packets.length : Math.max(1, Math.floor(burst));
  const runs: T[][] = [];
  for (let start = 0; start < packets.length; start += size) runs.push(packets.slice(start, start + size));
  return runs;
}

function sequenceOf(packet: Uint8Array): number {
  return Buffer.from(packet.buffer, packet.byteOffset, packet.byteLength).readUInt32BE(0);
}
