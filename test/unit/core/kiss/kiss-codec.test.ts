import { readFileSync } from 'node:fs';
import path from 'node:path';
import { expect } from 'chai';
import fc from 'fast-check';
import { HEADER_MINSIZE } from '../../../../src/core/constants';
import {
  KISS_FEND,
  KISS_FESC,
  KissDecoder,
  kissEscape,
  kissFrame,
  kissFramedLength,
  kissFrameInto,
} from '../../../../src/core/kiss';

interface KissVectors {
  readonly encode: ReadonlyArray<{ readonly packet: string; readonly framed: string }>;
  readonly decode: ReadonlyArray<{
    readonly name: string;
    readonly hw_mtu: number;
    readonly chunks: readonly string[];
    readonly frames: readonly string[];
  }>;
}

/** Made by test/vectors/generate-kiss.py with Python RNS 1.4.2's TCPInterface. */
const VECTORS = JSON.parse(
  readFileSync(path.join(__dirname, '../../../vectors/python-kiss-vectors.json'), 'utf8'),
) as KissVectors;

function decodeAll(decoder: KissDecoder, chunks: readonly Buffer[]): Buffer[] {
  const frames: Buffer[] = [];
  for (const chunk of chunks) decoder.push(chunk, (f) => frames.push(f));
  return frames;
}

