import { expect } from 'chai';
import fc from 'fast-check';
import { BoundedLineSplitter } from '../../../../src/node/control/bounded-line-splitter';

describe('BoundedLineSplitter', () => {
  it('returns the same lines however the stream is chunked', () => {
    fc.assert(
      fc.property(
        fc.array(
          fc.string({ unit: 'grapheme-ascii', maxLength: 20 }).map((s) => s.replace(/[\r\n]/g, '')),
          { maxLength: 10 },
        ),
        fc.array(fc.integer({ min: 1, max: 7 }), { minLength: 1, maxLength: 10 }),
        (lines, cuts) => {
          const bytes = Buffer.from(lines.map((l) => `${l}\n`).join(''));
          const splitter = new BoundedLineSplitter(64);
          const out: string[] = [];
          let at = 0;
          for (let i = 0; at < bytes.length; i++) {
            const size = cuts[i % cuts.length];
            out.push(...splitter.push(bytes.subarray(at, at + size)));
            at += size;
          }
          expect(out).to.deep.equal(lines);
        },
      ),
    );
  });

  it('trims a trailing carriage return', () => {
    expect(new BoundedLineSplitter(10).push(Buffer.from('ab\r\ncd\n'))).to.deep.equal(['ab', 'cd']);
  });

  it('accepts a line of exactly maxBytes and refuses one byte more', () => {
    const ok = new BoundedLineSplitter(4);
    expect(ok.push(Buffer.from('abcd\n'))).to.deep.equal(['abcd']);
    expect(ok.overflow).to.equal(false);
    const tooLong = new BoundedLineSplitter(4);
    expect(tooLong.push(Buffer.from('ab'))).to.deep.equal([]);
    expect(tooLong.push(Buffer.from('cde'))).to.deep.equal([]);
    expect(tooLong.overflow).to.equal(true);
    expect(tooLong.push(Buffer.from('\nx\n'))).to.deep.equal([]);
  });

  it('returns the lines completed before an overflow in the same chunk', () => {
    const splitter = new BoundedLineSplitter(3);
    expect(splitter.push(Buffer.from('ab\nlonger'))).to.deep.equal(['ab']);
    expect(splitter.overflow).to.equal(true);
  });
});
