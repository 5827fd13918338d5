import { expect } from 'chai';
import fc from 'fast-check';
import {
  BufferBudgets,
  DEFAULT_RECEIVE_BUDGET_BYTES,
  DEFAULT_SEND_BUDGET_BYTES,
  ReceiveBudget,
  ReceiveClaim,
  SendBudget,
  SMALL_FRAME_BYTES,
} from '../../../src/core/buffer-budgets';

describe('BufferBudgets', () => {
  it('defaults to 64 MiB for unfinished frames and 256 MiB queued for sending', () => {
    const budgets = new BufferBudgets();
    expect(budgets.receive.limitBytes)
      .to.equal(DEFAULT_RECEIVE_BUDGET_BYTES)
      .and.equal(64 * 1024 * 1024);
    expect(budgets.send.limitBytes)
      .to.equal(DEFAULT_SEND_BUDGET_BYTES)
      .and.equal(256 * 1024 * 1024);
  });

  it('takes its limits from the node and rejects limits that are not positive integers', () => {
    const budgets = new BufferBudgets({ receiveBytes: 1000, sendBytes: 2000 });
    expect(budgets.receive.limitBytes).to.equal(1000);
    expect(budgets.send.limitBytes).to.equal(2000);
    for (const bad of [0, -1, 1.5, Number.NaN, Number.POSITIVE_INFINITY]) {
      expect(() => new BufferBudgets({ receiveBytes: bad })).to.throw(RangeError, /receive budget/);
      expect(() => new BufferBudgets({ sendBytes: bad })).to.throw(RangeError, /send budget/);
    }
  });

  it('shares one process-wide instance for interfaces started without budgets', () => {
    expect(BufferBudgets.processDefault()).to.equal(BufferBudgets.processDefault());
  });
});

describe('ReceiveBudget', () => {
  it('sums what the connections hold and forgets a released one', () => {
    const budget = new ReceiveBudget(1000);
    const a = budget.claim(() => undefined);
    const b = budget.claim(() => undefined);
    a.update(100);
    b.update(300);
    a.update(200);
    expect(budget.totalHeld).to.equal(500);
    expect(budget.holders).to.equal(2);
    expect(budget.largestHeld).to.equal(300);
    b.release();
    expect(budget.totalHeld).to.equal(200);
    expect(budget.holders).to.equal(1);
    a.update(0);
    expect(budget.totalHeld).to.equal(0);
    expect(budget.holders).to.equal(0);
  });

  it('past the limit evicts the largest holder, not the one that crossed it', () => {
    const budget = new ReceiveBudget(1000);
    const evicted: string[] = [];
    const big = budget.claim(() => evicted.push('big'));
    const small = budget.claim(() => evicted.push('small'));
    const crossing = budget.claim(() => evicted.push('crossing'));
    big.update(600);
    small.update(100);
    crossing.update(350);
    expect(evicted).to.deep.equal(['big']);
    expect(big.held).to.equal(0);
    expect(budget.totalHeld).to.equal(450);
    expect(budget.evictions).to.equal(1);
  });

  it('evicts as many holders as it takes, largest first', () => {
    const budget = new ReceiveBudget(1000);
    const evicted: string[] = [];
    const claims = [300, 250, 200, 150].map((bytes, i) => {
      const claim = budget.claim(() => evicted.push(`claim ${i}`));
      claim.update(bytes);
      return claim;
    });
    const last = budget.claim(() => evicted.push('last'));
    last.update(900);
    expect(evicted).to.deep.equal(['last']);
    claims[3]?.update(700);
    // 300 + 250 + 200 + 700 = 1450: the 700 goes, then 750 fits.
    expect(evicted).to.deep.equal(['last', 'claim 3']);
    expect(budget.totalHeld).to.equal(750);
    claims[0]?.update(600);
    // 600 + 250 + 200 = 1050: the largest (600) goes.
    expect(evicted).to.deep.equal(['last', 'claim 3', 'claim 0']);
  });

  it('a release never evicts, and an evicted claim can hold again', () => {
    const budget = new ReceiveBudget(100);
    let evictions = 0;
    const claim = budget.claim(() => evictions++);
    claim.update(150);
    expect(evictions).to.equal(1);
    claim.release();
    claim.update(50);
    expect(budget.totalHeld).to.equal(50);
    expect(evictions).to.equal(1);
  });

  it('keeps its total equal to the sum held, within the limit, evicting only the largest (property)', () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.nat(15), fc.nat(400)), { minLength: 1, maxLength: 200 }), (steps) => {
        const budget = new ReceiveBudget(1000);
        const claims: ReceiveClaim[] = [];
        let violation: string | null = null;
        for (let i = 0; i < 16; i++) {
          const claim: ReceiveClaim = budget.claim(() => {
            // The victim is the largest holder at the moment of eviction.
            const largest = Math.max(...claims.map((c) => (c === claim ? 0 : c.held)));
            if (largest > heldBefore.get(claim)!) violation ??= 'evicted a smaller holder';
          });
          claims.push(claim);
        }
        const heldBefore = new Map<ReceiveClaim, number>();
        for (const [index, bytes] of steps) {
          for (const c of claims) heldBefore.set(c, c.held);
          heldBefore.set(claims[index]!, bytes);
          claims[index]!.update(bytes);
          const sum = claims.reduce((total, c) => total + c.held, 0);
          if (sum !== budget.totalHeld) violation ??= `total ${budget.totalHeld} != sum ${sum}`;
          if (budget.totalHeld > 1000) violation ??= 'over the limit';
          if (budget.holders !== claims.filter((c) => c.held > 0).length) violation ??= 'holder count';
        }
        return violation === null;
      }),
    );
  });
});

