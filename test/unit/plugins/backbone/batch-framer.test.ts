import { expect } from 'chai';
import { frame } from '../../../../src/core/hdlc';
import { BatchFramer } from '../../../../src/plugins/backbone/server/batch-framer';

function framedSum(packets: Uint8Array[]): number {
  return packets.reduce((n, p) => n + frame(p).length, 0);
}

describe('BatchFramer', () => {
  const a = Buffer.from([0x01, 0x7e, 0x02]);
  const b = Buffer.from([0x7d, 0x03, 0x04, 0x05]);
  const c = Buffer.alloc(30, 0x41);

  it('frames a batch exactly like frame() back to back', () => {
    const framer = new BatchFramer();
    const packets = [a, b, c];
    const out = framer.frameBatch(packets, framedSum(packets));
    expect(out).to.deep.equal(Buffer.concat(packets.map((p) => frame(p))));
    expect(framer.frameBatch([b], framedSum([b]))).to.deep.equal(frame(b));
  });

  it('hands the same buffer to a batch of the very same packets (a fan-out), and frames any other anew', () => {
    const framer = new BatchFramer();
    const first = framer.frameBatch([a, b], framedSum([a, b]));
    expect(framer.frameBatch([a, b], framedSum([a, b]))).to.equal(first);
    // Equal bytes in other objects, another order, or one packet fewer: framed anew, correctly.
    const copies = [Buffer.from(a), Buffer.from(b)];
    const again = framer.frameBatch(copies, framedSum(copies));
    expect(again).to.not.equal(first);
    expect(again).to.deep.equal(first);
    expect(framer.frameBatch([b, a], framedSum([b, a]))).to.deep.equal(Buffer.concat([frame(b), frame(a)]));
    expect(framer.frameBatch([b], framedSum([b]))).to.deep.equal(frame(b));
  });

  it('remembers the framed length of the last packet only', () => {
    const framer = new BatchFramer();
    expect(framer.framedLength(a)).to.equal(frame(a).length);
    expect(framer.framedLength(a)).to.equal(frame(a).length);
    expect(framer.framedLength(b)).to.equal(frame(b).length);
    expect(framer.framedLength(c)).to.equal(32);
    framer.clear();
    expect(framer.framedLength(a)).to.equal(frame(a).length);
  });
});
