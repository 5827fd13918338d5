import { execFile } from 'node:child_process';
import * as path from 'node:path';
import { expect } from 'chai';
import { PacketKeyHasher, hasIfacFlag, packetContext, packetHash } from '../../../../src/node/relay';
import { findPythonRns, PythonRns } from '../../../helpers/python-rns-locator';
import { PYTHON_PACKET_HASH_VECTORS } from './python-packet-hash-vectors';

function hex(value: string): Buffer {
  return Buffer.from(value, 'hex');
}

/** The key PacketKeyHasher must produce: the first 8 digest bytes as two little-endian int32s. */
function expectedKey(digest: Buffer): [number, number] {
  return [digest.readInt32LE(0), digest.readInt32LE(4)];
}

function vector(name: string): { raw: Buffer; hash: string; context: number } {
  const found = PYTHON_PACKET_HASH_VECTORS.find((v) => v.name === name);
  if (!found) throw new Error(`no vector ${name}`);
  return { raw: hex(found.raw), hash: found.hash, context: found.context };
}

describe('relay packet hash', () => {
  for (const v of PYTHON_PACKET_HASH_VECTORS) {
    it(`matches Python RNS for ${v.name}`, () => {
      const raw = hex(v.raw);
      expect(packetHash(raw).toString('hex')).to.equal(v.hash);
      expect(packetContext(raw)).to.equal(v.context);
      const keys = new PacketKeyHasher();
      keys.keyPacket(raw);
      expect([keys.high, keys.low]).to.deep.equal(expectedKey(hex(v.hash)));
    });
  }

  it('excludes the transport id of a HEADER_2 packet (same hash as its HEADER_1 form)', () => {
    expect(vector('data_h2').hash).to.equal(vector('data_h1').hash);
    expect(vector('announce_h2').hash).to.equal(vector('announce_h1').hash);
    const h2 = Buffer.from(vector('data_h2').raw);
    h2.fill(0x55, 2, 18);
    expect(packetHash(h2).toString('hex')).to.equal(vector('data_h1').hash);
  });

  it('does not change when only the hops byte changes', () => {
    const raw = Buffer.from(vector('data_h1').raw);
    const before = packetHash(raw).toString('hex');
    for (const hops of [1, 7, 127, 255]) {
      raw[1] = hops;
      expect(packetHash(raw).toString('hex')).to.equal(before);
    }
  });

  it('changes when a hashed byte changes (flags low nibble, destination, payload)', () => {
    const raw = vector('data_h1').raw;
    const before = packetHash(raw).toString('hex');
    for (const index of [0, 2, raw.length - 1]) {
      const copy = Buffer.from(raw);
      copy[index] ^= 0x01;
      expect(packetHash(copy).toString('hex'), `byte ${index}`).to.not.equal(before);
    }
  });

  it('keys packets larger than the scratch buffer like packetHash does', () => {
    const big = Buffer.alloc(200_000, 0x5a);
    big[0] = 0x4c; // HEADER_2 link data
    const keys = new PacketKeyHasher();
    keys.keyPacket(big);
    expect([keys.high, keys.low]).to.deep.equal(expectedKey(packetHash(big)));
    const small = vector('plain_h1').raw;
    keys.keyPacket(small);
    expect([keys.high, keys.low]).to.deep.equal(expectedKey(packetHash(small)));
  });

  it('keys whole frames so hops and transport id count', () => {
    const keys = new PacketKeyHasher();
    const raw = vector('announce_h1').raw;
    keys.keyFrame(raw);
    const first = [keys.high, keys.low];
    const hopped = Buffer.from(raw);
    hopped[1] = 1;
    keys.keyFrame(hopped);
    expect([keys.high, keys.low]).to.not.deep.equal(first);
    keys.keyFrame(Buffer.from(raw));
    expect([keys.high, keys.low]).to.deep.equal(first);
  });

  it('reads the context at offset 18 (HEADER_1) or 34 (HEADER_2), undefined when too short', () => {
    const h1 = Buffer.alloc(19);
    h1[18] = 0xfa;
    expect(packetContext(h1)).to.equal(0xfa);
    expect(packetContext(h1.subarray(0, 18))).to.equal(undefined);
    const h2 = Buffer.alloc(35);
    h2[0] = 0x40;
    h2[18] = 0x01;
    h2[34] = 0x0e;
    expect(packetContext(h2)).to.equal(0x0e);
    expect(packetContext(h2.subarray(0, 34))).to.equal(undefined);
  });

  it('reads the IFAC flag from bit 7 of byte 0', () => {
    expect(hasIfacFlag(Uint8Array.of(0x80, 0))).to.equal(true);
    expect(hasIfacFlag(Uint8Array.of(0x7f, 0))).to.equal(false);
    expect(hasIfacFlag(new Uint8Array(0))).to.equal(false);
  });
});

function runPython(rns: PythonRns, script: string): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(rns.python, [script], { env: rns.env, timeout: 8000 }, (error, stdout) =>
      error ? reject(error) : resolve(stdout),
    );
  });
}

describe('relay packet hash against live Python RNS', function () {
  const script = path.join(__dirname, 'packet-hash-vectors.py');
  let output = '';

  before(async function () {
    const rns = await findPythonRns();
    // Optional external tool: skip cleanly without Python RNS (set RNS_PYTHON_PATH to run).
    if (rns === undefined) this.skip();
    output = await runPython(rns, script);
  });

  it('hashes freshly built Python packets (new randomness each run) the same way', () => {
    const lines = output.trim().split('\n');
    expect(lines.length).to.be.greaterThan(5);
    for (const line of lines) {
      const [name, raw, hash, context] = line.split(' ');
      const packet = hex(raw);
      expect(packetHash(packet).toString('hex'), name).to.equal(hash);
      expect(packetContext(packet), name).to.equal(Number(context));
    }
  });
});
