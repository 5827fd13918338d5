/**
 * Fuzz and property checks of the stream decoder that the unit suite (test/unit/core/hdlc) does
 * not make: the `2 × hwMtu` bound at every step (also inside `onFrame`, mid-chunk) for random
 * streams under random chunking and random bounds, only the documented errors, and no
 * super-linear path (each hostile shape of a few MB decodes within a time bound).
 */
import { expect } from 'chai';
import fc from 'fast-check';
import { HEADER_MINSIZE } from '../../src/core/constants';
import { frame, HDLC_ESC, HDLC_FLAG, HdlcDecoder } from '../../src/core/hdlc';
import { SeededRandom } from './support/hostile-clients';

/** A piece of a hostile stream: a valid frame, random bytes, a long unterminated run, escapes. */
const streamPiece = (hwMtu: number): fc.Arbitrary<Buffer> =>
  fc.oneof(
    fc.uint8Array({ minLength: 20, maxLength: hwMtu + 40 }).map((a) => frame(a)),
    fc.uint8Array({ maxLength: 3 * hwMtu }).map((a) => Buffer.from(a)),
    fc
      .integer({ min: 1, max: 3 * hwMtu })
      .map((n) => Buffer.concat([Buffer.of(HDLC_FLAG), Buffer.alloc(n, 0x41)])),
    fc.integer({ min: 1, max: 2 * hwMtu }).map((n) => Buffer.alloc(n, HDLC_ESC)),
    fc.constantFrom(Buffer.of(HDLC_FLAG), Buffer.of(HDLC_FLAG, HDLC_FLAG), Buffer.of(HDLC_ESC, 0x5e)),
  );

/** Cuts `stream` into pieces at the (sorted, deduplicated) cut points, each a fresh buffer. */
function chunked(stream: Buffer, cuts: number[]): Buffer[] {
  const points = [...new Set(cuts.map((c) => (stream.length === 0 ? 0 : c % stream.length)))]
    .filter((c) => c > 0)
    .sort((a, b) => a - b);
  const chunks: Buffer[] = [];
  let previous = 0;
  for (const point of [...points, stream.length]) {
    chunks.push(Buffer.from(stream.subarray(previous, point)));
    previous = point;
  }
  return chunks;
}

/** Decodes `chunks` while checking the bound before, during (in onFrame) and after each push. */
function decodeChecked(decoder: HdlcDecoder, hwMtu: number, chunks: Buffer[]): number {
  const bound = 2 * hwMtu;
  let frames = 0;
  for (const chunk of chunks) {
    decoder.push(chunk, (f) => {
      frames++;
      expect(f.length).to.be.within(HEADER_MINSIZE + 1, hwMtu);
      expect(decoder.bufferedBytes).to.be.at.most(bound);
    });
    expect(decoder.bufferedBytes).to.be.at.most(bound);
  }
  return frames;
}

