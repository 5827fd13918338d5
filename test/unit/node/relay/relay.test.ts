import { expect } from 'chai';
import { InterfaceEntry } from '../../../../src/core/driver/interface-entry';
import { DEDUP_EXEMPT_CONTEXTS, Relay } from '../../../../src/node/relay';
import { PacketContext } from '../../../../src/protocol';
import { FakeRelayHost, ManualClock, makeEntry } from './fake-relay-host';

const DATA = 0x00;
const ANNOUNCE = 0x01;
const SINGLE = 0x00;
const PLAIN = 0x02;
const LINK = 0x03;

interface PacketSpec {
  header2?: boolean;
  packetType?: number;
  destinationType?: number;
  context?: number;
  hops?: number;
  transportByte?: number;
  destinationByte?: number;
  payload?: string;
}

/** A syntactically valid Reticulum packet with the given header fields. */
function makePacket(spec: PacketSpec = {}): Buffer {
  const header2 = spec.header2 ?? false;
  const flags =
    (header2 ? 0x40 | 0x10 : 0) | ((spec.destinationType ?? SINGLE) << 2) | (spec.packetType ?? DATA);
  const parts = [Buffer.from([flags, spec.hops ?? 0])];
  if (header2) parts.push(Buffer.alloc(16, spec.transportByte ?? 0xaa));
  parts.push(Buffer.alloc(16, spec.destinationByte ?? 0x22));
  parts.push(Buffer.from([spec.context ?? 0x00]));
  parts.push(Buffer.from(spec.payload ?? 'some payload bytes', 'latin1'));
  return Buffer.concat(parts);
}

type TestEntry = ReturnType<typeof makeEntry>;

function setup(count: number, options: { dedupTtlMs?: number; maxRepeatSightings?: number } = {}) {
  const clock = new ManualClock();
  const host = new FakeRelayHost();
  const entries: TestEntry[] = [];
  for (let i = 0; i < count; i++) {
    const entry = makeEntry(i + 1);
    entries.push(entry);
    host.entries.push(entry);
  }
  const relay = new Relay(host, { clock, ...options });
  return { clock, host, entries, relay };
}

function sentCounts(entries: TestEntry[]): number[] {
  return entries.map((e) => e.writer.sent.length);
}

