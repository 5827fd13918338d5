import { expect } from 'chai';
import * as fc from 'fast-check';
import { randomBytes } from 'node:crypto';
import { systemClock } from '../../../src/core/clock';
import { InterfaceMode } from '../../../src/core/interface-mode';
import { Identity } from '../../../src/protocol/identity';
import { TransportLimits } from '../../../src/transport';
import { hex, VECTORS } from '../../vectors/fixture';
import { TestDestination, linkRequest, pathRequest, transportData, tunnelSynthesis } from './support/packets';
import { Harness, TestInterface } from './support/transport-harness';

const SMALL: Partial<TransportLimits> = {
  pathEntries: 64,
  linkEntries: 32,
  pendingLinksPerInterface: 8,
  reverseEntries: 64,
  announceTableEntries: 32,
  rateEntries: 64,
  heldAnnounces: 16,
  queuedAnnounces: 16,
  verifyQueueEntries: 32,
  verifyQueuePerInterface: 8,
  verifiedCacheEntries: 64,
  discoveryRequests: 8,
  pathRequestTimes: 16,
  tunnels: 4,
  pathsPerTunnel: 8,
};

function expectWithinLimits(h: Harness): void {
  const sizes = h.engine.view.sizes();
  expect(sizes.paths).to.be.at.most(64);
  expect(sizes.links).to.be.at.most(32);
  expect(sizes.reverse).to.be.at.most(64);
  expect(sizes.announces).to.be.at.most(2 * 32);
  expect(sizes.held).to.be.at.most(16);
  expect(sizes.capped).to.be.at.most(16);
  expect(sizes.verifying).to.be.at.most(32);
  expect(sizes.rates).to.be.at.most(64);
  expect(sizes.discovery).to.be.at.most(8);
  expect(sizes.tunnels).to.be.at.most(4);
}