/** Cuts `stream` at the given points into fresh buffers. */
function cut(stream: Buffer, cuts: readonly number[]): Buffer[] {
  const points = [...new Set(cuts.map((c) => c % Math.max(1, stream.length)))]
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

/** Packets heavy in the bytes KISS escapes. */
const packet = (maxLength: number) =>
  fc
    .array(fc.oneof(fc.constantFrom(KISS_FEND, KISS_FESC, 0xdc, 0xdd), fc.integer({ min: 0, max: 255 })), {
      minLength: HEADER_MINSIZE + 1,
      maxLength,
    })
    .map((bytes) => Buffer.from(bytes));

describe('KISS framing', () => {
  describe('against Python RNS (TCPInterface with kiss_framing)', () => {
    it('frames every packet byte for byte as Python sends it', () => {
      expect(VECTORS.encode.length).to.be.greaterThan(5);
      for (const { packet: hex, framed } of VECTORS.encode) {
        const data = Buffer.from(hex, 'hex');
        expect(kissFrame(data).toString('hex')).to.equal(framed);
        expect(kissFramedLength(data)).to.equal(framed.length / 2);
      }
    });

    for (const vector of VECTORS.decode) {
      it(`reads what Python's read loop reads: ${vector.name}`, () => {
        const decoder = new KissDecoder({ hwMtu: vector.hw_mtu });
        const frames = decodeAll(
          decoder,
          vector.chunks.map((c) => Buffer.from(c, 'hex')),
        );
        expect(frames.map((f) => f.toString('hex'))).to.deep.equal(vector.frames);
        expect(decoder.bufferedBytes).to.equal(0);
      });
    }
  });

  describe('encoding', () => {
    it('escapes FESC before FEND, as two replace passes do', () => {
      expect(kissEscape(Buffer.of(0xc0, 0xdb, 0xdc, 0xdd, 0x01)).toString('hex')).to.equal('dbdcdbdddcdd01');
    });

    it('refuses a target without room, and writes at an offset', () => {
      const data = Buffer.alloc(24, 0xc0);
      expect(() => kissFrameInto(data, Buffer.alloc(10), 0)).to.throw(RangeError);
      const target = Buffer.alloc(kissFramedLength(data) + 4, 0xaa);
      expect(kissFrameInto(data, target, 4)).to.equal(kissFramedLength(data));
      expect(target.subarray(4).equals(kissFrame(data))).to.equal(true);
      expect(target.subarray(0, 4).equals(Buffer.alloc(4, 0xaa))).to.equal(true);
    });
  });

  describe('decoding', () => {
    it('round-trips random packets under random chunking', () => {
      fc.assert(
        fc.property(
          fc.array(packet(700), { maxLength: 8 }),
          fc.array(fc.nat(), { maxLength: 30 }),
          (packets, cuts) => {
            const stream = Buffer.concat(packets.map((p) => kissFrame(p)));
            const decoder = new KissDecoder({ hwMtu: 700 });
            const frames = decodeAll(decoder, cut(stream, cuts));
            expect(frames.map((f) => f.toString('hex'))).to.deep.equal(packets.map((p) => p.toString('hex')));
            expect(decoder.stats.frames).to.equal(packets.length);
            expect(decoder.bufferedBytes).to.equal(0);
            expect(decoder.retainedBytes).to.equal(0);
          },
        ),
      );
    });

    it('drops short frames (<= 19 bytes) and counts them, as check_frame_len does', () => {
      const decoder = new KissDecoder();
      const frames = decodeAll(decoder, [
        kissFrame(Buffer.alloc(HEADER_MINSIZE, 1)),
        Buffer.of(KISS_FEND, 0x00, KISS_FEND),
        kissFrame(Buffer.alloc(HEADER_MINSIZE + 1, 2)),
      ]);
      expect(frames.map((f) => f.length)).to.deep.equal([HEADER_MINSIZE + 1]);
      expect(decoder.stats.droppedShort).to.equal(2);
    });

    it('drops a frame over hwMtu whole (Python would deliver it truncated) and reads the next', () => {
      const decoder = new KissDecoder({ hwMtu: 100 });
      const next = Buffer.alloc(40, 7);
      const frames = decodeAll(decoder, [
        kissFrame(Buffer.alloc(101, 3)).subarray(0, 60),
        kissFrame(Buffer.alloc(101, 3)).subarray(60),
        kissFrame(next),
      ]);
      expect(frames.map((f) => f.toString('hex'))).to.deep.equal([next.toString('hex')]);
      expect(decoder.stats.droppedOversize).to.equal(1);
      // Escaped bytes count once unescaped: 100 FENDs (200 bytes on the wire) fit.
      const full = Buffer.alloc(100, KISS_FEND);
      expect(decodeAll(new KissDecoder({ hwMtu: 100 }), [kissFrame(full)])[0]?.equals(full)).to.equal(true);
    });

    it('never holds more than hwMtu bytes, and nothing once the frame is dropped', () => {
      const decoder = new KissDecoder({ hwMtu: 256 });
      decoder.push(Buffer.concat([Buffer.of(KISS_FEND, 0), Buffer.alloc(200, 1)]), () => undefined);
      expect(decoder.bufferedBytes).to.equal(200);
      expect(decoder.partialsStarted).to.equal(1);
      decoder.push(Buffer.alloc(100, 1), () => undefined);
      expect(decoder.bufferedBytes).to.equal(0);
      expect(decoder.retainedBytes).to.equal(0);
    });

    it('skips frames of other commands and counts bytes outside data frames as discarded', () => {
      const decoder = new KissDecoder();
      const data = Buffer.alloc(30, 9);
      const frames = decodeAll(decoder, [
        Buffer.concat([Buffer.from('junk'), Buffer.of(KISS_FEND, 0x01, 0x32, KISS_FEND), kissFrame(data)]),
      ]);
      expect(frames).to.have.length(1);
      expect(decoder.stats.discardedBytes).to.equal(4 + 2);
    });

    it('resyncs after a throwing listener, at the next FEND', () => {
      const decoder = new KissDecoder();
      const data = Buffer.alloc(30, 5);
      expect(() =>
        decoder.push(Buffer.concat([kissFrame(data), kissFrame(data)]), () => {
          throw new Error('listener');
        }),
      ).to.throw('listener');
      expect(decodeAll(decoder, [kissFrame(data)])).to.have.length(1);
    });

    it('survives hostile streams: bounded, only documented drops, and resyncs on a valid frame', () => {
      const piece = fc.oneof(
        packet(300).map((p) => kissFrame(p)),
        fc.uint8Array({ maxLength: 600 }).map((a) => Buffer.from(a)),
        fc
          .integer({ min: 1, max: 600 })
          .map((n) => Buffer.concat([Buffer.of(KISS_FEND, 0), Buffer.alloc(n, 0x41)])),
        fc.integer({ min: 1, max: 300 }).map((n) => Buffer.alloc(n, KISS_FESC)),
        fc.constantFrom(Buffer.of(KISS_FEND), Buffer.of(KISS_FEND, KISS_FEND), Buffer.of(KISS_FESC, 0xdc)),
      );
      fc.assert(
        fc.property(
          fc.array(piece, { maxLength: 12 }),
          fc.array(fc.nat(), { maxLength: 40 }),
          (pieces, cuts) => {
            const hwMtu = 256;
            const decoder = new KissDecoder({ hwMtu });
            for (const chunk of cut(Buffer.concat(pieces), cuts)) {
              decoder.push(chunk, (f) => expect(f.length).to.be.within(HEADER_MINSIZE + 1, hwMtu));
              expect(decoder.bufferedBytes).to.be.at.most(hwMtu);
              expect(decoder.retainedBytes).to.be.at.most(hwMtu);
            }
            // Two FENDs end whatever is open; then a valid frame comes out whole.
            const tail = Buffer.alloc(40, 0x33);
            const after = decodeAll(decoder, [Buffer.of(KISS_FEND, KISS_FEND), kissFrame(tail)]);
            expect(after.at(-1)?.equals(tail)).to.equal(true);
          },
        ),
      );
    });
  });
});
