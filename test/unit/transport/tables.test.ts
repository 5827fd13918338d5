import { expect } from 'chai';
import * as fc from 'fast-check';
import { InterfaceEntry } from '../../../src/core/driver/interface-entry';
import { OPEN_INTERFACE } from '../../../src/core/frame-authenticator';
import { emptyInterfaceStats } from '../../../src/core/driver/interface-stats';
import { DEFAULT_INGRESS_CONTROL } from '../../../src/core/ingress-control';
import { makeInterfaceInfo } from '../../../src/core/interface-info';
import { InterfaceMode } from '../../../src/core/interface-mode';
import { announcePolicy } from '../../../src/transport';
import { AnnounceCapQueue } from '../../../src/transport/announce-cap';
import { AnnounceRateTable } from '../../../src/transport/announce-rate';
import { FrequencySampler } from '../../../src/transport/frequency-sampler';
import { IngressState } from '../../../src/transport/ingress-control';
import { LinkEntry, LinkTable } from '../../../src/transport/link-table';
import { PathEntry, PathState, PathTable, shouldUpdatePath } from '../../../src/transport/path-table';
import {
  addBlob,
  blobCount,
  blobOf,
  blobsFromArray,
  blobsTimebase,
  hasBlob,
  NO_BLOBS,
} from '../../../src/transport/random-blobs';
import { ReverseTable } from '../../../src/transport/reverse-table';

function iface(id: number, mode: number = InterfaceMode.Full): InterfaceEntry {
  return {
    id,
    info: makeInterfaceInfo({
      id,
      name: `If${id}`,
      mode: mode as InterfaceMode,
      ingressControl: DEFAULT_INGRESS_CONTROL,
    }),
    typeName: 'T',
    online: true,
    dynamic: true,
    parentId: null,
    writer: null,
    stats: emptyInterfaceStats(),
    authenticator: OPEN_INTERFACE,
  };
}

function blob(emitted: number, salt = 0): string {
  const out = Buffer.alloc(10);
  out.writeUInt32BE(salt, 0);
  out.writeUIntBE(emitted, 5, 5);
  return blobOf(out);
}

function path(destination: string, via: InterfaceEntry, extra: Partial<PathEntry> = {}): PathEntry {
  return {
    destination,
    timestamp: 0,
    hops: 1,
    expires: 1_000_000,
    blobs: addBlob(NO_BLOBS, blob(100)),
    iface: via,
    announce: '\0'.repeat(180),
    state: PathState.Unknown,
    used: false,
    ...extra,
  };
}

