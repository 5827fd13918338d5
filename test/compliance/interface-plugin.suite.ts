import { randomBytes } from 'node:crypto';
import { expect } from 'chai';
import { BufferBudgets } from '../../src/core/buffer-budgets';
import { systemClock } from '../../src/core/clock';
import { FIRST_DYNAMIC_INTERFACE_ID } from '../../src/core/constants';
import { ConfigError } from '../../src/core/errors';
import { FrameEvent, InterfaceEvent, InterfaceUpEvent } from '../../src/core/events';
import { DEFAULT_INGRESS_CONTROL } from '../../src/core/ingress-control';
import { InterfaceId } from '../../src/core/interface-id';
import { InterfaceMode } from '../../src/core/interface-mode';
import { silentLogger } from '../../src/core/logger';
import { Writer } from '../../src/core/writer';
import { ConfigParams, ConfigValue } from '../../src/registry/config-params';
import { SequentialIdAllocator } from '../../src/registry/dynamic-id-allocator';
import {
  INTERFACE_API_VERSION,
  InterfaceFactory,
  StartContext,
  StartedInterface,
} from '../../src/registry/interface-factory';
import { RecordingSink } from './recording-sink';

/** The remote side of an interface under test: a TCP peer, a server a client dials, a pipe end. */
export interface CompliancePeer {
  /** Sends one packet into the interface under test, as the remote side would (framing it). */
  send(packet: Uint8Array): Promise<void>;
  /** The next packet the interface wrote to this peer (deframed); rejects after `timeoutMs`. */
  nextPacket(timeoutMs: number): Promise<Uint8Array>;
  /** Closes the remote side; resolves when its handles are closed. Idempotent. */
  close(): Promise<void>;
}

/** The interface under test, as {@link ComplianceFixture.connectPeer} gets it. */
export interface ComplianceTarget<C> {
  /** The parsed config. */
  readonly config: C;
  /** What `start` returned. */
  readonly started: StartedInterface;
  /** The context it was started with (its sink is a {@link RecordingSink}). */
  readonly ctx: StartContext;
  /** Every event the interface sent. */
  readonly events: RecordingSink;
}

/**
 * What a plugin supplies to run the compliance suite. The suite calls `setup()` before every
 * test and the teardown after it, so a fixture may own resources (a TCP server for a client to
 * dial, a pipe peer) that live exactly one test.
 */
export interface ComplianceFixture<C = unknown> {
  /** The factory under test. */
  readonly factory: InterfaceFactory<C>;
  /** The section name to parse and start with. */
  readonly sectionName: string;
  /** The configured id to parse and start with. */
  readonly id: InterfaceId;
  /** Params that parse and start. */
  readonly params: ConfigParams;
  /** A documented bad value: `params` with `key` set to `value` must fail with a ConfigError on that key. */
  readonly badParam: { readonly key: string; readonly value: ConfigValue };
  /** A key that is required: `params` without it must fail with a ConfigError on that key. */
  readonly requiredKey?: string;
  /**
   * Connects a remote peer to the started interface (for a listener: dials it; for a client: the
   * fixture's server accepts its connection; for the memory plugin: joins the pipe). Resolves
   * once the peer can send; the interface reports itself up through its events.
   */
  connectPeer(target: ComplianceTarget<C>): Promise<CompliancePeer>;
  /** How long to wait for any one expected event or packet. Default 2000 ms. */
  readonly timeoutMs?: number;
}

/** Resource types an interface may leave open; others (mocha's, the polling's) are ignored. */
const TRACKED_RESOURCES = ['TCPSocketWrap', 'TCPServerWrap', 'Timeout', 'UDPWrap', 'PipeWrap'];

const EVENT_TYPES = new Set<string>([
  'InterfaceUp',
  'InterfaceDown',
  'Frame',
  'BackbonePeerConnected',
  'BackbonePeerDisconnected',
  'BackbonePeerIdleTimeout',
  'BackbonePeerWriteStall',
  'BackbonePeerPenalty',
]);