describe('SendBudget', () => {
  it('admits freely up to three quarters of the limit', () => {
    const budget = new SendBudget(1000);
    const a = budget.claim();
    expect(a.admits(750)).to.equal(true);
    expect(a.admits(751)).to.equal(false);
    a.update(750);
    expect(budget.totalHeld).to.equal(750);
    expect(budget.holders).to.equal(1);
  });

  it('past three quarters, refuses the connections with the most queued and admits the small ones', () => {
    const budget = new SendBudget(1000);
    const heavy = budget.claim();
    const light = budget.claim();
    heavy.update(700);
    light.update(10);
    // The reserve (the last 250) is shared by the 2 holders: 125 each.
    expect(heavy.admits(100)).to.equal(false);
    expect(light.admits(100)).to.equal(true);
    expect(light.admits(116)).to.equal(false);
    expect(budget.refusals).to.equal(2);
    // A connection holding nothing counts itself among the holders: 250 / 3.
    const idle = budget.claim();
    expect(idle.admits(83)).to.equal(true);
    expect(idle.admits(84)).to.equal(false);
  });

  it('keeps the reserve for the small ones even when the heavy ones alone hold bytes', () => {
    const budget = new SendBudget(1000);
    const heavy = [budget.claim(), budget.claim()];
    for (const claim of heavy) claim.update(375);
    // 750 held by two heavy readers; neither may take the reserve for itself.
    for (const claim of heavy) expect(claim.admits(10)).to.equal(false);
    const reader = budget.claim();
    for (let i = 0; i < 5; i++) {
      expect(reader.admits(40)).to.equal(true);
      reader.update(40);
      reader.update(0); // written out
    }
  });

  it('never lets the total pass the limit', () => {
    const budget = new SendBudget(1000);
    const claims = Array.from({ length: 4 }, () => budget.claim());
    claims[0]?.update(990);
    for (const claim of claims.slice(1)) expect(claim.admits(20)).to.equal(false);
    expect(claims[1]?.admits(10)).to.equal(true);
    expect(claims[1]?.admits(11)).to.equal(false);
  });

  it('keeps the last eighth for small frames, shared by what each connection holds of them', () => {
    const budget = new SendBudget(1_000_000);
    const flooded = budget.claim();
    const other = budget.claim();
    other.update(700_000);
    // 200 kB of large frames wait in a reader's queue: the total is past seven eighths.
    flooded.update(200_000);
    expect(flooded.admits(SMALL_FRAME_BYTES + 1, 0), 'a large frame').to.equal(false);
    expect(other.admits(SMALL_FRAME_BYTES + 1, 0)).to.equal(false);
    // Small frames: a share of the last eighth (125 kB / 2) of small bytes each.
    expect(flooded.take(200_000, 1000, 0)).to.equal(true);
    expect(flooded.take(201_000, 1000, 61_000)).to.equal(true);
    expect(flooded.take(202_000, 1000, 62_000)).to.equal(false);
    // Unknown, every queued byte counts as small: the heavy one gets none.
    expect(other.admits(1000)).to.equal(false);
    // Never past the limit.
    flooded.update(299_500);
    expect(flooded.admits(1000, 0)).to.equal(false);
    expect(flooded.admits(500, 0)).to.equal(true);
  });

  it('frees room as bytes are written out, and forgets a released connection', () => {
    const budget = new SendBudget(1000);
    const a = budget.claim();
    a.update(900);
    expect(a.admits(1)).to.equal(false);
    a.update(100);
    expect(a.admits(100)).to.equal(true);
    a.release();
    expect(budget.totalHeld).to.equal(0);
    expect(budget.holders).to.equal(0);
  });

  it('take(queued, extra) is update(queued), then admits(extra) and update(queued + extra) (property)', () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.nat(4), fc.nat(400), fc.integer({ min: 1, max: 300 })), { maxLength: 200 }),
        (steps) => {
          const fast = new SendBudget(1000);
          const slow = new SendBudget(1000);
          const fastClaims = Array.from({ length: 5 }, () => fast.claim());
          const slowClaims = Array.from({ length: 5 }, () => slow.claim());
          for (const [index, queued, extra] of steps) {
            const taken = fastClaims[index]!.take(queued, extra);
            const claim = slowClaims[index]!;
            claim.update(queued);
            const admitted = claim.admits(extra);
            if (admitted) claim.update(queued + extra);
            if (taken !== admitted || fast.totalHeld !== slow.totalHeld) return false;
            if (fast.holders !== slow.holders || fast.refusals !== slow.refusals) return false;
          }
          return true;
        },
      ),
    );
  });

  it('keeps the total within the limit when writers honour admits (property)', () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.nat(9), fc.integer({ min: -300, max: 300 })), { maxLength: 300 }),
        (steps) => {
          const budget = new SendBudget(1000);
          const claims = Array.from({ length: 10 }, () => budget.claim());
          for (const [index, delta] of steps) {
            const claim = claims[index]!;
            if (delta < 0) claim.update(Math.max(0, claim.held + delta));
            else if (claim.admits(delta)) claim.update(claim.held + delta);
            const sum = claims.reduce((total, c) => total + c.held, 0);
            if (sum !== budget.totalHeld || sum > 1000) return false;
            if (budget.holders !== claims.filter((c) => c.held > 0).length) return false;
          }
          return true;
        },
      ),
    );
  });
});