describe('Relay', () => {
  it('forwards a frame to every other online interface, never back to the sender', () => {
    const { entries, relay } = setup(4);
    relay.handle(entries[1], makePacket());
    expect(sentCounts(entries)).to.deep.equal([1, 0, 1, 1]);
    expect(relay.counters).to.include({ received: 1, forwarded: 1, deliveries: 3, duplicatesDropped: 0 });
    expect(entries[0].stats.txPackets).to.equal(1);
  });

  it('hands on the very bytes it received, hops byte untouched', () => {
    const { entries, relay } = setup(3);
    const packet = makePacket({ hops: 5, header2: true });
    const copy = Buffer.from(packet);
    relay.handle(entries[0], packet);
    for (const entry of entries.slice(1)) {
      expect(entry.writer.sent[0]).to.equal(packet);
      expect(Buffer.from(entry.writer.sent[0]).equals(copy)).to.equal(true);
    }
    expect(packet.equals(copy)).to.equal(true);
  });

  it('relays frames up to the HW_MTU whole', () => {
    const { entries, relay } = setup(2);
    const big = Buffer.concat([makePacket({ destinationType: LINK }), Buffer.alloc(1_048_576 - 60, 0x33)]);
    relay.handle(entries[0], big);
    expect(entries[1].writer.sent[0]).to.equal(big);
  });

  it('relays the first copy and drops a duplicate, counting it on the source', () => {
    const { entries, relay } = setup(3);
    relay.handle(entries[0], makePacket());
    relay.handle(entries[2], makePacket());
    relay.handle(entries[0], makePacket());
    expect(sentCounts(entries)).to.deep.equal([0, 1, 1]);
    expect(relay.counters).to.include({ received: 3, forwarded: 1, duplicatesDropped: 2 });
    expect(entries[0].stats.rxDuplicates).to.equal(1);
    expect(entries[2].stats.rxDuplicates).to.equal(1);
  });

  it('treats copies differing only in hops or transport id as duplicates (packet hash)', () => {
    const { entries, relay } = setup(2);
    relay.handle(entries[0], makePacket({ hops: 0 }));
    relay.handle(entries[0], makePacket({ hops: 3 }));
    relay.handle(entries[0], makePacket({ hops: 1, header2: true, transportByte: 0x01 }));
    expect(entries[1].writer.sent.length).to.equal(1);
    expect(relay.counters.duplicatesDropped).to.equal(2);
  });

  it('relays packets that differ in payload or destination', () => {
    const { entries, relay } = setup(2);
    relay.handle(entries[0], makePacket({ payload: 'a' }));
    relay.handle(entries[0], makePacket({ payload: 'b' }));
    relay.handle(entries[0], makePacket({ payload: 'a', destinationByte: 0x23 }));
    expect(entries[1].writer.sent.length).to.equal(3);
  });

  for (const context of DEDUP_EXEMPT_CONTEXTS) {
    it(`always relays repeats of context 0x${context.toString(16)} (Python's packet_filter exemption)`, () => {
      const { entries, relay } = setup(2);
      for (let i = 0; i < 6; i++) relay.handle(entries[0], makePacket({ destinationType: LINK, context }));
      for (let i = 0; i < 6; i++) {
        relay.handle(entries[0], makePacket({ destinationType: LINK, context, header2: true, hops: 1 }));
      }
      expect(entries[1].writer.sent.length).to.equal(12);
      expect(relay.counters.duplicatesDropped).to.equal(0);
    });
  }

  it('deduplicates every other context (exactly the Python exemptions repeat)', () => {
    const { entries, relay } = setup(2);
    const exempt = new Set(DEDUP_EXEMPT_CONTEXTS);
    let expected = 0;
    for (let context = 0; context < 256; context++) {
      relay.handle(entries[0], makePacket({ destinationType: LINK, context }));
      relay.handle(entries[0], makePacket({ destinationType: LINK, context }));
      expected += exempt.has(context) ? 2 : 1;
    }
    expect(entries[1].writer.sent.length).to.equal(expected);
    expect(relay.counters.duplicatesDropped).to.equal(256 - exempt.size);
    expect([...exempt].sort((a, b) => a - b)).to.deep.equal([0x01, 0x03, 0x05, 0x08, 0x0e, 0xfa]);
  });

  it('keeps relaying an idle link keepalive over a long time', () => {
    const { clock, entries, relay } = setup(2);
    const keepalive = makePacket({
      destinationType: LINK,
      context: PacketContext.KEEPALIVE,
      payload: '\xff',
    });
    // Python's shortest keepalive interval is 5 s; a day of them.
    for (let i = 0; i < 17_280; i++) {
      relay.handle(entries[0], keepalive);
      clock.time += 5_000;
    }
    expect(entries[1].writer.sent.length).to.equal(17_280);
  });

  it('stops bit-identical exempt copies beyond the loop-guard limit within the dedup lifetime', () => {
    const { clock, entries, relay } = setup(2, { maxRepeatSightings: 4, dedupTtlMs: 1000 });
    const part = makePacket({ destinationType: LINK, context: PacketContext.RESOURCE });
    for (let i = 0; i < 10; i++) relay.handle(entries[0], part);
    expect(entries[1].writer.sent.length).to.equal(4);
    expect(relay.counters).to.include({ duplicatesDropped: 6, loopGuardDropped: 6 });
    clock.time += 1000;
    relay.handle(entries[0], part);
    expect(entries[1].writer.sent.length).to.equal(5);
  });

  it('drops an announce only when it is bit-identical; relays a rebroadcast with other hops or transport id', () => {
    const { entries, relay } = setup(2);
    relay.handle(entries[0], makePacket({ packetType: ANNOUNCE }));
    relay.handle(entries[0], makePacket({ packetType: ANNOUNCE }));
    relay.handle(entries[0], makePacket({ packetType: ANNOUNCE, hops: 1, header2: true }));
    relay.handle(entries[0], makePacket({ packetType: ANNOUNCE, hops: 1, header2: true }));
    relay.handle(entries[0], makePacket({ packetType: ANNOUNCE, hops: 2, header2: true }));
    expect(entries[1].writer.sent.length).to.equal(3);
    expect(relay.counters.duplicatesDropped).to.equal(2);
  });

  it('deduplicates PLAIN packets too (a relay loop would otherwise carry them forever)', () => {
    const { entries, relay } = setup(2);
    relay.handle(entries[0], makePacket({ destinationType: PLAIN }));
    relay.handle(entries[0], makePacket({ destinationType: PLAIN }));
    expect(entries[1].writer.sent.length).to.equal(1);
  });

  it('drops frames too short to hold their context byte', () => {
    const { entries, relay } = setup(2);
    relay.handle(entries[0], Buffer.alloc(18));
    const shortHeader2 = Buffer.alloc(34);
    shortHeader2[0] = 0x40;
    relay.handle(entries[0], shortHeader2);
    const minimal = Buffer.alloc(19);
    relay.handle(entries[0], minimal);
    expect(entries[1].writer.sent).to.deep.equal([minimal]);
    expect(relay.counters).to.include({ malformed: 2, received: 3, forwarded: 1 });
  });

  it('counts refusals per reason and still delivers to the others', () => {
    const { entries, relay } = setup(4);
    entries[1].writer.outcome = 'buffer_full';
    entries[2].writer.outcome = 'offline';
    relay.handle(entries[0], makePacket());
    expect(sentCounts(entries)).to.deep.equal([0, 0, 0, 1]);
    expect(relay.counters).to.include({ refusedFull: 1, refusedOffline: 1, deliveries: 1, forwarded: 1 });
    expect(entries[1].stats.txRefusedFull).to.equal(1);
    expect(entries[2].stats.txRefusedOffline).to.equal(1);
  });

  it('counts a frame nobody accepted as undelivered', () => {
    const { entries, relay } = setup(1);
    relay.handle(entries[0], makePacket());
    expect(relay.counters).to.include({ forwarded: 0, undelivered: 1, deliveries: 0 });
  });

  it('relays a packet again once its key has expired', () => {
    const { clock, entries, relay } = setup(2, { dedupTtlMs: 10_000 });
    relay.handle(entries[0], makePacket());
    clock.time += 4_999;
    relay.handle(entries[0], makePacket());
    expect(entries[1].writer.sent.length).to.equal(1);
    clock.time += 5_001;
    relay.handle(entries[0], makePacket());
    expect(entries[1].writer.sent.length).to.equal(2);
  });

  it('follows the host array as interfaces come and go', () => {
    const { host, entries, relay } = setup(3);
    host.entries.splice(2, 1);
    relay.handle(entries[0], makePacket({ payload: 'x' }));
    expect(sentCounts(entries)).to.deep.equal([0, 1, 0]);
  });
});

