import { expect } from 'chai';
import { randomBytes } from 'node:crypto';
import { InterfaceMode } from '../../../src/core/interface-mode';
import { HeaderType, PacketContext, PacketType } from '../../../src/protocol/packet-constants';
import { hex, VECTORS } from '../../vectors/fixture';
import { TestDestination } from './support/packets';
import { Identity } from '../../../src/protocol/identity';
import { Harness, TestInterface } from './support/transport-harness';

describe('transport engine: announces', () => {
  let h: Harness;
  let a: TestInterface;
  let b: TestInterface;

  beforeEach(() => {
    h = new Harness();
    a = h.iface(1);
    b = h.iface(2);
  });

  afterEach(() => h.dispose());

  /** Announces `dest` from A and lets verification run. */
  async function announceFromA(
    dest: TestDestination,
    options: Parameters<TestDestination['announce']>[0] = {},
  ) {
    h.receive(a, dest.announce(options));
    await h.run(0);
  }

  describe('a valid announce', () => {
    it('gives a path one hop away via the announcing interface, the destination as next hop', async () => {
      const dest = new TestDestination();
      await announceFromA(dest);
      const [path] = h.engine.view.paths();
      expect(path).to.deep.include({
        destination: dest.hash.toString('hex'),
        hops: 1,
        nextHop: dest.hash.toString('hex'),
        interfaceId: 1,
        state: 'unknown',
      });
    });

    it('is rebroadcast as HEADER_2 with our transport id and the new hop count, on every interface including its own', async () => {
      const dest = new TestDestination();
      const raw = dest.announce({ appData: Buffer.from('hello') });
      h.receive(a, raw);
      await h.run(1000);
      for (const iface of [a, b]) {
        const [sent, ...rest] = h.take(iface);
        expect(rest, `one copy on ${iface.info.name}`).to.have.length(0);
        expect(sent.headerType).to.equal(HeaderType.HEADER_2);
        expect(sent.packetType).to.equal(PacketType.ANNOUNCE);
        expect(Buffer.from(sent.transportId as Uint8Array)).to.deep.equal(Buffer.from(h.identity.hash));
        expect(sent.hops).to.equal(1);
        expect(sent.context).to.equal(PacketContext.NONE);
        expect(Buffer.from(sent.destinationHash)).to.deep.equal(dest.hash);
        expect(Buffer.from(sent.data)).to.deep.equal(raw.subarray(19));
      }
    });

    it('keeps the ratchet flag when it rebroadcasts an announce with a ratchet', async () => {
      const dest = new TestDestination();
      await announceFromA(dest, { ratchet: randomBytes(32) });
      await h.run(1000);
      const [sent] = h.take(b);
      expect(sent.contextFlag).to.equal(true);
    });

    it('is retried once PATHFINDER_G + RW (5.5 s) later, and never a third time', async () => {
      await announceFromA(new TestDestination());
      await h.run(1000);
      expect(h.take(b)).to.have.length(1);
      await h.run(4000);
      expect(h.take(b), 'not before 5.5 s').to.have.length(0);
      await h.run(2000);
      expect(h.take(b), 'the retry').to.have.length(1);
      await h.run(30_000);
      expect(h.take(b), 'no third send').to.have.length(0);
      expect(h.engine.view.sizes().announces).to.equal(0);
    });

    it('waits a random part of PATHFINDER_RW (0.5 s) before the first rebroadcast', async () => {
      h.dispose();
      h = new Harness({ random: () => 0.99 });
      a = h.iface(1);
      b = h.iface(2);
      h.clock.tick(1000);
      await announceFromA(new TestDestination());
      await h.run(250);
      expect(h.take(b), 'the first job run after arrival is before 0.495 s').to.have.length(0);
      await h.run(1000);
      expect(h.take(b)).to.have.length(1);
    });

    it('stops its retries once two neighbours were heard rebroadcasting it (LOCAL_REBROADCASTS_MAX)', async () => {
      const dest = new TestDestination();
      const raw = dest.announce();
      h.receive(a, raw);
      await h.run(1000);
      h.take(b);
      const neighbour = Identity.generate();
      // Neighbours rebroadcast it with the same hop count we did (1 on the wire, 2 once received).
      for (let i = 0; i < 2; i++)
        h.receive(
          b,
          dest.announce({ hops: 1, transportId: neighbour.hash, random: raw.subarray(19 + 74, 19 + 79) }),
        );
      await h.run(10_000);
      expect(h.take(b), 'no retry').to.have.length(0);
      expect(h.engine.view.sizes().announces).to.equal(0);
    });

    it('verifies each announce once: copies are taken from the verified cache', async () => {
      const dest = new TestDestination();
      const raw = dest.announce();
      h.receive(a, raw);
      await h.run(0);
      h.receive(b, raw);
      h.receive(a, raw);
      await h.run(0);
      expect(h.engine.counters.announcesVerified).to.equal(1);
      expect(h.engine.counters.announcesFromCache).to.equal(2);
    });
  });

  describe('invalid announces are not passed on', () => {
    for (const vector of VECTORS.announces.filter((v) => !v.valid)) {
      it(`Python's ${vector.name} announce: no path, no rebroadcast, counted`, async () => {
        h.receive(a, hex(vector.raw));
        await h.run(10_000);
        expect(h.engine.view.paths()).to.deep.equal([]);
        expect(h.take(b)).to.deep.equal([]);
        const c = h.engine.counters;
        expect(c.announcesInvalidSignature + c.announcesInvalidDestination + c.announcesKeyChanged).to.equal(
          1,
        );
      });
    }

    it("Python's valid announces are accepted", async () => {
      for (const vector of VECTORS.announces.filter((v) => v.valid)) h.receive(a, hex(vector.raw));
      await h.run(0);
      expect(h.engine.counters.announcesInvalidSignature).to.equal(0);
      expect(h.engine.view.sizes().paths).to.be.greaterThan(0);
    });

    it('a destination hash that does not match key and name is dropped before any signature check', async () => {
      const dest = new TestDestination();
      const raw = dest.announce();
      raw[10] ^= 0xff;
      h.receive(a, raw);
      await h.run(0);
      expect(h.engine.counters.announcesVerified + h.engine.view.sizes().verifying).to.equal(0);
      expect(h.engine.counters.announcesInvalidDestination).to.equal(1);
    });

    it('an announce whose key differs from the known one is rejected and counted', async () => {
      const dest = new TestDestination();
      h.known.remember(dest.hash, Identity.generate().publicKey, null, randomBytes(32));
      await announceFromA(dest);
      expect(h.engine.view.paths()).to.deep.equal([]);
      expect(h.engine.counters.announcesKeyChanged).to.equal(1);
    });

    it('a PLAIN announce is dropped by the filter', () => {
      const raw = new TestDestination().announce();
      raw[0] = (raw[0] & ~0x0c) | (2 << 2);
      h.receive(a, raw);
      expect(h.engine.counters.plainDropped).to.equal(1);
    });
  });

  describe('the path table update rule', () => {
    it('replaces a path with a newer announce of as many hops, not with an older or repeated one', async () => {
      const dest = new TestDestination();
      await announceFromA(dest, { emitted: 1000 });
      await announceFromA(dest, { emitted: 999 });
      expect(h.engine.view.paths()[0].interfaceId).to.equal(1);
      h.receive(b, dest.announce({ emitted: 1001 }));
      await h.run(0);
      expect(h.engine.view.paths()[0].interfaceId, 'newer wins').to.equal(2);
    });

    it('keeps a shorter path against a newer longer one until the path expires', async () => {
      const dest = new TestDestination();
      await announceFromA(dest, { emitted: 1000 });
      const relay = Identity.generate();
      h.receive(b, dest.announce({ emitted: 1000, hops: 3, transportId: relay.hash }));
      await h.run(0);
      expect(h.engine.view.paths()[0].hops).to.equal(1);
      h.receive(b, dest.announce({ emitted: 1001, hops: 3, transportId: relay.hash }));
      await h.run(0);
      expect(h.engine.view.paths()[0], 'a newer emission wins even with more hops').to.deep.include({
        hops: 4,
        interfaceId: 2,
      });
    });

    it('refuses a replayed announce (its random blob was seen) even after newer ones', async () => {
      const dest = new TestDestination();
      const old = dest.announce({ emitted: 1000 });
      h.receive(a, old);
      await h.run(0);
      await announceFromA(dest, { emitted: 2000 });
      h.take(b);
      h.receive(b, old);
      await h.run(10_000);
      expect(h.engine.view.paths()[0].interfaceId).to.equal(1);
    });
  });

  describe('per-destination announce rate limits', () => {
    beforeEach(() => {
      a.info = { ...a.info, announceRateTarget: 3600, announceRateGrace: 1, announceRatePenalty: 0 };
    });

    it('blocks the rebroadcast past the grace, but still updates the path table', async () => {
      const dest = new TestDestination();
      for (let i = 0; i < 3; i++) {
        await announceFromA(dest, { emitted: 1000 + i });
        await h.run(60_000);
      }
      expect(h.engine.counters.announcesRateBlocked).to.equal(1);
      expect(h.engine.counters.pathUpdates).to.equal(3);
      const rebroadcasts = h.take(b).filter((p) => p.packetType === PacketType.ANNOUNCE);
      expect(rebroadcasts, 'two announces, two sends each').to.have.length(4);
    });

    it('never rate-checks a path response', async () => {
      const dest = new TestDestination();
      for (let i = 0; i < 5; i++)
        await announceFromA(dest, { emitted: 1000 + i, context: PacketContext.PATH_RESPONSE });
      expect(h.engine.counters.announcesRateBlocked).to.equal(0);
      expect(h.engine.counters.pathUpdates).to.equal(5);
    });
  });

  describe('ingress control', () => {
    beforeEach(() => {
      a.info = { ...a.info, ingressControl: { ...a.info.ingressControl, enabled: true } };
    });

    it('holds announces of new destinations during a burst, then releases them one per interval', async () => {
      for (let i = 0; i < 10; i++) {
        h.receive(a, new TestDestination().announce());
        await h.run(10);
      }
      const held = h.engine.counters.announcesHeld;
      expect(held, 'a new interface bursts above 3/s').to.be.greaterThan(0);
      expect(h.engine.view.sizes().held).to.equal(held);
      await h.run(60_000);
      expect(h.engine.counters.announcesReleased).to.be.greaterThan(0);
      expect(h.engine.view.sizes().paths).to.be.greaterThan(10 - held);
    });

    it('takes changed ic_* values at its next decision (a live runtime-config change)', async () => {
      const live = (change: Partial<typeof a.info.ingressControl>) => {
        a.info = { ...a.info, ingressControl: { ...a.info.ingressControl, ...change } };
      };
      // As in Python, a burst sets the time of the first release when it begins.
      live({ burstPenalty: 3600 });
      for (let i = 0; i < 10; i++) {
        h.receive(a, new TestDestination().announce());
        await h.run(10);
      }
      const held = h.engine.counters.announcesHeld;
      expect(held).to.be.greaterThan(2);
      await h.run(60_000);
      expect(h.engine.counters.announcesReleased, 'an hour of penalty').to.equal(0);
      live({ heldReleaseInterval: 60 });
      await h.run(3600_000 - 60_000 + 40_000);
      expect(h.engine.counters.announcesReleased, 'then one a minute, not one per 5 s').to.equal(1);
      live({ heldReleaseInterval: 5 });
      await h.run(60_000 + held * 5_000);
      expect(h.engine.counters.announcesReleased).to.equal(held);
      expect(h.engine.view.sizes().held).to.equal(0);
    });

    it('never holds announces of destinations already in the path table', async () => {
      const known = new TestDestination();
      await announceFromA(known, { emitted: 1 });
      for (let i = 0; i < 10; i++) {
        h.receive(a, new TestDestination().announce());
        await h.run(10);
      }
      const before = h.engine.counters.announcesHeld;
      expect(before).to.be.greaterThan(0);
      await announceFromA(known, { emitted: 2 });
      expect(h.engine.counters.announcesHeld).to.equal(before);
      expect(h.engine.counters.pathUpdates).to.be.greaterThan(1);
    });
  });

  describe('interface modes and outgoing = no', () => {
    it('never rebroadcasts on an access point interface or one that is receive-only', async () => {
      const ap = h.iface(3, { mode: InterfaceMode.AccessPoint });
      const receiveOnly = h.iface(4, { outCapable: false });
      await announceFromA(new TestDestination());
      await h.run(10_000);
      expect(h.take(ap)).to.deep.equal([]);
      expect(h.take(receiveOnly)).to.deep.equal([]);
      expect(h.take(b)).to.have.length(2);
    });

    it('gives paths via access point and roaming interfaces their shorter lifetimes', async () => {
      const ap = h.iface(3, { mode: InterfaceMode.AccessPoint });
      h.receive(ap, new TestDestination().announce());
      await h.run(0);
      const [path] = h.engine.view.paths();
      expect(path.expires - path.timestamp).to.equal(24 * 3600 * 1000);
    });
  });

  describe('rebroadcast slices', () => {
    it("sends a check's due announces a slice per event-loop turn, all of them in the end", async () => {
      h.dispose();
      h = new Harness({ limits: { rebroadcastSlice: 4 } });
      const ifaces = [h.iface(1), h.iface(2), h.iface(3)];
      for (let i = 0; i < 5; i++) h.receive(ifaces[0], new TestDestination().announce());
      await h.run(0);
      h.clock.setSystemTime(Date.now() + 2000);
      h.engine.runJobs();
      // 3 interfaces per announce: the slice of 4 transmits ends after the second announce.
      expect(ifaces.map((i) => h.take(i).length)).to.deep.equal([2, 2, 2]);
      await h.run(10);
      expect(ifaces.map((i) => h.take(i).length)).to.deep.equal([3, 3, 3]);
    });
  });

  describe('the announce cap', () => {
    it('queues rebroadcasts beyond 2 % of a slow interface, and sends them later, fewest hops first', async () => {
      const slow = h.iface(3, { bitrate: 10_000 });
      const far = new TestDestination();
      const near = new TestDestination();
      const relay = Identity.generate();
      h.receive(a, new TestDestination().announce());
      h.receive(a, far.announce({ hops: 5, transportId: relay.hash }));
      h.receive(a, near.announce());
      await h.run(1000);
      expect(h.take(slow), 'the first goes at once').to.have.length(1);
      expect(h.engine.view.sizes().capped).to.equal(2);
      // 183 bytes at 10 kbit/s and 2 % take 7.3 s of budget each.
      await h.run(7_000);
      const [next] = h.take(slow);
      expect(Buffer.from(next.destinationHash)).to.deep.equal(near.hash);
      // A retry of an announce still queued adds nothing; the first's retry queues anew.
      await h.run(40_000);
      expect(h.engine.view.sizes().capped).to.equal(0);
      expect(h.take(slow).map((p) => p.hops)).to.deep.equal([1, 6]);
    });
  });
});