describe('transport engine: hostile input', () => {
  let h: Harness;
  let a: TestInterface;
  let b: TestInterface;

  beforeEach(() => {
    h = new Harness({ limits: SMALL });
    a = h.iface(1, { mode: InterfaceMode.Gateway });
    b = h.iface(2);
  });

  afterEach(() => h.dispose());

  it('random bytes never throw and never grow a table past its bound (property)', () => {
    fc.assert(
      fc.property(fc.array(fc.uint8Array({ minLength: 0, maxLength: 600 }), { maxLength: 50 }), (frames) => {
        for (const frame of frames) h.receive(a, frame);
        expectWithinLimits(h);
      }),
      { numRuns: 200 },
    );
  });

  it('mutations of real Python packets never throw (property)', async () => {
    const seeds = [
      ...VECTORS.packets,
      ...VECTORS.announces,
      ...VECTORS.link_requests,
      ...VECTORS.link_proofs,
    ].map((v) => hex(v.raw));
    fc.assert(
      fc.property(
        fc.constantFrom(...seeds),
        fc.array(fc.record({ at: fc.nat(), value: fc.integer({ min: 0, max: 255 }) }), { maxLength: 8 }),
        fc.nat(40),
        (seed, flips, cut) => {
          const frame = Buffer.from(seed.subarray(0, Math.max(0, seed.length - cut)));
          for (const { at, value } of flips) if (frame.length > 0) frame[at % frame.length] = value;
          h.receive(b, frame);
        },
      ),
      { numRuns: 500 },
    );
    await h.run(10_000);
    expectWithinLimits(h);
  });

  it('a flood of valid announces from throwaway identities stays within the path table bound', async () => {
    for (let batch = 0; batch < 20; batch++) {
      for (let i = 0; i < 10; i++) h.receive(a, new TestDestination().announce());
      await h.run(10);
    }
    expectWithinLimits(h);
    const c = h.engine.counters;
    expect(c.announcesVerifyDropped, 'the verification queue sheds the excess').to.be.greaterThan(0);
    expect(c.pathUpdates, 'more paths learnt than the table holds').to.be.greaterThan(64);
    expect(h.engine.view.sizes().paths).to.equal(64);
  });

  it('a flood from one peer does not starve another peer in the verification queue', async () => {
    for (let i = 0; i < 100; i++) h.receive(a, new TestDestination().announce());
    const quiet = new TestDestination();
    h.receive(b, quiet.announce());
    await h.run(0);
    expect(h.engine.view.paths({ destination: quiet.hash.toString('hex') })).to.have.length(1);
  });

  it('a burst of announces is checked a slice per event-loop turn, bounded in count', async () => {
    h.dispose();
    h = new Harness({ limits: { verifySlice: 4 } });
    const from = h.iface(1);
    h.iface(2);
    for (let i = 0; i < 10; i++) h.receive(from, new TestDestination().announce());
    expect(h.engine.view.sizes().verifying, 'nothing is checked on arrival').to.equal(10);
    const left: number[] = [];
    for (let turn = 0; turn < 3; turn++) {
      await h.clock.nextAsync();
      left.push(h.engine.view.sizes().verifying);
    }
    expect(left).to.deep.equal([6, 2, 0]);
    expect(h.engine.counters.announcesVerified).to.equal(10);
  });

  it('a slice of announce checks ends once its time is spent, however many wait', async () => {
    // A clock 2 ms further on at each read: a 5 ms slice ends after a few checks.
    let reads = 0;
    const slow = { ...systemClock, now: () => Date.now() + 2 * reads++ };
    h.dispose();
    h = new Harness({ clock: slow, limits: { verifySlice: 1000, verifySliceMs: 5 } });
    const from = h.iface(1);
    h.iface(2);
    for (let i = 0; i < 20; i++) h.receive(from, new TestDestination().announce());
    await h.clock.nextAsync();
    const taken = 20 - h.engine.view.sizes().verifying;
    expect(taken).to.be.within(1, 4);
    // Slices started from a fake timer's callback are 1 ms apart.
    await h.run(50);
    expect(h.engine.counters.announcesVerified).to.equal(20);
  });

  it('a link request flood fills only its own quota of the link table', async () => {
    const dest = new TestDestination();
    h.receive(b, dest.announce());
    await h.run(0);
    for (let i = 0; i < 100; i++) h.receive(a, linkRequest(dest.hash, h.identity.hash).raw);
    expect(h.engine.view.sizes().links).to.equal(8);
    expect(h.engine.counters.linkTableFull).to.equal(92);
    const c = h.iface(3);
    h.receive(c, linkRequest(dest.hash, h.identity.hash).raw);
    expect(h.engine.view.sizes().links, 'another peer still gets a link through').to.equal(9);
  });

  it('a path request flood (unique tags, unknown destinations) keeps discovery bounded', () => {
    for (let i = 0; i < 500; i++) h.receive(a, pathRequest(randomBytes(16)));
    expectWithinLimits(h);
  });

  it('packets in transport for random destinations are dropped and counted', () => {
    for (let i = 0; i < 100; i++) h.receive(a, transportData(randomBytes(16), h.identity.hash));
    expect(h.engine.counters.noPath).to.equal(100);
    expect(b.sent).to.deep.equal([]);
  });

  it('a replayed announce is verified once, rebroadcast once, and each copy counted', async () => {
    const dest = new TestDestination();
    const announce = dest.announce();
    for (let i = 0; i < 1000; i++) h.receive(a, announce);
    await h.run(10_000);
    const c = h.engine.counters;
    expect(c.announcesReceived).to.equal(1000);
    expect(c.announcesVerified, 'one signature check for all the copies').to.equal(1);
    expect(c.announcesRedundant + c.duplicates, 'every copy counted').to.equal(999);
    expect(c.pathUpdates).to.equal(1);
    const rebroadcasts = h.take(b).filter((p) => Buffer.from(p.destinationHash).equals(dest.hash));
    expect(rebroadcasts, 'the first rebroadcast and its one retry, no more').to.have.length.at.most(2);
    expectWithinLimits(h);
  });

  it('a replayed packet in transport is forwarded once, the copies counted as duplicates', async () => {
    const dest = new TestDestination();
    h.receive(b, dest.announce());
    await h.run(10_000);
    h.take(b);
    const packet = transportData(dest.hash, h.identity.hash);
    for (let i = 0; i < 500; i++) h.receive(a, packet);
    expect(h.engine.counters.forwardedTransport).to.equal(1);
    expect(h.engine.counters.duplicates).to.equal(499);
    expect(h.take(b)).to.have.length(1);
    expectWithinLimits(h);
  });

  it('announces for a known destination under another key are rejected before any signature check, each counted', async () => {
    const dest = new TestDestination();
    h.receive(b, dest.announce());
    await h.run(0);
    const verified = h.engine.counters.announcesVerified;
    for (let i = 0; i < 300; i++) {
      // The destination's hash, announced with a throwaway key (signed by it).
      const forged = new TestDestination().announce();
      dest.hash.copy(forged, 2);
      h.receive(a, forged);
    }
    await h.run(1000);
    const c = h.engine.counters;
    expect(c.announcesKeyChanged).to.equal(300);
    expect(c.announcesVerified).to.equal(verified);
    const path = h.engine.view.paths({ destination: dest.hash.toString('hex') });
    expect(
      path.map((p) => p.interfaceId),
      'the path stays where the real key announced it',
    ).to.deep.equal([b.id]);
  });

  it('a path request flood is counted and bounded: unique tags for a known destination, one tag replayed, unknown destinations', async () => {
    const dest = new TestDestination();
    h.receive(b, dest.announce());
    await h.run(10_000);
    h.take(a);
    for (let i = 0; i < 300; i++) h.receive(a, pathRequest(dest.hash));
    const tag = randomBytes(16);
    for (let i = 0; i < 300; i++) h.receive(a, pathRequest(dest.hash, { tag }));
    for (let i = 0; i < 300; i++) h.receive(a, pathRequest(randomBytes(16)));
    expectWithinLimits(h);
    await h.run(10_000);
    const c = h.engine.counters;
    expect(c.pathRequests).to.equal(900);
    expect(c.pathRequestsDuplicate, 'the replayed tag').to.be.at.least(299);
    expect(
      c.pathRequestsAnswered + c.pathRequestsDiscovered + c.pathRequestsIgnored + c.pathRequestsDuplicate,
    ).to.equal(900);
    // A response is an announce: one destination's responses do not multiply with the requests.
    const responses = h.take(a).filter((p) => Buffer.from(p.destinationHash).equals(dest.hash));
    expect(responses.length).to.be.at.least(1);
    expect(responses.length).to.be.below(c.pathRequestsAnswered);
    expectWithinLimits(h);
  });

  it('a flood of tunnel syntheses from throwaway identities keeps the tunnel table within its bound', () => {
    for (let i = 0; i < 50; i++) h.receive(a, tunnelSynthesis(Identity.generate(), `peer-${i}`));
    for (let i = 0; i < 50; i++) h.receive(a, tunnelSynthesis(Identity.generate(), `forged-${i}`, true));
    expect(h.engine.counters.tunnelsRejected).to.equal(50);
    expect(h.engine.counters.tunnelsSynthesized).to.be.at.least(4);
    expectWithinLimits(h);
  });
});
