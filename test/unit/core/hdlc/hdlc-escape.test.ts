import { expect } from 'chai';
import fc from 'fast-check';
import {
  escape,
  escapedLength,
  escapeInto,
  unescape,
  unescapeInPlace,
  unescapeInto,
} from '../../../../src/core/hdlc';
import { hdlcBytes, hex, pythonEscape, pythonUnescape } from './hdlc-test-support';

// Vectors produced once with Python RNS 1.4.2 (`HDLC.escape`, and the two replaces of
// `BackboneClientInterface.receive`), pasted as literals: [input, output].
const PYTHON_ESCAPE_VECTORS: Array<[string, string]> = [
  ['7e', '7d5e'],
  ['7d', '7d5d'],
  ['7d7e', '7d5d7d5e'],
  ['7e7d', '7d5e7d5d'],
  ['7d7d', '7d5d7d5d'],
  ['7e7e', '7d5e7d5e'],
  ['017e027d03', '017d5e027d5d03'],
  ['5d5e7d5e7e5d', '5d5e7d5d5e7d5e5d'],
  ['7d5e', '7d5d5e'],
  ['7d5d', '7d5d5d'],
  ['00ff7e7d7e7d00', '00ff7d5e7d5d7d5e7d5d00'],
];

const PYTHON_UNESCAPE_VECTORS: Array<[string, string]> = [
  ['7d5e', '7e'],
  ['7d5d', '7d'],
  ['7d', '7d'],
  ['7d7d', '7d7d'],
  ['7d7d5e', '7d7e'],
  ['7d7d5d', '7d7d'],
  ['7d5d5e', '7d5e'],
  ['7d5d5d', '7d5d'],
  ['7d00', '7d00'],
  ['7d7e', '7d7e'],
  ['7d5e7d5d', '7e7d'],
  ['417d4142', '417d4142'],
  ['7d7d7d5e5d', '7d7d7e5d'],
  ['7d5f7d5c', '7d5f7d5c'],
  ['5e7d', '5e7d'],
];

