import { expect } from 'chai';
import * as sinon from 'sinon';
import { systemClock } from '../../../src/core/clock';
import { DedupCache } from '../../../src/core/dedup-cache';
import { ManualClock } from '../node/relay/fake-relay-host';

/** Distinct pseudo-random 64-bit keys, as SHA-256 halves would look (deterministic). */
function keyAt(index: number): [number, number] {
  let x = (index + 1) * 0x9e3779b1;
  x = Math.imul(x ^ (x >>> 16), 0x85ebca6b);
  x = Math.imul(x ^ (x >>> 13), 0xc2b2ae35);
  return [index | 0, (x ^ (x >>> 16)) | 0];
}

describe('DedupCache', () => {
  it('reports a key as new once, then as a duplicate', () => {
    const cache = new DedupCache({ clock: new ManualClock(), ttlMs: 1000, maxEntries: 100 });
    expect(cache.checkAndAdd(1, 2)).to.equal(false);
    expect(cache.checkAndAdd(1, 2)).to.equal(true);
    expect(cache.checkAndAdd(2, 1)).to.equal(false);
    expect(cache.checkAndAdd(1, 3)).to.equal(false);
    expect(cache.size).to.equal(3);
  });

  it('treats the zero key like any other', () => {
    const cache = new DedupCache({ clock: new ManualClock(), ttlMs: 1000, maxEntries: 100 });
    expect(cache.checkAndAdd(0, 0)).to.equal(false);
    expect(cache.checkAndAdd(0, 0)).to.equal(true);
  });

  it('remembers a key for at least ttl/2 and forgets it by ttl, whenever it was added', () => {
    for (let offset = 0; offset < 3000; offset += 37) {
      for (const [after, expected] of [
        [500, true],
        [1000, false],
      ] as const) {
        const clock = new ManualClock();
        const cache = new DedupCache({ clock, ttlMs: 1000, maxEntries: 100 });
        // Unrelated traffic so generations rotate at arbitrary points before the key arrives.
        for (let t = 0; t < offset; t += 100) {
          clock.time += 100;
          cache.checkAndAdd(t, 1);
        }
        clock.time += offset % 100;
        cache.checkAndAdd(7, 7);
        clock.time += after;
        expect(cache.checkAndAdd(7, 7), `added at ${offset}, checked ${after} ms later`).to.equal(expected);
      }
    }
  });

  it('forgets everything after a long idle period', () => {
    const clock = new ManualClock();
    const cache = new DedupCache({ clock, ttlMs: 1000, maxEntries: 100 });
    for (let i = 0; i < 10; i++) cache.checkAndAdd(i, i);
    clock.time += 10_000;
    expect(cache.checkAndAdd(3, 3)).to.equal(false);
    expect(cache.size).to.equal(1);
  });

  it('expires keys with sinon fake timers driving the system clock', () => {
    const timers = sinon.useFakeTimers({
      toFake: ['setTimeout', 'clearTimeout', 'setInterval', 'clearInterval', 'Date'],
    });
    try {
      const cache = new DedupCache({ clock: systemClock, ttlMs: 30_000, maxEntries: 1000 });
      expect(cache.checkAndAdd(5, 6)).to.equal(false);
      timers.tick(14_999);
      expect(cache.checkAndAdd(5, 6)).to.equal(true);
      timers.tick(30_000);
      expect(cache.checkAndAdd(5, 6)).to.equal(false);
    } finally {
      timers.restore();
    }
  });

  it('forgets keys when the clock steps backwards rather than keeping them indefinitely', () => {
    const clock = new ManualClock();
    const cache = new DedupCache({ clock, ttlMs: 1000, maxEntries: 100 });
    cache.checkAndAdd(1, 1);
    clock.time -= 60_000;
    expect(cache.checkAndAdd(1, 1)).to.equal(false);
  });

  it('stays within maxEntries under 100k distinct keys and still catches recent duplicates', () => {
    const clock = new ManualClock();
    const maxEntries = 4096;
    const cache = new DedupCache({ clock, ttlMs: 60_000, maxEntries });
    let maxSize = 0;
    for (let i = 0; i < 100_000; i++) {
      const [high, low] = keyAt(i);
      expect(cache.checkAndAdd(high, low)).to.equal(false);
      if (cache.size > maxSize) maxSize = cache.size;
      if (i >= 10) {
        // A loop copy arriving shortly after is still caught under the flood.
        const [h, l] = keyAt(i - 10);
        if (!cache.checkAndAdd(h, l)) throw new Error(`key ${i - 10} forgotten after 10 inserts`);
      }
    }
    expect(maxSize).to.be.at.most(maxEntries);
    expect(cache.size).to.be.at.most(maxEntries);
    expect(cache.size).to.be.at.least(maxEntries / 2);
  });

  it('grows its tables without losing keys (100k keys under the default-sized cap)', () => {
    const cache = new DedupCache({ clock: new ManualClock(), ttlMs: 60_000, maxEntries: 1_048_576 });
    for (let i = 0; i < 100_000; i++) {
      const [high, low] = keyAt(i);
      cache.checkAndAdd(high, low);
    }
    expect(cache.size).to.equal(100_000);
    let missing = 0;
    for (let i = 0; i < 100_000; i++) {
      const [high, low] = keyAt(i);
      if (!cache.checkAndAdd(high, low)) missing++;
    }
    expect(missing).to.equal(0);
    expect(cache.size).to.equal(100_000);
  });

  it('counts sightings across a rotation and forgets them after ttl', () => {
    const clock = new ManualClock();
    const cache = new DedupCache({ clock, ttlMs: 1000, maxEntries: 100 });
    expect(cache.countSighting(9, 9)).to.equal(0);
    expect(cache.countSighting(9, 9)).to.equal(1);
    clock.time += 600; // rotated: the key is in the previous generation now
    expect(cache.countSighting(9, 9)).to.equal(2);
    expect(cache.checkAndAdd(9, 9)).to.equal(true);
    clock.time += 500;
    expect(cache.countSighting(9, 9)).to.equal(0);
  });

  it('saturates sighting counts instead of wrapping', () => {
    const cache = new DedupCache({ clock: new ManualClock(), ttlMs: 1000, maxEntries: 100 });
    let last = 0;
    for (let i = 0; i < 400; i++) last = cache.countSighting(4, 4);
    expect(last).to.equal(255);
  });

  it('clear() forgets every key', () => {
    const cache = new DedupCache({ clock: new ManualClock(), ttlMs: 1000, maxEntries: 100 });
    cache.checkAndAdd(1, 1);
    cache.clear();
    expect(cache.size).to.equal(0);
    expect(cache.checkAndAdd(1, 1)).to.equal(false);
  });

  it('has() looks without adding; add() remembers', () => {
    const cache = new DedupCache({ clock: new ManualClock(), ttlMs: 1000, maxEntries: 100 });
    expect(cache.has(7, 7)).to.equal(false);
    expect(cache.size).to.equal(0);
    cache.add(7, 7);
    cache.add(7, 7);
    expect(cache.has(7, 7)).to.equal(true);
    expect(cache.size).to.equal(1);
  });

  describe('without ttlMs (Python transport hashlist semantics)', () => {
    it('keeps keys however much time passes', () => {
      const clock = new ManualClock();
      const cache = new DedupCache({ clock, maxEntries: 100 });
      cache.add(1, 2);
      clock.time += 365 * 24 * 3600 * 1000;
      expect(cache.has(1, 2)).to.equal(true);
      clock.time -= 2 * 365 * 24 * 3600 * 1000;
      expect(cache.has(1, 2)).to.equal(true);
    });

    it('rotates by count: a key survives one rotation and is dropped at the second', () => {
      const cache = new DedupCache({ clock: new ManualClock(), maxEntries: 10 });
      cache.add(-1, -1);
      for (let i = 0; i < 4; i++) cache.add(...keyAt(i));
      expect(cache.has(-1, -1), 'in the previous generation').to.equal(true);
      for (let i = 4; i < 9; i++) cache.add(...keyAt(i));
      expect(cache.has(-1, -1), 'dropped with the old previous generation').to.equal(false);
      expect(cache.size).to.be.at.most(10);
    });
  });

  describe('keys()', () => {
    const pairs = (keys: Int32Array): string[] => {
      const out: string[] = [];
      for (let i = 0; i < keys.length; i += 2) out.push(`${keys[i]},${keys[i + 1]}`);
      return out;
    };

    it('lists every key remembered once, the older generation first', () => {
      const cache = new DedupCache({ clock: new ManualClock(), maxEntries: 20 });
      for (let i = 0; i < 10; i++) cache.add(...keyAt(i));
      for (let i = 10; i < 14; i++) cache.add(...keyAt(i));
      const listed = pairs(cache.keys());
      expect(listed).to.have.length(14);
      const older = listed.slice(0, 10).sort();
      const newer = listed.slice(10).sort();
      const expected = (from: number, to: number): string[] =>
        Array.from({ length: to - from }, (_, i) => keyAt(from + i).join(',')).sort();
      expect(older).to.deep.equal(expected(0, 10));
      expect(newer).to.deep.equal(expected(10, 14));
    });

    it('survives growth and clears: only live keys are listed', () => {
      const cache = new DedupCache({ clock: new ManualClock(), maxEntries: 100_000 });
      for (let i = 0; i < 3000; i++) cache.add(...keyAt(i));
      expect(cache.keys()).to.have.length(6000);
      cache.clear();
      cache.add(5, 6);
      expect(pairs(cache.keys())).to.deep.equal(['5,6']);
    });

    it('added back in order into a new cache, the same keys are remembered', () => {
      const cache = new DedupCache({ clock: new ManualClock(), maxEntries: 64 });
      for (let i = 0; i < 50; i++) cache.add(...keyAt(i));
      const keys = cache.keys();
      const copy = new DedupCache({ clock: new ManualClock(), maxEntries: 64 });
      for (let i = 0; i < keys.length; i += 2) copy.add(keys[i], keys[i + 1]);
      expect(pairs(copy.keys()).sort()).to.deep.equal(pairs(keys).sort());
    });
  });

  it('rejects nonsensical options', () => {
    const clock = new ManualClock();
    expect(() => new DedupCache({ clock, ttlMs: 0, maxEntries: 10 })).to.throw(RangeError);
    expect(() => new DedupCache({ clock, ttlMs: 10, maxEntries: 1 })).to.throw(RangeError);
  });
});
