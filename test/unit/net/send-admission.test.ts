import { expect } from 'chai';
import fc from 'fast-check';
import { SendBudget, SendClaim, SMALL_FRAME_BYTES } from '../../../src/core/buffer-budgets';
import { LARGE_PENDING_BYTES, MAX_PENDING_BYTES } from '../../../src/net/net-constants';
import { SendAdmission } from '../../../src/net/send-admission';

/** A claim that admits everything and records the small bytes it was told about. */
function recordingClaim(): SendClaim & { smallSeen: number[] } {
  const smallSeen: number[] = [];
  return {
    smallSeen,
    held: 0,
    admits: () => true,
    update: () => undefined,
    take: (_queued: number, _extra: number, small?: number) => {
      smallSeen.push(small ?? -1);
      return true;
    },
    release: () => undefined,
  };
}

describe('SendAdmission', () => {
  it('admits large frames up to the large-frame budget and small ones up to the full budget', () => {
    const admission = new SendAdmission(new SendBudget(64 * 1024 * 1024).claim());
    expect(admission.admit(LARGE_PENDING_BYTES - 5000, 5000)).to.equal(true);
    expect(admission.admit(LARGE_PENDING_BYTES - 5000, 5001)).to.equal(false);
    expect(admission.admit(MAX_PENDING_BYTES - SMALL_FRAME_BYTES, SMALL_FRAME_BYTES)).to.equal(true);
    expect(admission.admit(MAX_PENDING_BYTES - 10, 11)).to.equal(false);
    expect(admission.refused).to.deep.equal({ peerLarge: 1, peerSmall: 1, nodeLarge: 0, nodeSmall: 0 });
  });

  it('tells the node-wide budget which queued bytes are small frames, as the queue drains in order', () => {
    const claim = recordingClaim();
    const admission = new SendAdmission(claim);
    admission.admit(0, 1000); // small [0, 1000)
    admission.admit(1000, 100_000); // large [1000, 101000)
    admission.admit(101_000, 500); // small [101000, 101500)
    // Nothing drained: 1500 small bytes queued.
    admission.admit(101_500, 10);
    // 51,010 bytes drained: the first small frame and half the large one are gone.
    admission.admit(101_510 - 51_010, 10);
    // Everything but the last 20 bytes drained.
    admission.admit(30, 10);
    expect(claim.smallSeen).to.deep.equal([0, 1000, 1000, 1500, 510, 30]);
  });

  it('counts exactly the small bytes still queued, whatever the order of sizes and drains (property)', () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.boolean(), fc.integer({ min: 1, max: 20_000 }), fc.nat(30_000)), {
          maxLength: 300,
        }),
        (steps) => {
          const claim = recordingClaim();
          const admission = new SendAdmission(claim);
          // The model: the queued frames, oldest first, as [length still queued, small].
          const queue: Array<[number, boolean]> = [];
          let pending = 0;
          for (const [isSmall, size, drain] of steps) {
            let drained = Math.min(drain, pending);
            pending -= drained;
            while (drained > 0) {
              const head = queue[0] as [number, boolean];
              const taken = Math.min(head[0], drained);
              head[0] -= taken;
              drained -= taken;
              if (head[0] === 0) queue.shift();
            }
            const length = isSmall ? Math.min(size, SMALL_FRAME_BYTES) : SMALL_FRAME_BYTES + size;
            const expected = queue.reduce((sum, [left, small]) => sum + (small ? left : 0), 0);
            if (!admission.admit(pending, length)) continue;
            if (claim.smallSeen[claim.smallSeen.length - 1] !== expected) return false;
            queue.push([length, length <= SMALL_FRAME_BYTES]);
            pending += length;
          }
          return true;
        },
      ),
    );
  });
});