describe('hdlc escape', () => {
  describe('known vectors (Python RNS)', () => {
    for (const [input, output] of PYTHON_ESCAPE_VECTORS) {
      it(`escape(${input}) = ${output}`, () => {
        expect(escape(hex(input)).toString('hex')).to.equal(output);
        expect(escapedLength(hex(input))).to.equal(output.length / 2);
      });
    }
    for (const [input, output] of PYTHON_UNESCAPE_VECTORS) {
      it(`unescape(${input}) = ${output}`, () => {
        expect(unescape(hex(input)).toString('hex')).to.equal(output);
      });
    }
  });

  it('escape of empty data is empty', () => {
    expect(escape(Buffer.alloc(0)).length).to.equal(0);
    expect(escapedLength(new Uint8Array(0))).to.equal(0);
  });

  it('accepts a plain Uint8Array that is a window into a larger ArrayBuffer', () => {
    const backing = new Uint8Array([0xaa, 0x7e, 0x01, 0x7d, 0xbb]);
    const window = backing.subarray(1, 4);
    expect(escape(window).toString('hex')).to.equal('7d5e017d5d');
    expect(unescape(new Uint8Array([0x7d, 0x5e, 0x02])).toString('hex')).to.equal('7e02');
  });

  it('matches the Python two-replace escape for random data', () => {
    fc.assert(
      fc.property(hdlcBytes(0, 600), (data) => {
        expect(escape(data).equals(pythonEscape(data))).to.be.true;
        expect(escapedLength(data)).to.equal(pythonEscape(data).length);
      }),
    );
  });

  it('matches the Python two-replace unescape for random data, including invalid escapes', () => {
    fc.assert(
      fc.property(hdlcBytes(0, 600), (data) => {
        expect(unescape(data).equals(pythonUnescape(data))).to.be.true;
      }),
    );
  });

  it('round-trips: unescape(escape(x)) = x, and escaped data has no FLAG', () => {
    fc.assert(
      fc.property(hdlcBytes(0, 2000), (data) => {
        const escaped = escape(data);
        expect(escaped.indexOf(0x7e)).to.equal(-1);
        expect(unescape(escaped).equals(data)).to.be.true;
      }),
    );
  });

  it('escapeInto agrees with escape at any offset and leaves the surrounding bytes alone', () => {
    fc.assert(
      fc.property(hdlcBytes(0, 600), fc.nat({ max: 40 }), (data, offset) => {
        const expected = escape(data);
        const target = Buffer.alloc(offset + expected.length + 3, 0xcc);
        expect(escapeInto(data, target, offset)).to.equal(expected.length);
        expect(target.subarray(offset, offset + expected.length).equals(expected)).to.be.true;
        expect(target.subarray(0, offset).every((b) => b === 0xcc)).to.be.true;
        expect(target.subarray(offset + expected.length).every((b) => b === 0xcc)).to.be.true;
      }),
    );
  });

  it('escapeInto throws RangeError when the target is too small', () => {
    expect(() => escapeInto(hex('01027e'), Buffer.alloc(3), 0)).to.throw(RangeError);
    expect(() => escapeInto(hex('010203'), Buffer.alloc(3), 1)).to.throw(RangeError);
    expect(escapeInto(hex('010203'), Buffer.alloc(4), 1)).to.equal(3);
  });

  it('unescape returns a view, not a copy, when there is no ESC', () => {
    const data = hex('0102037e0405');
    const result = unescape(data);
    expect(result).to.equal(data);
    const plain = new Uint8Array([1, 2, 3]);
    const view = unescape(plain);
    expect(view.buffer).to.equal(plain.buffer);
  });

  it('unescape copies (never aliases the input) when there is an ESC', () => {
    const data = hex('017d5e02');
    const result = unescape(data);
    expect(result.toString('hex')).to.equal('017e02');
    data.fill(0);
    expect(result.toString('hex')).to.equal('017e02');
  });

  it('unescapeInto works in place and at an offset', () => {
    fc.assert(
      fc.property(hdlcBytes(0, 300), fc.nat({ max: 16 }), (data, offset) => {
        const expected = pythonUnescape(data);
        const inPlace = Buffer.from(data);
        expect(unescapeInto(inPlace, inPlace, 0)).to.equal(expected.length);
        expect(inPlace.subarray(0, expected.length).equals(expected)).to.be.true;
        const target = Buffer.alloc(offset + data.length);
        expect(unescapeInto(data, target, offset)).to.equal(expected.length);
        expect(target.subarray(offset, offset + expected.length).equals(expected)).to.be.true;
      }),
    );
    expect(() => unescapeInto(hex('0102'), Buffer.alloc(2), 1)).to.throw(RangeError);
  });

  it('unescapeInPlace gives what Python gives, within the range only, whatever surrounds it', () => {
    fc.assert(
      fc.property(hdlcBytes(0, 16), hdlcBytes(0, 300), hdlcBytes(0, 16), (before, data, after) => {
        const expected = pythonUnescape(data);
        const buffer = Buffer.concat([before, data, after]);
        const start = before.length;
        const end = start + data.length;
        const unescapedEnd = unescapeInPlace(buffer, start, end);
        expect(unescapedEnd - start).to.equal(expected.length);
        expect(buffer.subarray(start, unescapedEnd).equals(expected)).to.be.true;
        expect(buffer.subarray(0, start).equals(before)).to.be.true;
        expect(buffer.subarray(end).equals(after)).to.be.true;
      }),
      { numRuns: 500 },
    );
    // Invalid escapes, a trailing lone ESC and an ESC just past the range.
    const buffer = hex('7d7d5d7d017d5e7d7d5e');
    expect(unescapeInPlace(buffer, 0, 8)).to.equal(6);
    expect(buffer.subarray(0, 6).toString('hex')).to.equal('7d7d7d017e7d');
    expect(buffer.subarray(8).toString('hex')).to.equal('7d5e');
  });
});
