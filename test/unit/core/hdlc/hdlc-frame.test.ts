import { expect } from 'chai';
import fc from 'fast-check';
import { frame, framedLength, frameInto } from '../../../../src/core/hdlc';
import { hdlcBytes, hex, pythonEscape } from './hdlc-test-support';

// Produced once with Python RNS: bytes([HDLC.FLAG]) + HDLC.escape(data) + bytes([HDLC.FLAG]).
const PYTHON_FRAME_VECTORS: Array<[string, string]> = [
  ['7e', '7e7d5e7e'],
  ['7d', '7e7d5d7e'],
  ['7d7e', '7e7d5d7d5e7e'],
  ['7e7d', '7e7d5e7d5d7e'],
  ['017e027d03', '7e017d5e027d5d037e'],
  ['5d5e7d5e7e5d', '7e5d5e7d5d5e7d5e5d7e'],
  ['00ff7e7d7e7d00', '7e00ff7d5e7d5d7d5e7d5d007e'],
];

describe('hdlc frame', () => {
  for (const [input, output] of PYTHON_FRAME_VECTORS) {
    it(`frame(${input}) = ${output}`, () => {
      expect(frame(hex(input)).toString('hex')).to.equal(output);
      expect(framedLength(hex(input))).to.equal(output.length / 2);
    });
  }

  it('frames a packet without FLAG/ESC as 7E + packet + 7E (fast path)', () => {
    const packet = Buffer.alloc(500, 0x41);
    const framed = frame(packet);
    expect(framed.length).to.equal(502);
    expect(framed[0]).to.equal(0x7e);
    expect(framed[501]).to.equal(0x7e);
    expect(framed.subarray(1, 501).equals(packet)).to.be.true;
    // A copy, not a view: later changes to the packet do not alter the frame.
    packet[0] = 0;
    expect(framed[1]).to.equal(0x41);
  });

  it('frames an empty packet as two FLAGs', () => {
    expect(frame(new Uint8Array(0)).toString('hex')).to.equal('7e7e');
  });

  it('equals FLAG + Python escape + FLAG for random packets', () => {
    fc.assert(
      fc.property(hdlcBytes(0, 1000), (data) => {
        const expected = Buffer.concat([hex('7e'), pythonEscape(data), hex('7e')]);
        expect(frame(data).equals(expected)).to.be.true;
        expect(framedLength(data)).to.equal(expected.length);
      }),
    );
  });

  it('frameInto agrees with frame and batches several frames into one buffer', () => {
    fc.assert(
      fc.property(fc.array(hdlcBytes(0, 300), { maxLength: 8 }), fc.nat({ max: 10 }), (packets, start) => {
        const total = packets.reduce((sum, p) => sum + framedLength(p), 0);
        const target = Buffer.alloc(start + total, 0xcc);
        let offset = start;
        for (const p of packets) offset += frameInto(p, target, offset);
        expect(offset).to.equal(start + total);
        expect(target.subarray(start).equals(Buffer.concat(packets.map((p) => frame(p))))).to.be.true;
        expect(target.subarray(0, start).every((b) => b === 0xcc)).to.be.true;
      }),
    );
  });

  it('frameInto throws RangeError when the target is too small', () => {
    expect(() => frameInto(hex('0102'), Buffer.alloc(3), 0)).to.throw(RangeError);
    // Room for the escaped body but not for the closing FLAG, then not even for the body.
    expect(() => frameInto(hex('7e7e'), Buffer.alloc(5), 0)).to.throw(RangeError);
    expect(() => frameInto(hex('7e7e'), Buffer.alloc(4), 0)).to.throw(RangeError);
    const exact = Buffer.alloc(6);
    expect(frameInto(hex('7e7e'), exact, 0)).to.equal(6);
    expect(exact.equals(frame(hex('7e7e')))).to.be.true;
  });
});
