import { expect } from 'chai';
import {
  FLAG,
  FRAME_SIZE,
  FrameBatch,
  PACKET_SIZE,
  frameTimestampUs,
  get7,
  put7,
} from '../../../bench/socket/bench-frames';
import { HdlcDecoder } from '../../../src/core/hdlc';

describe('bench frames', () => {
  it('put7/get7 round-trip values past 32 bits without producing FLAG or ESC bytes', () => {
    const buf = Buffer.alloc(8);
    for (const value of [0, 1, 127, 128, 2 ** 31, 2 ** 40 + 12345, 2 ** 53 - 1]) {
      put7(buf, 0, 8, value);
      expect(get7(buf, 0, 8)).to.equal(value);
      expect(buf.includes(0x7e)).to.be.false;
      expect(buf.includes(0x7d)).to.be.false;
    }
  });

  it('builds whole frames that need no escaping and decode to 500-byte HEADER_1 packets', () => {
    const batch = new FrameBatch(3, 4, 1);
    batch.stamp(0x10000000 - 2, 1_234_567_890_123);
    expect(batch.buffer.length).to.equal(4 * FRAME_SIZE);
    const packets: Buffer[] = [];
    new HdlcDecoder().push(batch.buffer, (p) => packets.push(Buffer.from(p)));
    expect(packets).to.have.length(4);
    for (let f = 0; f < 4; f++) {
      const frame = batch.buffer.subarray(f * FRAME_SIZE, (f + 1) * FRAME_SIZE);
      expect(frame[0]).to.equal(FLAG);
      expect(frame[FRAME_SIZE - 1]).to.equal(FLAG);
      expect(frame.subarray(1, -1).includes(FLAG)).to.be.false;
      expect(frame.subarray(1, -1).includes(0x7d)).to.be.false;
      expect(frameTimestampUs(batch.buffer, f * FRAME_SIZE)).to.equal(1_234_567_890_123);
      expect(packets[f]).to.have.length(PACKET_SIZE);
      expect(packets[f][0] & 0x40).to.equal(0); // HEADER_1
      // Sequence numbers run on across the 28-bit split.
      expect(get7(packets[f], 10, 8)).to.equal(0x10000000 - 2 + f);
      expect(get7(packets[f], 6, 4)).to.equal(3);
    }
  });

  it('gives every frame of every sender a distinct destination hash', () => {
    const seen = new Set<string>();
    for (const sender of [0, 1]) {
      const batch = new FrameBatch(sender, 8, 0);
      for (let round = 0; round < 3; round++) {
        batch.stamp(round * 8, 42);
        for (let f = 0; f < 8; f++) {
          seen.add(batch.buffer.subarray(f * FRAME_SIZE + 3, f * FRAME_SIZE + 19).toString('hex'));
        }
      }
    }
    expect(seen.size).to.equal(2 * 3 * 8);
  });

  it('stamps only the first frames when asked for fewer', () => {
    const batch = new FrameBatch(0, 3, 0);
    batch.stamp(0, 5);
    batch.stamp(100, 9, 1);
    expect(frameTimestampUs(batch.buffer, 0)).to.equal(9);
    expect(frameTimestampUs(batch.buffer, FRAME_SIZE)).to.equal(5);
  });
});
