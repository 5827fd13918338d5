import { expect } from 'chai';
import { frame } from '../../../../src/core/hdlc';
import { FRAME_SLAB_BYTES, FrameArena } from '../../../../src/net/server/frame-arena';

/** The bytes the arena holds for its last framed packet. */
function lastFramed(arena: FrameArena): Buffer {
  return (arena.slab as Buffer).subarray(arena.start, arena.end);
}

describe('FrameArena', () => {
  const a = Buffer.from([0x01, 0x7e, 0x02]);
  const b = Buffer.from([0x7d, 0x03, 0x04, 0x05]);
  const c = Buffer.alloc(30, 0x41);

  it('frames each packet exactly like frame(), back to back in one slab', () => {
    const arena = new FrameArena();
    expect(arena.frame(a)).to.equal(frame(a).length);
    expect(lastFramed(arena)).to.deep.equal(frame(a));
    const slab = arena.slab;
    const firstEnd = arena.end;
    expect(arena.frame(b)).to.equal(frame(b).length);
    expect(lastFramed(arena)).to.deep.equal(frame(b));
    expect(arena.slab).to.equal(slab);
    expect(arena.start).to.equal(firstEnd);
    arena.frame(c);
    expect((slab as Buffer).subarray(0, arena.end)).to.deep.equal(
      Buffer.concat([a, b, c].map((p) => frame(p))),
    );
  });

  it('frames the packet it framed last only once, and an equal packet in another object anew', () => {
    const arena = new FrameArena();
    arena.frame(b);
    const [start, end] = [arena.start, arena.end];
    expect(arena.frame(b)).to.equal(end - start);
    expect([arena.start, arena.end]).to.deep.equal([start, end]);
    arena.frame(Buffer.from(b));
    expect(arena.start).to.equal(end);
    expect(lastFramed(arena)).to.deep.equal(frame(b));
  });

  it('starts a new slab when one is full, never overwriting bytes handed out', () => {
    const arena = new FrameArena();
    const packet = Buffer.alloc(1000, 0x42); // framed: 1002 bytes
    arena.frame(packet);
    const first = arena.slab as Buffer;
    const firstView = arena.view(first, arena.start, arena.end);
    const perSlab = Math.floor(FRAME_SLAB_BYTES / 1002);
    for (let i = 1; i < perSlab; i++) arena.frame(Buffer.alloc(1000, i % 100)); // no byte needs escaping
    expect(arena.slab).to.equal(first);
    arena.frame(Buffer.alloc(1000, 0x43));
    expect(arena.slab).to.not.equal(first);
    expect(arena.start).to.equal(0);
    expect(lastFramed(arena)).to.deep.equal(frame(Buffer.alloc(1000, 0x43)));
    expect(firstView).to.deep.equal(frame(packet));
  });

  it('gives a frame larger than a slab a buffer of its own', () => {
    const arena = new FrameArena();
    arena.frame(a);
    const slab = arena.slab;
    const big = Buffer.alloc(FRAME_SLAB_BYTES + 10, 0x7e); // every byte escaped
    expect(arena.frame(big)).to.equal(2 * big.length + 2);
    expect(arena.slab).to.not.equal(slab);
    expect(lastFramed(arena)).to.deep.equal(frame(big));
    arena.frame(c);
    expect(arena.slab).to.equal(slab);
    expect(lastFramed(arena)).to.deep.equal(frame(c));
  });

  it('hands out one view per range: the same object for the same range, a new one otherwise', () => {
    const arena = new FrameArena();
    arena.frame(a);
    arena.frame(b);
    const slab = arena.slab as Buffer;
    const view = arena.view(slab, 0, arena.end);
    expect(arena.view(slab, 0, arena.end)).to.equal(view);
    expect(view).to.deep.equal(Buffer.concat([frame(a), frame(b)]));
    const shorter = arena.view(slab, 0, arena.start);
    expect(shorter).to.not.equal(view);
    expect(shorter).to.deep.equal(frame(a));
    arena.clear();
    expect(arena.slab).to.equal(null);
    arena.frame(a);
    expect(arena.slab).to.not.equal(slab);
  });
});