/**
 * Relays wired to each other in memory. A link is a pair of entries (one on each relay); what a
 * relay sends into its end is queued as input of the other relay on the other end. A queue
 * rather than direct calls models the asynchronous sockets and keeps the stack flat.
 */
class RelayNetwork {
  readonly clock = new ManualClock();
  readonly relays: Relay[] = [];
  readonly hosts: FakeRelayHost[] = [];
  private readonly queue: Array<{ relay: Relay; entry: InterfaceEntry; packet: Uint8Array }> = [];
  private nextId = 1;

  constructor(count: number, options: { maxRepeatSightings?: number } = {}) {
    for (let i = 0; i < count; i++) {
      const host = new FakeRelayHost();
      this.hosts.push(host);
      this.relays.push(new Relay(host, { clock: this.clock, ...options }));
    }
  }

  /** Adds a peer (a leaf, not a relay) on relay `index`; returns its entry there. */
  addPeer(index: number): TestEntry {
    const entry = makeEntry(this.nextId++);
    this.hosts[index].entries.push(entry);
    return entry;
  }

  /** Connects relay a and relay b with one more link. */
  link(a: number, b: number): void {
    const endA = this.addPeer(a);
    const endB = this.addPeer(b);
    endA.writer.onSend = (packet) => this.queue.push({ relay: this.relays[b], entry: endB, packet });
    endB.writer.onSend = (packet) => this.queue.push({ relay: this.relays[a], entry: endA, packet });
  }

