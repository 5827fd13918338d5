import { expect } from 'chai';
import fc from 'fast-check';
import { RecencyMap } from '../../../src/core/recency-map';

/** A map of `n` keys 0..n-1, inserted in order (0 least recent). */
function filled(n: number): RecencyMap<number, string> {
  const map = new RecencyMap<number, string>();
  for (let i = 0; i < n; i++) map.touch(i, `v${i}`);
  return map;
}

describe('RecencyMap', () => {
  it('keeps recency order: touch moves a key to the recent end', () => {
    const map = filled(4);
    map.touch(1, 'again');
    expect([...map.keys()]).to.deep.equal([0, 2, 3, 1]);
    expect(map.get(1)).to.equal('again');
    expect(map.delete(2)).to.equal(true);
    expect(map.has(2)).to.equal(false);
    expect([...map.values()]).to.deep.equal(['v0', 'v3', 'again']);
  });

  it('evicts least recent first, passing over entries that may not go until the others were looked at', () => {
    const map = filled(6);
    const busy = new Set([0, 1]);
    const evictable = (key: number): boolean => !busy.has(key);
    expect(map.evict(evictable, 4)).to.equal(2);
    expect(map.evict(evictable, 4)).to.equal(3);
    busy.delete(0);
    // 0 was passed over: it comes round again only after 4 and 5.
    expect(map.evict(evictable, 4)).to.equal(4);
    expect(map.evict(evictable, 4)).to.equal(5);
    expect(map.evict(evictable, 4)).to.equal(0);
    expect([...map.keys()]).to.deep.equal([1]);
    expect(map.evict(evictable, 4)).to.equal(undefined);
    expect(map.evict(evictable, 4, true)).to.equal(1);
    expect(map.size).to.equal(0);
    expect(map.evict(evictable, 4, true)).to.equal(undefined);
  });

  it('with force takes the first entry looked at when none may go', () => {
    const map = filled(5);
    expect(map.evict(() => false, 3)).to.equal(undefined);
    // The hand passed 0, 1, 2; the next forced eviction looks at 3, 4 and then 0 again.
    expect(map.evict(() => false, 3, true)).to.equal(3);
    expect([...map.keys()]).to.deep.equal([0, 1, 2, 4]);
  });

  it('evicts in O(1) amortised: looks at each entry about once per pass, not once per eviction', () => {
    const n = 20_000;
    const map = filled(n);
    // The oldest half is busy; a new key arrives (and one must go) 10,000 times.
    let looked = 0;
    const evictable = (key: number): boolean => {
      looked++;
      return key >= n / 2;
    };
    let calls = 0;
    for (let i = 0; i < n / 2; i++) {
      map.touch(n + i, 'new');
      while (map.size > n && calls++ < 10 * n) map.evict(evictable, 16);
    }
    expect(map.size).to.equal(n);
    // A scan from the old end every time would have looked at n/2 entries per eviction (5e7).
    expect(looked).to.be.below(3 * n);
  });

  it('sweeps in steps, visiting every entry once per pass and removing what the visitor says', () => {
    const map = filled(10);
    const seen: number[] = [];
    expect(map.sweep(4, (key) => (seen.push(key), key % 2 === 0))).to.equal(false);
    map.touch(100, 'during the pass');
    expect(map.sweep(4, (key) => (seen.push(key), key % 2 === 0))).to.equal(false);
    expect(map.sweep(4, (key) => (seen.push(key), key % 2 === 0))).to.equal(true);
    expect(seen).to.deep.equal([0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 100]);
    expect([...map.keys()]).to.deep.equal([1, 3, 5, 7, 9]);
    // The next call starts a new pass.
    const again: number[] = [];
    expect(map.sweep(Number.POSITIVE_INFINITY, (key) => (again.push(key), false))).to.equal(true);
    expect(again).to.deep.equal([1, 3, 5, 7, 9]);
  });

  it('stays a consistent map under any mix of touches, deletes, evictions and sweep steps', () => {
    type Op = ['touch' | 'delete', number] | ['evict', number] | ['sweep', number];
    const op = fc.oneof(
      fc.tuple(fc.constant('touch' as const), fc.integer({ min: 0, max: 30 })),
      fc.tuple(fc.constant('delete' as const), fc.integer({ min: 0, max: 30 })),
      fc.tuple(fc.constant('evict' as const), fc.integer({ min: 1, max: 5 })),
      fc.tuple(fc.constant('sweep' as const), fc.integer({ min: 1, max: 5 })),
    );
    fc.assert(
      fc.property(fc.array(op as fc.Arbitrary<Op>, { maxLength: 200 }), (ops) => {
        const map = new RecencyMap<number, number>();
        const model = new Map<number, number>();
        for (const [kind, n] of ops) {
          if (kind === 'touch') {
            map.touch(n, n);
            model.delete(n);
            model.set(n, n);
          } else if (kind === 'delete') {
            expect(map.delete(n)).to.equal(model.delete(n));
          } else if (kind === 'evict') {
            const evicted = map.evict((key) => key % 3 !== 0, n, true);
            if (evicted !== undefined) {
              expect(model.has(evicted)).to.equal(true);
              model.delete(evicted);
            } else expect(model.size === 0 || [...model.keys()].every((k) => k % 3 === 0)).to.equal(true);
          } else {
            map.sweep(n, (key) => {
              expect(model.has(key)).to.equal(true);
              if (key % 5 !== 0) return false;
              model.delete(key);
              return true;
            });
          }
          expect([...map.keys()]).to.deep.equal([...model.keys()]);
        }
      }),
    );
  });
});