/**
 * The interface plugin compliance suite: mocha `describe` blocks any {@link InterfaceFactory}
 * must pass: clear config errors, an idempotent start/stop lifecycle, well-formed events, a packet
 * round trip in both directions with identical bytes, no event after stop, and no handle left
 * open after stop. (An interface need not send `InterfaceDown` when stopped: the driver takes
 * what is still online down itself at stop.)
 *
 * @param name - names the describe block (for example `MemoryInterface`).
 * @param setup - builds a fresh fixture before every test.
 * @param teardown - releases what `setup` built, after every test.
 */
export function interfacePluginCompliance<C>(
  name: string,
  setup: () => Promise<ComplianceFixture<C>>,
  teardown?: (fixture: ComplianceFixture<C>) => Promise<void>,
): void {
  describe(`${name}: interface plugin compliance`, () => {
    let fixture: ComplianceFixture<C>;
    let running: { started: StartedInterface; events: RecordingSink } | undefined;
    let peers: CompliancePeer[];

    const timeout = () => fixture.timeoutMs ?? 2000;

    beforeEach(async () => {
      fixture = await setup();
      running = undefined;
      peers = [];
    });

    afterEach(async () => {
      // Leave nothing behind even when a test failed half way.
      await running?.started.stop();
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
      running = { started, events };
      return { config, started, ctx, events };
    }

    async function connect(target: ComplianceTarget<C>): Promise<CompliancePeer> {
      const peer = await fixture.connectPeer(target);
      peers.push(peer);
      return peer;
    }

    /** Waits for the interface to report the peer's connection up; returns its id and writer. */
    async function waitOnline(target: ComplianceTarget<C>): Promise<{ id: InterfaceId; writer: Writer }> {
      const { started, events } = target;
      if (started.kind === 'single') {
        const up = await events.waitFor(
          `InterfaceUp(${started.id})`,
          (e): e is InterfaceUpEvent => e.type === 'InterfaceUp' && e.id === started.id,
          timeout(),
        );
        return { id: up.id, writer: up.writer ?? started.writer };
      }
      const up = await events.waitFor(
        'InterfaceUp with info (a dynamic peer interface)',
        (e): e is InterfaceUpEvent => e.type === 'InterfaceUp' && e.info !== undefined,
        timeout(),
      );
      expect(up.writer, 'a dynamic InterfaceUp carries its writer').to.not.equal(undefined);
      return { id: up.id, writer: up.writer as Writer };
    }

    describe('config', () => {
      it('declares a type name and this host API version', () => {
        expect(fixture.factory.typeName).to.be.a('string').and.not.equal('');
        if (fixture.factory.apiVersion !== undefined) {
          expect(fixture.factory.apiVersion).to.equal(INTERFACE_API_VERSION);
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
        expect(configError.code).to.equal('RNS_ERR_CONFIG');
        expect(configError.message).to.contain(fixture.sectionName).and.contain(key);
      }
    });

    describe('lifecycle', () => {
      it('starts and stops; stop resolves and is idempotent, also when called concurrently', async () => {
        const { started } = await start();
        await Promise.all([started.stop(), started.stop()]);
        await started.stop();
      });

      it('describes itself: a single interface by id, name and a writer that never throws', async () => {
        const { started } = await start();
        expect(['single', 'listener']).to.include(started.kind);
        expect(started.stop).to.be.a('function');
        if (started.kind === 'single') {
          expect(started.id).to.equal(fixture.id);
          expect(started.info.id).to.equal(fixture.id);
          expect(started.info.name).to.equal(fixture.sectionName);
          expect(started.info.mode).to.equal(InterfaceMode.Full);
          // Nothing is connected yet: the writer may refuse, but must answer.
          expect(['accepted', 'offline', 'buffer_full']).to.include(started.writer.send(randomBytes(64)));
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
      it('reports a connected peer up with well-formed events', async () => {
        const target = await start();
        await connect(target);
        const { id } = await waitOnline(target);
        if (target.started.kind === 'single') {
          expect(id).to.equal(fixture.id);
        } else {
          expect(id).to.be.at.least(FIRST_DYNAMIC_INTERFACE_ID);
        }
        assertWellFormed(target.events.events, target.started);
      });

      it('delivers a packet sent by the peer as one Frame with identical bytes', async () => {
        const target = await start();
        const peer = await connect(target);
        const { id } = await waitOnline(target);
        const packet = randomBytes(96);
        const from = target.events.count;
        await peer.send(packet);
        const frame = await target.events.waitFor(
          `a Frame on interface ${id}`,
          (e): e is FrameEvent => e.type === 'Frame' && e.id === id,
          timeout(),
          from,
        );
        expect(Buffer.from(frame.data).equals(packet)).to.equal(true);
        assertWellFormed(target.events.events, target.started);
      });

      it('delivers a packet written to the interface to the peer with identical bytes', async () => {
        const target = await start();
        const peer = await connect(target);
        const { writer } = await waitOnline(target);
        const packet = randomBytes(80);
        expect(writer.send(packet)).to.equal('accepted');
        const received = await peer.nextPacket(timeout());
        expect(Buffer.from(received).equals(packet)).to.equal(true);
      });

      it('sends no event once stop resolved, whatever the peer does then', async () => {
        const target = await start();
        const peer = await connect(target);
        await waitOnline(target);
        await target.started.stop();
        const count = target.events.count;
        // The peer may find its side gone already; that is fine, only the interface is checked.
        await peer.send(randomBytes(64)).catch(() => undefined);
        await peer.close();
        for (let turn = 0; turn < 20; turn++) await new Promise((resolve) => setImmediate(resolve));
        expect(target.events.events.slice(count), 'events after stop').to.deep.equal([]);
        assertWellFormed(target.events.events, target.started);
      });
    });

    describe('resources', () => {
      it('leaves no socket, server or timer open after stop', async () => {
        // Mocha arms this test's own timeout timer after the test's first synchronous part;
        // take the baseline after one event-loop turn so it is counted on both sides.
        await new Promise((resolve) => setImmediate(resolve));
        const before = trackedResources();
        const target = await start();
        const peer = await connect(target);
        const { writer } = await waitOnline(target);
        await peer.send(randomBytes(64));
        writer.send(randomBytes(64));
        await target.started.stop();
        await peer.close();
        const after = await settledResources(before, 2000);
        expect(after, 'open handles after stop (type: count over the baseline)').to.deep.equal({});
      });

      it('holds nothing on the node-wide buffer budgets once stopped', async () => {
        const target = await start();
        const peer = await connect(target);
        const { writer } = await waitOnline(target);
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

/** Checks every recorded event: known type, integer ids, frames only from online interfaces. */
function assertWellFormed(events: readonly InterfaceEvent[], started: StartedInterface): void {
  const online = new Set<InterfaceId>();
  for (const event of events) {
    expect(EVENT_TYPES.has(event.type), `known event type ${event.type}`).to.equal(true);
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
      default:
        expect(Number.isInteger(event.serverInterfaceId)).to.equal(true);
    }
  }
}

function trackedResources(): Map<string, number> {
  const counts = new Map<string, number>();
  for (const type of process.getActiveResourcesInfo()) {
    if (TRACKED_RESOURCES.includes(type)) counts.set(type, (counts.get(type) ?? 0) + 1);
  }
  return counts;
}

/**
 * Tracked resources over the baseline, as `{type: excess}` (empty when none). Closing sockets
 * takes a few event-loop turns, so it re-checks on each turn until clean or `limitMs` passed.
 */
async function settledResources(
  baseline: Map<string, number>,
  limitMs: number,
): Promise<Record<string, number>> {
  const deadline = Date.now() + limitMs;
  for (;;) {
    const excess: Record<string, number> = {};
    for (const [type, count] of trackedResources()) {
      const over = count - (baseline.get(type) ?? 0);
      if (over > 0) excess[type] = over;
    }
    if (Object.keys(excess).length === 0 || Date.now() > deadline) return excess;
    await new Promise((resolve) => setImmediate(resolve));
  }
}