  /** Injects a packet from `peer` on relay `index` and runs until the network is quiet. */
  inject(index: number, peer: InterfaceEntry, packet: Uint8Array, maxSteps = 100_000): number {
    this.relays[index].handle(peer, packet);
    let steps = 0;
    while (this.queue.length > 0) {
      if (++steps > maxSteps) throw new Error('relay network did not settle: storm');
      const next = this.queue.shift()!;
      next.relay.handle(next.entry, next.packet);
    }
    return steps;
  }
}

describe('Relay loops', () => {
  it('two relays on one link: each peer gets the packet exactly once', () => {
    const net = new RelayNetwork(2);
    net.link(0, 1);
    const a = net.addPeer(0);
    const b1 = net.addPeer(1);
    const b2 = net.addPeer(1);
    net.inject(0, a, makePacket());
    expect([a, b1, b2].map((p) => p.writer.sent.length)).to.deep.equal([0, 1, 1]);
  });

  it('two relays on two parallel links (a loop): the loop stops and delivery is bounded', () => {
    const net = new RelayNetwork(2);
    net.link(0, 1);
    net.link(0, 1);
    const a = net.addPeer(0);
    const b = net.addPeer(1);
    const steps = net.inject(0, a, makePacket());
    expect(steps).to.be.at.most(4);
    expect(b.writer.sent.length).to.be.at.least(1).and.at.most(2);
    expect(a.writer.sent.length).to.equal(0);
    const drops = net.relays.reduce((sum, r) => sum + r.counters.duplicatesDropped, 0);
    expect(drops).to.be.greaterThan(0);
  });

  it('a ring of three relays: deduplicated packets reach each peer exactly once', () => {
    const packets = [
      makePacket(),
      makePacket({ packetType: ANNOUNCE }),
      makePacket({ packetType: ANNOUNCE, header2: true, hops: 2 }),
      makePacket({ destinationType: PLAIN, payload: 'path request' }),
      makePacket({ destinationType: LINK, context: 0xfe, payload: 'rtt' }),
    ];
    for (const packet of packets) {
      const net = new RelayNetwork(3);
      net.link(0, 1);
      net.link(1, 2);
      net.link(2, 0);
      const peers = [net.addPeer(0), net.addPeer(1), net.addPeer(2)];
      net.inject(0, peers[0], packet);
      expect(
        peers.map((p) => p.writer.sent.length),
        `flags 0x${packet[0].toString(16)}`,
      ).to.deep.equal([0, 1, 1]);
    }
  });

  it('a ring of three relays: exempt contexts stop at the loop-guard limit', () => {
    const packets = [
      makePacket({ destinationType: LINK, context: PacketContext.KEEPALIVE }),
      makePacket({ destinationType: LINK, context: PacketContext.RESOURCE }),
    ];
    for (const limit of [4, 32]) {
      for (const packet of packets) {
        const net = new RelayNetwork(3, { maxRepeatSightings: limit });
        net.link(0, 1);
        net.link(1, 2);
        net.link(2, 0);
        const peers = [net.addPeer(0), net.addPeer(1), net.addPeer(2)];
        // Without the guard these circulate forever and inject() throws.
        net.inject(0, peers[0], packet);
        for (const peer of peers)
          expect(peer.writer.sent.length)
            .to.be.at.least(limit - 1)
            .and.at.most(limit);
      }
    }
  });
});