describe('robustness: HDLC decoder fuzz', () => {
  it('never buffers more than 2 x hwMtu at any step of random streams under random chunking', () => {
    fc.assert(
      fc.property(
        fc
          .integer({ min: 20, max: 600 })
          .chain((hwMtu) =>
            fc.tuple(
              fc.constant(hwMtu),
              fc.array(streamPiece(hwMtu), { maxLength: 16 }),
              fc.array(fc.nat(), { maxLength: 60 }),
            ),
          ),
        ([hwMtu, pieces, cuts]) => {
          const stream = Buffer.concat(pieces);
          const decoder = new HdlcDecoder({ hwMtu });
          const frames = decodeChecked(decoder, hwMtu, chunked(stream, cuts));
          const { stats } = decoder;
          expect(stats.frames).to.equal(frames);
          // Every byte is accounted at most once: nothing is invented.
          expect(stats.discardedBytes).to.be.at.most(stream.length);
          // Appending a FLAG and a valid frame always resyncs: the frame comes out whole.
          const tail = Buffer.alloc(Math.min(hwMtu, 40), 0x33);
          const after: Buffer[] = [];
          decoder.push(Buffer.concat([Buffer.of(HDLC_FLAG), frame(tail)]), (f) => after.push(Buffer.from(f)));
          expect(after.at(-1)?.equals(tail)).to.equal(true);
          expect(decoder.bufferedBytes).to.equal(0);
        },
      ),
      { numRuns: 400 },
    );
  });

  it('keeps the bound on MB-sized seeded random streams in random chunk sizes', () => {
    for (const seed of [1, 2, 3]) {
      const rng = new SeededRandom(seed);
      const hwMtu = rng.int(64, 4096);
      const stream = rng.bytes(2 * 1024 * 1024);
      // Thin the FLAGs of one region so long unterminated runs (overflows) occur too.
      for (let i = 500_000; i < 1_500_000; i++) if (stream[i] === HDLC_FLAG) stream[i] = 0;
      const chunks: Buffer[] = [];
      for (let offset = 0; offset < stream.length;) {
        const size = rng.int(1, 3 * hwMtu);
        chunks.push(stream.subarray(offset, offset + size));
        offset += size;
      }
      const decoder = new HdlcDecoder({ hwMtu });
      decodeChecked(decoder, hwMtu, chunks);
      expect(decoder.stats.overflows, `seed ${seed}`).to.be.greaterThan(0);
    }
  });

  it('throws only the documented errors: RangeError for a bad hwMtu, and what onFrame throws', () => {
    fc.assert(
      fc.property(
        fc.oneof(fc.double(), fc.integer(), fc.constantFrom(0, -1, 0.5, NaN, Infinity, 2 ** 53)),
        (hwMtu) => {
          try {
            new HdlcDecoder({ hwMtu });
            expect(Number.isSafeInteger(hwMtu) && hwMtu > 0).to.equal(true);
          } catch (error) {
            expect(error).to.be.instanceOf(RangeError);
          }
        },
      ),
      { numRuns: 300 },
    );
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 2000 }), fc.nat({ max: 5 }), (bytes, throwAt) => {
        const decoder = new HdlcDecoder({ hwMtu: 256 });
        const boom = new Error('listener failed');
        let seen = 0;
        const chunk = Buffer.concat([
          Buffer.from(bytes),
          frame(Buffer.alloc(30, 1)),
          frame(Buffer.alloc(31, 2)),
        ]);
        try {
          decoder.push(chunk, () => {
            if (seen++ === throwAt) throw boom;
          });
        } catch (error) {
          // The listener's own error, unchanged, and the decoder resynced (holds nothing).
          expect(error).to.equal(boom);
          expect(decoder.bufferedBytes).to.equal(0);
        }
        const out: Buffer[] = [];
        decoder.push(frame(Buffer.alloc(25, 3)), (f) => out.push(f));
        expect(out.at(-1)?.equals(Buffer.alloc(25, 3))).to.equal(true);
      }),
      { numRuns: 300 },
    );
  });

  it('decodes hostile shapes of 4 MB in linear time (no hang, no super-linear path)', () => {
    const size = 4 * 1024 * 1024;
    const rng = new SeededRandom(7);
    const shapes: Record<string, Buffer> = {
      'random bytes': rng.bytes(size),
      'all FLAG': Buffer.alloc(size, HDLC_FLAG),
      'all ESC after one FLAG': Buffer.concat([Buffer.of(HDLC_FLAG), Buffer.alloc(size, HDLC_ESC)]),
      'ESC FLAG pairs': Buffer.alloc(size).fill(Buffer.of(HDLC_ESC, HDLC_FLAG)),
      'tiny frames': Buffer.alloc(size).fill(Buffer.concat([Buffer.of(HDLC_FLAG), Buffer.alloc(5, 1)])),
      'escaped 21-byte frames': Buffer.alloc(size).fill(frame(Buffer.alloc(21, HDLC_FLAG))),
      'no FLAG at all': Buffer.alloc(size, 0x41),
    };
    for (const [name, stream] of Object.entries(shapes)) {
      for (const chunkSize of [17, 1500, 65536]) {
        const decoder = new HdlcDecoder();
        const started = process.hrtime.bigint();
        for (let offset = 0; offset < stream.length; offset += chunkSize) {
          decoder.push(stream.subarray(offset, offset + chunkSize), () => undefined);
        }
        const ms = Number(process.hrtime.bigint() - started) / 1e6;
        // A linear decoder takes a few ms per MB even in 17-byte chunks; 1.5 s for 4 MB leaves a
        // wide margin for slow CI while any quadratic path (seconds per MB) still fails.
        expect(ms, `${name} in ${chunkSize}-byte chunks`).to.be.below(1500);
      }
    }
  });

  it('grows a long partial frame fed in tiny chunks with amortised O(1) copying', () => {
    // 1 MiB arriving 16 bytes at a time: with per-chunk reallocation this is ~2^36 byte copies.
    const decoder = new HdlcDecoder();
    const piece = Buffer.alloc(16, 0x41);
    const started = process.hrtime.bigint();
    decoder.push(Buffer.of(HDLC_FLAG), () => undefined);
    for (let i = 0; i < 65_536; i++) decoder.push(piece, () => undefined);
    let delivered = 0;
    decoder.push(Buffer.of(HDLC_FLAG), (f) => (delivered = f.length));
    expect(delivered).to.equal(1024 * 1024);
    expect(Number(process.hrtime.bigint() - started) / 1e6).to.be.below(1500);
  });
});
