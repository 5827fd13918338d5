import { expect } from 'chai';
import fc from 'fast-check';
import sinon from 'sinon';
import { HW_MTU } from '../../../../src/core/constants';
import { frame, HdlcDecoder } from '../../../../src/core/hdlc';
import {
  asSeparateChunks,
  garbageWithoutFlag,
  hdlcBytes,
  hex,
  packet,
  pythonReceiveModel,
  splitAt,
} from './hdlc-test-support';

/** Pushes every chunk and returns the frames delivered, copied (to compare values later). */
function decodeAll(decoder: HdlcDecoder, chunks: Buffer[]): Buffer[] {
  const frames: Buffer[] = [];
  for (const chunk of chunks) decoder.push(chunk, (f) => frames.push(f));
  return frames;
}

/** True when two views overlap in memory (same ArrayBuffer and intersecting byte ranges). */
function sharesMemory(a: Uint8Array, b: Uint8Array): boolean {
  return (
    a.buffer === b.buffer && a.byteOffset < b.byteOffset + b.length && b.byteOffset < a.byteOffset + a.length
  );
}

const cutPoints = fc.array(fc.nat({ max: 1_000_000 }), { maxLength: 40 });

describe('HdlcDecoder', () => {
  describe('property tests', () => {
    it('round-trips random packets framed and decoded one at a time', () => {
      fc.assert(
        fc.property(packet(4000), (data) => {
          const decoder = new HdlcDecoder();
          const frames = decodeAll(decoder, [frame(data)]);
          expect(frames).to.have.length(1);
          expect(frames[0].equals(data)).to.be.true;
          expect(decoder.stats.frames).to.equal(1);
          expect(decoder.bufferedBytes).to.equal(0);
        }),
        { numRuns: 200 },
      );
    });

    it('yields the same frames for any chunking of a stream of frames', () => {
      fc.assert(
        fc.property(fc.array(packet(1500), { minLength: 1, maxLength: 12 }), cutPoints, (packets, cuts) => {
          const stream = Buffer.concat(packets.map((p) => frame(p)));
          const decoder = new HdlcDecoder();
          const frames = decodeAll(decoder, asSeparateChunks(splitAt(stream, cuts)));
          expect(frames.map((f) => f.toString('hex'))).to.deep.equal(packets.map((p) => p.toString('hex')));
          expect(decoder.stats).to.deep.include({ frames: packets.length, droppedShort: 0, overflows: 0 });
        }),
        { numRuns: 200 },
      );
    });

    it('yields the same frames when every chunk is a single byte', () => {
      fc.assert(
        fc.property(fc.array(packet(200), { minLength: 1, maxLength: 4 }), (packets) => {
          const stream = Buffer.concat(packets.map((p) => frame(p)));
          const bytes = Array.from(stream, (_, i) => stream.subarray(i, i + 1));
          const frames = decodeAll(new HdlcDecoder(), asSeparateChunks(bytes));
          expect(frames.map((f) => f.toString('hex'))).to.deep.equal(packets.map((p) => p.toString('hex')));
        }),
        { numRuns: 50 },
      );
    });

    it('does not lose frames that follow garbage without FLAG bytes', () => {
      fc.assert(
        fc.property(
          fc.array(fc.tuple(garbageWithoutFlag, packet(800)), { minLength: 1, maxLength: 10 }),
          garbageWithoutFlag,
          cutPoints,
          (pairs, trailing, cuts) => {
            // Garbage in front of the first frame is dropped before any FLAG; garbage between
            // frames sits between a closing and an opening FLAG and forms a junk frame that is
            // dropped for its length or delivered as junk, never merged into a real frame.
            const stream = Buffer.concat([...pairs.flatMap(([junk, p]) => [junk, frame(p)]), trailing]);
            const frames = decodeAll(new HdlcDecoder(), asSeparateChunks(splitAt(stream, cuts)));
            const wanted = pairs.map(([, p]) => p.toString('hex'));
            const got = frames.map((f) => f.toString('hex'));
            let index = 0;
            for (const w of wanted) {
              index = got.indexOf(w, index);
              expect(index, `frame ${w.slice(0, 16)}… lost`).to.not.equal(-1);
              index++;
            }
          },
        ),
        { numRuns: 200 },
      );
    });

    it('matches the Python receive loop on arbitrary byte streams under any chunking', () => {
      // hwMtu 200 and streams under 400 bytes: the 2 x hwMtu cap cannot trigger, so the model
      // (Python's loop run once on the whole stream) is exact, including short/oversize drops.
      fc.assert(
        fc.property(hdlcBytes(0, 399), cutPoints, (stream, cuts) => {
          const model = pythonReceiveModel(stream, 200);
          const decoder = new HdlcDecoder({ hwMtu: 200 });
          const frames = decodeAll(decoder, asSeparateChunks(splitAt(stream, cuts)));
          expect(frames.map((f) => f.toString('hex'))).to.deep.equal(
            model.frames.map((f) => f.toString('hex')),
          );
          expect(decoder.stats.droppedShort).to.equal(model.short);
          expect(decoder.stats.droppedOversize).to.equal(model.oversize);
          expect(decoder.stats.overflows).to.equal(0);
        }),
        { numRuns: 500 },
      );
    });

    it('with unescapeInPlace, delivers the same frames, and frames handed out stay intact', () => {
      fc.assert(
        fc.property(hdlcBytes(0, 399), cutPoints, (stream, cuts) => {
          const model = pythonReceiveModel(stream, 200);
          const decoder = new HdlcDecoder({ hwMtu: 200, unescapeInPlace: true });
          const delivered: Buffer[] = [];
          const copies: string[] = [];
          for (const chunk of asSeparateChunks(splitAt(stream, cuts))) {
            decoder.push(chunk, (f) => {
              delivered.push(f);
              copies.push(f.toString('hex'));
            });
          }
          const expected = model.frames.map((f) => f.toString('hex'));
          expect(copies).to.deep.equal(expected);
          // Unescaping a later frame in place never touched an earlier one.
          expect(delivered.map((f) => f.toString('hex'))).to.deep.equal(expected);
        }),
        { numRuns: 500 },
      );
    });

    it('never buffers more than 2 x hwMtu and never throws on arbitrary input', () => {
      fc.assert(
        fc.property(fc.array(hdlcBytes(0, 700), { maxLength: 12 }), (chunks) => {
          const decoder = new HdlcDecoder({ hwMtu: 256 });
          for (const chunk of chunks) {
            decoder.push(chunk, (f) => {
              expect(f.length).to.be.within(20, 256);
            });
            expect(decoder.bufferedBytes).to.be.at.most(512);
          }
        }),
        { numRuns: 300 },
      );
    });
  });

  describe('bounds', () => {
    const hwMtu = 1024;

    it('drops frames of 19 bytes or less and counts them; delivers 20 bytes', () => {
      const decoder = new HdlcDecoder({ hwMtu });
      const stream = Buffer.concat([
        frame(Buffer.alloc(1, 1)),
        frame(Buffer.alloc(19, 2)),
        frame(Buffer.alloc(20, 3)),
      ]);
      const frames = decodeAll(decoder, [stream]);
      expect(frames.map((f) => f.length)).to.deep.equal([20]);
      expect(decoder.stats).to.deep.equal({
        frames: 1,
        droppedShort: 2,
        droppedOversize: 0,
        discardedBytes: 0,
        overflows: 0,
      });
    });

    it('applies the length check after unescaping (20 escaped bytes of 10 FLAGs are short)', () => {
      const decoder = new HdlcDecoder({ hwMtu });
      const frames = decodeAll(decoder, [frame(Buffer.alloc(10, 0x7e)), frame(Buffer.alloc(20, 0x7d))]);
      expect(frames.map((f) => f.toString('hex'))).to.deep.equal([Buffer.alloc(20, 0x7d).toString('hex')]);
      expect(decoder.stats.droppedShort).to.equal(1);
    });

    it('skips empty frames (adjacent FLAGs) silently', () => {
      const decoder = new HdlcDecoder({ hwMtu });
      const frames = decodeAll(decoder, [hex('7e7e7e7e'), frame(Buffer.alloc(30, 5)), hex('7e7e')]);
      expect(frames).to.have.length(1);
      expect(decoder.stats.droppedShort).to.equal(0);
      expect(decoder.stats.discardedBytes).to.equal(0);
    });

    it('drops an oversize frame whole and keeps decoding the next one', () => {
      for (const split of [false, true]) {
        const decoder = new HdlcDecoder({ hwMtu });
        const stream = Buffer.concat([
          frame(Buffer.alloc(hwMtu + 1, 0x41)),
          frame(Buffer.alloc(hwMtu, 0x42)),
          frame(Buffer.alloc(hwMtu + 1, 0x7e)),
          frame(Buffer.alloc(50, 0x43)),
        ]);
        const chunks = split ? asSeparateChunks(splitAt(stream, [100, 1500, 3000, 5000])) : [stream];
        const frames = decodeAll(decoder, chunks);
        expect(frames.map((f) => [f.length, f[0]])).to.deep.equal([
          [hwMtu, 0x42],
          [50, 0x43],
        ]);
        expect(decoder.stats.droppedOversize, `split=${split}`).to.equal(2);
        expect(decoder.stats.overflows).to.equal(0);
      }
    });

    it('accepts a frame of exactly hwMtu bytes that are all escaped (2 x hwMtu on the wire)', () => {
      const decoder = new HdlcDecoder({ hwMtu });
      const data = Buffer.alloc(hwMtu, 0x7d);
      const wire = frame(data);
      const frames = decodeAll(decoder, asSeparateChunks(splitAt(wire, [1, 700, 1400, 2000])));
      expect(frames).to.have.length(1);
      expect(frames[0].equals(data)).to.be.true;
    });

    it('bounds an unterminated frame at 2 x hwMtu, counts an overflow, then resyncs', () => {
      const decoder = new HdlcDecoder({ hwMtu });
      const onFrame = sinon.spy();
      decoder.push(hex('7e'), onFrame);
      const piece = Buffer.alloc(300, 0x41);
      let pushed = 0;
      while (decoder.stats.overflows === 0) {
        decoder.push(Buffer.from(piece), onFrame);
        pushed += piece.length;
        expect(decoder.bufferedBytes).to.be.at.most(2 * hwMtu);
        expect(pushed).to.be.below(10 * hwMtu);
      }
      expect(pushed).to.equal(2100); // the first push that would take the body past 2048 bytes
      expect(decoder.bufferedBytes).to.equal(0);
      expect(decoder.stats.discardedBytes).to.equal(2100);
      // Bytes after the overflow are garbage until the next FLAG, then decoding resumes.
      decoder.push(Buffer.alloc(500, 0x41), onFrame);
      expect(decoder.stats.discardedBytes).to.equal(2600);
      decoder.push(Buffer.concat([hex('7e'), frame(Buffer.alloc(40, 0x44))]), onFrame);
      expect(onFrame.callCount).to.equal(1);
      expect(onFrame.firstCall.args[0]).to.deep.equal(Buffer.alloc(40, 0x44));
    });

    it('bounds an unterminated frame at 2 x hwMtu within a single large chunk', () => {
      const decoder = new HdlcDecoder({ hwMtu });
      decoder.push(Buffer.concat([hex('7e'), Buffer.alloc(2 * hwMtu, 0x41)]), sinon.spy());
      expect(decoder.bufferedBytes).to.equal(2 * hwMtu);
      expect(decoder.stats.overflows).to.equal(0);
      decoder.push(hex('41'), sinon.spy());
      expect(decoder.stats.overflows).to.equal(1);
      expect(decoder.bufferedBytes).to.equal(0);
    });

    it('discards and counts bytes before the first FLAG', () => {
      const decoder = new HdlcDecoder({ hwMtu });
      const frames = decodeAll(decoder, [
        Buffer.alloc(10, 1),
        Buffer.concat([Buffer.alloc(5, 2), frame(Buffer.alloc(25, 3))]),
      ]);
      expect(frames).to.have.length(1);
      expect(decoder.stats.discardedBytes).to.equal(15);
    });

    it('passes invalid escapes through unchanged', () => {
      const body = Buffer.concat([Buffer.alloc(20, 0x30), hex('7d00 7d41 7d5e 7d5d 7d')]);
      const frames = decodeAll(new HdlcDecoder({ hwMtu }), [Buffer.concat([hex('7e'), body, hex('7e')])]);
      expect(frames.map((f) => f.toString('hex'))).to.deep.equal([
        Buffer.concat([Buffer.alloc(20, 0x30), hex('7d00 7d41 7e 7d 7d')]).toString('hex'),
      ]);
    });

    it('uses HW_MTU (1 MiB) by default', () => {
      const decoder = new HdlcDecoder();
      const frames = decodeAll(decoder, [frame(Buffer.alloc(HW_MTU, 1)), frame(Buffer.alloc(HW_MTU + 1, 1))]);
      expect(frames.map((f) => f.length)).to.deep.equal([HW_MTU]);
      expect(decoder.stats.droppedOversize).to.equal(1);
    });

    it('rejects an invalid hwMtu', () => {
      expect(() => new HdlcDecoder({ hwMtu: 0 })).to.throw(RangeError);
      expect(() => new HdlcDecoder({ hwMtu: 1.5 })).to.throw(RangeError);
    });
  });

  describe('memory ownership', () => {
    it('hands out views of the chunk (no copy) for frames without ESC inside one chunk', () => {
      const packets = [Buffer.alloc(100, 1), Buffer.alloc(200, 2), Buffer.alloc(300, 3)];
      const chunk = Buffer.concat(packets.map((p) => frame(p)));
      const frames = decodeAll(new HdlcDecoder(), [chunk]);
      expect(frames).to.have.length(3);
      for (const f of frames) {
        expect(f.buffer).to.equal(chunk.buffer);
        expect(sharesMemory(f, chunk)).to.be.true;
      }
      expect(frames[1].byteOffset).to.equal(chunk.byteOffset + 103);
    });

    it('with unescapeInPlace, hands out views of the chunk for escaped frames inside it', () => {
      const escaped = Buffer.from([...Buffer.alloc(20, 1), 0x7d, 0x5e, ...Buffer.alloc(10, 2)]);
      const chunk = Buffer.concat([frame(Buffer.alloc(25, 3)), frame(escaped), frame(Buffer.alloc(25, 4))]);
      const frames: Buffer[] = [];
      new HdlcDecoder({ unescapeInPlace: true }).push(chunk, (f) => frames.push(f));
      expect(frames.map((f) => f.toString('hex'))).to.deep.equal(
        [Buffer.alloc(25, 3), escaped, Buffer.alloc(25, 4)].map((p) => p.toString('hex')),
      );
      for (const f of frames) expect(sharesMemory(f, chunk)).to.equal(true);
    });

    it('hands out fresh buffers for frames with ESC or spanning chunks, never touched again', () => {
      const escaped = Buffer.concat([Buffer.alloc(30, 9), hex('7e7d')]);
      const spanning = Buffer.alloc(40, 8);
      const first = Buffer.concat([frame(escaped), frame(spanning).subarray(0, 20)]);
      const second = Buffer.from(frame(spanning).subarray(20));
      const decoder = new HdlcDecoder();
      const frames = decodeAll(decoder, [first, second]);
      expect(frames).to.have.length(2);
      expect(sharesMemory(frames[0], first)).to.be.false;
      expect(sharesMemory(frames[1], first)).to.be.false;
      expect(sharesMemory(frames[1], second)).to.be.false;
      const snapshot = frames.map((f) => Buffer.from(f));
      // Keep decoding through the same paths; earlier frames must not change.
      decodeAll(decoder, [
        Buffer.concat([frame(Buffer.alloc(50, 0x7e)), frame(Buffer.alloc(60, 7)).subarray(0, 10)]),
        Buffer.from(frame(Buffer.alloc(60, 7)).subarray(10)),
      ]);
      frames.forEach((f, i) => expect(f.equals(snapshot[i])).to.be.true);
    });

    it('drops a flood of short escaped frames without allocating per frame', () => {
      // Regression: a 1-byte frame holding an ESC (7E 7D 7E ...) used to be unescaped into a
      // fresh buffer before the length check, making such a flood ~20x dearer than random bytes.
      const frames = Buffer.alloc(20_000).fill(Buffer.from([0x7e, 0x7d, 0x5e, 0x7d, 0x41]));
      const stream = Buffer.concat([frames, Buffer.of(0x7e)]);
      const decoder = new HdlcDecoder();
      const allocUnsafe = sinon.spy(Buffer, 'allocUnsafe');
      try {
        decoder.push(stream, () => expect.fail('no frame is long enough'));
        expect(allocUnsafe.callCount).to.equal(0);
      } finally {
        allocUnsafe.restore();
      }
      expect(decoder.stats.droppedShort).to.equal(4000);
    });

    it('holds no buffer once a frame completes', () => {
      const decoder = new HdlcDecoder();
      const wire = frame(Buffer.alloc(5000, 1));
      decoder.push(wire.subarray(0, 3000), () => undefined);
      expect(decoder.bufferedBytes).to.equal(2999);
      decoder.push(wire.subarray(3000), () => undefined);
      expect(decoder.bufferedBytes).to.equal(0);
    });
  });

  describe('behaviour', () => {
    it('reset() forgets a partial frame and waits for a new opening FLAG', () => {
      const decoder = new HdlcDecoder();
      const wire = frame(Buffer.alloc(100, 1));
      decoder.push(wire.subarray(0, 50), () => undefined);
      decoder.reset();
      expect(decoder.bufferedBytes).to.equal(0);
      const frames = decodeAll(decoder, [Buffer.from(wire.subarray(50)), frame(Buffer.alloc(30, 2))]);
      expect(frames.map((f) => f[0])).to.deep.equal([2]);
    });

    it('propagates an error thrown by onFrame and resyncs at the next FLAG', () => {
      const decoder = new HdlcDecoder();
      const chunk = Buffer.concat([frame(Buffer.alloc(30, 1)), frame(Buffer.alloc(30, 2))]);
      expect(() =>
        decoder.push(chunk, () => {
          throw new Error('listener failed');
        }),
      ).to.throw('listener failed');
      const frames = decodeAll(decoder, [Buffer.alloc(10, 0x41), frame(Buffer.alloc(30, 3))]);
      expect(frames.map((f) => f[0])).to.deep.equal([3]);
    });

    it('handles a chunk of many frames with one FLAG scan per frame (O(chunk), no rescans)', () => {
      const packets = Array.from({ length: 1000 }, (_, i) => Buffer.alloc(40, i % 100));
      const chunk = Buffer.concat(packets.map((p) => frame(p)));
      const decoder = new HdlcDecoder();
      const spy = sinon.spy(Buffer.prototype, 'indexOf');
      let count = 0;
      try {
        decoder.push(chunk, () => count++);
      } finally {
        spy.restore();
      }
      expect(count).to.equal(1000);
      // One scan to the first FLAG, one per frame body, one ESC scan for the whole chunk.
      expect(spy.callCount).to.be.at.most(1000 + 3);
    });
  });
});
