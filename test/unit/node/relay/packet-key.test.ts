import { expect } from 'chai';
import { PacketKeyHasher } from '../../../../src/node/relay';
import { packetHash } from '../../../../src/protocol';
import { VECTORS, hex } from '../../../vectors/fixture';

/** The key PacketKeyHasher must produce: the first 8 digest bytes as two little-endian int32s. */
function expectedKey(digest: Buffer): [number, number] {
  return [digest.readInt32LE(0), digest.readInt32LE(4)];
}

describe('relay dedup keys', () => {
  for (const v of VECTORS.packets) {
    it(`keys ${v.name} by the first 64 bits of its Python packet hash`, () => {
      const keys = new PacketKeyHasher();
      keys.keyPacket(hex(v.raw));
      expect([keys.high, keys.low]).to.deep.equal(expectedKey(hex(v.hash)));
    });
  }

  it('keys packets larger than the hash scratch buffer like packetHash does', () => {
    const big = Buffer.alloc(200_000, 0x5a);
    big[0] = 0x4c;
    const keys = new PacketKeyHasher();
    keys.keyPacket(big);
    expect([keys.high, keys.low]).to.deep.equal(expectedKey(packetHash(big)));
  });

  it('keys whole frames so hops and transport id count', () => {
    const keys = new PacketKeyHasher();
    const raw = hex(VECTORS.packets.find((v) => v.name === 'announce')!.raw);
    keys.keyFrame(raw);
    const first = [keys.high, keys.low];
    const hopped = Buffer.from(raw);
    hopped[1] = 1;
    keys.keyFrame(hopped);
    expect([keys.high, keys.low]).to.not.deep.equal(first);
    keys.keyFrame(Buffer.from(raw));
    expect([keys.high, keys.low]).to.deep.equal(first);
  });
});