describe('transport tables', () => {
  describe('shouldUpdatePath (Transport.py ~1830-1892)', () => {
    const existing = path('d', iface(1), { hops: 3, expires: 5000 });
    const announce = (hops: number, emitted: number, salt = 1) => ({
      hops,
      emitted,
      blob: blob(emitted, salt),
      blobOffset: 0,
    });

    it('adds an unknown destination', () => {
      expect(shouldUpdatePath(undefined, announce(9, 1), 0)).to.equal(true);
    });
    it('as many hops or fewer: only a newer emission with an unseen blob', () => {
      expect(shouldUpdatePath(existing, announce(3, 101), 0)).to.equal(true);
      expect(shouldUpdatePath(existing, announce(2, 100), 0), 'equal emission').to.equal(false);
      expect(shouldUpdatePath(existing, { hops: 2, emitted: 100, blob: blob(100, 0) }, 0)).to.equal(false);
    });
    it('more hops: when the path expired (unseen blob), or a newer emission, or the same emission on an unresponsive path', () => {
      expect(shouldUpdatePath(existing, announce(5, 50), 6000), 'expired').to.equal(true);
      expect(shouldUpdatePath(existing, { hops: 5, emitted: 100, blob: blob(100, 0) }, 6000)).to.equal(false);
      expect(shouldUpdatePath(existing, announce(5, 101), 0), 'newer').to.equal(true);
      expect(shouldUpdatePath(existing, announce(5, 100), 0), 'same, responsive').to.equal(false);
      const unresponsive = { ...existing, state: PathState.Unresponsive as PathState };
      expect(shouldUpdatePath(unresponsive, announce(5, 100), 0)).to.equal(true);
    });
  });

  describe('random blobs', () => {
    it('keeps the last 64, oldest dropped, and knows the newest emission', () => {
      let blobs = NO_BLOBS;
      for (let i = 0; i < 70; i++) blobs = addBlob(blobs, blob(1000 + i, i));
      expect(blobCount(blobs)).to.equal(64);
      expect(hasBlob(blobs, blob(1000, 0))).to.equal(false);
      expect(hasBlob(blobs, blob(1069, 69))).to.equal(true);
      expect(blobsTimebase(blobs)).to.equal(1069);
      expect(addBlob(blobs, blob(1069, 69)), 'a held blob is not added twice').to.equal(blobs);
    });

    it('round-trips through byte arrays for persistence (property)', () => {
      fc.assert(
        fc.property(
          fc.array(fc.uint8Array({ minLength: 10, maxLength: 10 }), { maxLength: 80 }),
          (arrays) => {
            const blobs = blobsFromArray(arrays);
            expect(blobCount(blobs)).to.be.at.most(64);
            for (const bytes of arrays.slice(-64)) expect(hasBlob(blobs, blobOf(bytes))).to.equal(true);
          },
        ),
      );
    });
  });

  describe('PathTable bounds', () => {
    it('evicts from the interface holding the most paths, never a pinned one, unused before used', () => {
      const table = new PathTable(4, 1);
      const big = iface(1);
      const small = iface(2);
      table.set(path('a', big, { used: true }));
      table.set(path('b', big));
      table.set(path('c', big));
      table.set(path('x', small));
      table.pin('b');
      expect(table.set(path('y', small))).to.equal('added');
      expect(table.has('c'), 'the unpinned unused one of the largest holder').to.equal(false);
      expect(table.has('b') && table.has('a') && table.has('x')).to.equal(true);
    });

    it('makes an interface over its share evict its own paths', () => {
      const table = new PathTable(4, 0.5);
      const flooder = iface(1);
      const other = iface(2);
      table.set(path('o1', other));
      table.set(path('o2', other));
      table.set(path('f1', flooder));
      table.set(path('f2', flooder));
      for (let i = 0; i < 10; i++) table.set(path(`g${i}`, flooder));
      expect(table.has('o1') && table.has('o2')).to.equal(true);
      expect(table.countFor(flooder.id)).to.equal(2);
    });

    it('never exceeds its capacity, whatever is added, pinned and deleted (property)', () => {
      fc.assert(
        fc.property(
          fc.array(
            fc.record({
              op: fc.constantFrom('set', 'pin', 'unpin', 'delete'),
              key: fc.integer({ min: 0, max: 40 }),
              via: fc.integer({ min: 1, max: 4 }),
            }),
            {
              maxLength: 300,
            },
          ),
          (ops) => {
            const table = new PathTable(16, 0.5);
            const faces = [1, 2, 3, 4].map((id) => iface(id));
            for (const { op, key, via } of ops) {
              const k = `k${key}`;
              if (op === 'set') table.set(path(k, faces[via - 1]));
              else if (op === 'pin' && table.has(k)) table.pin(k);
              else if (op === 'unpin') table.unpin(k);
              else table.delete(k);
              expect(table.size).to.be.at.most(16);
            }
          },
        ),
      );
    });
  });

  describe('AnnounceRateTable', () => {
    const settings = { announceRateTarget: 60, announceRateGrace: 1, announceRatePenalty: 30 };

    it('blocks after more violations than the grace, until last + target + penalty', () => {
      const rates = new AnnounceRateTable(10);
      expect(rates.check('d', settings, 0)).to.equal(false);
      expect(rates.check('d', settings, 10_000), 'violation 1').to.equal(false);
      expect(rates.check('d', settings, 20_000), 'violation 2 > grace').to.equal(true);
      expect(rates.get('d')?.blockedUntil).to.equal(10_000 + 90_000);
      expect(rates.check('d', settings, 99_000)).to.equal(true);
      expect(rates.check('d', settings, 200_000)).to.equal(false);
    });

    it('has no limit without a target, and stays within its capacity', () => {
      const rates = new AnnounceRateTable(3);
      expect(rates.check('d', { ...settings, announceRateTarget: null }, 0)).to.equal(false);
      for (let i = 0; i < 10; i++) rates.check(`d${i}`, settings, i);
      expect(rates.size).to.equal(3);
    });
  });

  describe('ingress control state (Interface.py)', () => {
    const config = {
      ...DEFAULT_INGRESS_CONTROL,
      burstFreqNew: 3,
      burstHold: 15,
      burstPenalty: 15,
      heldReleaseInterval: 5,
    };

    it('estimates frequency as Python does: count over the span since the oldest, 0 under 3 samples', () => {
      const f = new FrequencySampler(2);
      f.record(0);
      f.record(100);
      expect(f.frequency(200)).to.equal(0);
      f.record(200);
      expect(f.frequency(1000)).to.equal(3);
    });

    it('bursts above the threshold, holds, and releases lowest hops first after the penalty', () => {
      const state = new IngressState(0);
      for (let t = 0; t < 500; t += 100) state.announcesIn.record(t);
      expect(state.shouldLimitAnnounces(500, config)).to.equal(true);
      expect(state.hold('far', { raw: new Uint8Array(1), hops: 5 }, config, true)).to.equal(true);
      expect(state.hold('near', { raw: new Uint8Array(2), hops: 2 }, config, true)).to.equal(true);
      expect(state.release(10_000, config), 'not before the penalty').to.equal(undefined);
      expect(state.release(40_000, config)?.hops).to.equal(2);
      expect(state.release(41_000, config), 'one per interval').to.equal(undefined);
      expect(state.release(46_000, config)?.hops).to.equal(5);
    });

    it('holds at most ic_max_held_announces, and nothing without node-wide room', () => {
      const state = new IngressState(0);
      const small = { ...config, maxHeldAnnounces: 2 };
      expect(state.hold('a', { raw: new Uint8Array(1), hops: 1 }, small, true)).to.equal(true);
      expect(state.hold('b', { raw: new Uint8Array(1), hops: 1 }, small, false)).to.equal(false);
      expect(state.hold('b', { raw: new Uint8Array(1), hops: 1 }, small, true)).to.equal(true);
      expect(state.hold('c', { raw: new Uint8Array(1), hops: 1 }, small, true)).to.equal(false);
      expect(
        state.hold('a', { raw: new Uint8Array(3), hops: 1 }, small, false),
        'a newer copy replaces',
      ).to.equal(true);
    });
  });

  describe('AnnounceCapQueue', () => {
    it('sends while the budget allows, then queues one per destination, newest emission kept', () => {
      const queue = new AnnounceCapQueue();
      const raw = new Uint8Array(125);
      expect(queue.offer(0, { destination: 'a', hops: 1, emitted: 1, raw }, 10_000, 0.02, true)).to.equal(
        'send',
      );
      expect(queue.offer(1, { destination: 'b', hops: 1, emitted: 1, raw }, 10_000, 0.02, true)).to.equal(
        'queued',
      );
      expect(queue.offer(2, { destination: 'b', hops: 1, emitted: 2, raw }, 10_000, 0.02, true)).to.equal(
        'queued',
      );
      expect(queue.size).to.equal(1);
      expect(queue.due(4000, 10_000, 0.02)).to.have.length(0);
      expect(queue.due(5001, 10_000, 0.02)).to.have.length(1);
      expect(
        queue.offer(6000, { destination: 'c', hops: 1, emitted: 1, raw }, null, 0.02, true),
        'no bitrate, no cap',
      ).to.equal('send');
    });
  });

  describe('AnnounceCapQueue budget', () => {
    it("sends a check interval's worth of the cap at once and queues only the excess", () => {
      const queue = new AnnounceCapQueue();
      // 125 bytes at 8 Mbit/s and a cap of 50 % take 0.25 ms of budget: 4,000 fit in one second.
      const raw = new Uint8Array(125);
      const verdicts = Array.from({ length: 4100 }, (_, i) =>
        queue.offer(0, { destination: `d${i}`, hops: 1, emitted: 1, raw }, 8_000_000, 0.5, true),
      );
      expect(verdicts.filter((v) => v === 'send')).to.have.length(4000);
      expect(verdicts.slice(4000).every((v) => v === 'queued')).to.equal(true);
      expect(queue.due(999.9, 8_000_000, 0.5), 'the budget has not come yet').to.have.length(0);
      expect(queue.due(1024.9, 8_000_000, 0.5), 'then one per 0.25 ms').to.have.length(100);
    });
  });

  describe('LinkTable bounds', () => {
    const link = (id: string, from: InterfaceEntry, to: InterfaceEntry): LinkEntry => ({
      linkId: id,
      timestamp: 0,
      outbound: to,
      remainingHops: 1,
      inbound: from,
      takenHops: 1,
      destination: 'd',
      validated: false,
      proofTimeout: 6000,
    });

    it('limits pending links per requesting interface and its share, evicting old pending ones when full', () => {
      const a = iface(1);
      const b = iface(2);
      const table = new LinkTable(4, 0.5, 1);
      expect(table.add(link('1', a, b))).to.equal('added');
      expect(table.add(link('2', a, b))).to.equal('pending-quota');
      table.validate(table.get('1') as LinkEntry);
      expect(table.add(link('2', a, b))).to.equal('added');
      table.validate(table.get('2') as LinkEntry);
      expect(table.add(link('3', a, b))).to.equal('interface-share');
      const c = iface(3);
      expect(table.add(link('4', c, b))).to.equal('added');
      expect(table.add(link('5', b, c))).to.equal('added');
      const d = iface(4);
      expect(table.add(link('6', d, b)), 'the oldest pending goes').to.equal('added');
      expect(table.has('4')).to.equal(false);
      expect(table.size).to.equal(4);
    });

    it("routes by Python's hop checks", () => {
      const a = iface(1);
      const b = iface(2);
      const table = new LinkTable(10, 1, 10);
      const entry = { ...link('1', a, b), remainingHops: 2, takenHops: 3 };
      table.add(entry);
      expect(table.route(entry, a, 3)).to.equal(b);
      expect(table.route(entry, b, 2)).to.equal(a);
      expect(table.route(entry, a, 2)).to.equal(null);
      expect(table.route(entry, iface(9), 3)).to.equal(null);
    });
  });

  describe('ReverseTable bounds', () => {
    it('refuses past an interface share, drops the oldest when full, expires after 8 minutes', () => {
      const a = iface(1);
      const b = iface(2);
      const table = new ReverseTable(4, 0.75);
      for (let i = 0; i < 3; i++)
        expect(table.add(`a${i}`, { inbound: a, outbound: b, timestamp: i })).to.equal(true);
      expect(table.add('a3', { inbound: a, outbound: b, timestamp: 3 }), 'over the share').to.equal(false);
      expect(table.add('b0', { inbound: b, outbound: a, timestamp: 10 })).to.equal(true);
      expect(table.add('b1', { inbound: b, outbound: a, timestamp: 11 })).to.equal(true);
      expect(table.size).to.equal(4);
      expect(table.has('a0'), 'the oldest made room').to.equal(false);
      expect(table.cull(8 * 60_000 + 2)).to.equal(1);
      expect(table.take('a2')?.timestamp).to.equal(2);
      expect(table.has('a2'), 'taken by its proof').to.equal(false);
    });
  });

  describe('announcePolicy (Transport.outbound)', () => {
    const info = (mode: number, extra = {}) =>
      makeInterfaceInfo({
        id: 1,
        name: 'x',
        mode: mode as InterfaceMode,
        ingressControl: DEFAULT_INGRESS_CONTROL,
        ...extra,
      });
    const M = InterfaceMode;
    const cases: Array<[number, number, string, object?]> = [
      [M.Full, M.Full, 'capped'],
      [M.Gateway, M.Roaming, 'capped'],
      [M.PointToPoint, M.Boundary, 'capped'],
      [M.AccessPoint, M.Full, 'blocked'],
      [M.Roaming, M.Roaming, 'blocked'],
      [M.Roaming, M.Boundary, 'blocked'],
      [M.Roaming, M.Full, 'free'],
      [M.Boundary, M.Roaming, 'blocked'],
      [M.Boundary, M.Boundary, 'free'],
      [M.Internal, M.Boundary, 'blocked'],
      [M.Internal, M.Full, 'free'],
    ];
    for (const [target, from, expected] of cases) {
      it(`onto mode ${target} from mode ${from}: ${expected}`, () => {
        expect(announcePolicy(info(target), info(from))).to.equal(expected);
      });
    }
    it('announces_to_internal lets a boundary announce reach an internal interface', () => {
      expect(announcePolicy(info(M.Internal), info(M.Boundary, { announcesToInternal: true }))).to.equal(
        'free',
      );
    });
    it('announces_from_internal = no keeps internal announces off the interface', () => {
      expect(announcePolicy(info(M.Full, { announcesFromInternal: false }), info(M.Internal))).to.equal(
        'blocked',
      );
    });
  });
});
