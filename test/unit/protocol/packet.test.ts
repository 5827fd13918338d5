import { createHash } from 'node:crypto';
import { expect } from 'chai';
import {
  DestinationType,
  HeaderType,
  MAX_HOPS,
  Packet,
  PacketContext,
  PacketType,
  TransportType,
  packetFields,
  packetHash,
  packetHashDigest,
  parsePacket,
  serialisePacket,
  truncatedPacketHash,
} from '../../../src/protocol';
import { VECTORS, hex, toHex } from '../../vectors/fixture';

function parsed(raw: Uint8Array): Packet {
  const result = parsePacket(raw);
  if (!result.ok) throw new Error(`malformed: ${result.reason}`);
  return result;
}

describe('protocol: packets (Python RNS vectors)', () => {
  for (const v of VECTORS.packets) {
    it(`parses ${v.name} as Python unpacks it and re-serialises it byte-exact`, () => {
      const raw = hex(v.raw);
      const p = parsed(raw);
      expect(p.headerType).to.equal(v.header_type);
      expect(p.contextFlag).to.equal(v.context_flag === 1);
      expect(p.transportType).to.equal(v.transport_type);
      expect(p.destinationType).to.equal(v.destination_type);
      expect(p.packetType).to.equal(v.packet_type);
      expect(p.hops).to.equal(v.hops);
      expect(toHex(p.transportId)).to.equal(v.transport_id);
      expect(toHex(p.destinationHash)).to.equal(v.destination_hash);
      expect(p.context).to.equal(v.context);
      expect(toHex(p.data)).to.equal(v.data);
      expect(p.ifac).to.equal(false);
      expect(serialisePacket(p).equals(raw)).to.equal(true);
      expect(serialisePacket(packetFields(p)).equals(raw)).to.equal(true);
    });

    it(`hashes ${v.name} exactly as Python does`, () => {
      const raw = hex(v.raw);
      expect(packetHash(raw).toString('hex')).to.equal(v.hash);
      expect(truncatedPacketHash(raw).toString('hex')).to.equal(v.truncated_hash);
      expect(Buffer.from(packetHashDigest(raw), 'latin1').toString('hex')).to.equal(v.hash);
      // The same bytes in a plain Uint8Array (not a Buffer) take the other copy path.
      expect(packetHash(new Uint8Array(raw)).toString('hex')).to.equal(v.hash);
    });
  }

  /** Every packet in the fixture, whatever section it is in. */
  const everyRaw: Array<[string, string]> = [
    ...VECTORS.packets.map((v): [string, string] => [`packet ${v.name}`, v.raw]),
    ...VECTORS.announces.map((v): [string, string] => [`announce ${v.name}`, v.raw]),
    ...VECTORS.link_requests.map((v): [string, string] => [`link request ${v.name}`, v.raw]),
    ...VECTORS.link_proofs.map((v): [string, string] => [`link proof ${v.name}`, v.raw]),
    ...VECTORS.path_requests.map((v): [string, string] => [`path request ${v.name}`, v.raw]),
    ...VECTORS.ifac.map((v): [string, string] => [`IFAC payload ${v.name}`, v.raw]),
  ];

  it(`re-serialises every Python packet in the fixture byte-exact (${everyRaw.length})`, () => {
    for (const [name, rawHex] of everyRaw) {
      const raw = hex(rawHex);
      expect(serialisePacket(parsed(raw)).equals(raw), name).to.equal(true);
    }
  });

  it('covers every packet type, destination type, both header types and every named context', () => {
    const packets = everyRaw.map(([, raw]) => parsed(hex(raw)));
    expect(new Set(packets.map((p) => p.packetType))).to.deep.equal(new Set(Object.values(PacketType)));
    expect(new Set(packets.map((p) => p.destinationType))).to.deep.equal(
      new Set(Object.values(DestinationType)),
    );
    expect(new Set(packets.map((p) => p.headerType))).to.deep.equal(new Set(Object.values(HeaderType)));
    expect(new Set(packets.map((p) => p.transportType))).to.deep.equal(new Set(Object.values(TransportType)));
    expect(new Set(packets.map((p) => p.context))).to.deep.equal(new Set(Object.values(PacketContext)));
    expect(packets.some((p) => p.contextFlag)).to.equal(true);
  });

  it('returns views into the input, not copies', () => {
    const raw = hex(VECTORS.packets.find((v) => v.name === 'data_single_header_2')!.raw);
    const p = parsed(raw);
    for (const view of [p.transportId!, p.destinationHash, p.data]) {
      expect(view.buffer).to.equal(raw.buffer);
    }
    expect(p.destinationHash.byteOffset - raw.byteOffset).to.equal(p.destinationOffset);
    expect(p.data.byteOffset - raw.byteOffset).to.equal(p.dataOffset);
    expect(p.destinationHash).to.equal(p.destinationHash, 'a view is made once');
  });

  it('keeps the hash when hops or the transport id change, as Python does', () => {
    const h1 = VECTORS.packets.find((v) => v.name === 'data_single')!;
    const h2 = VECTORS.packets.find((v) => v.name === 'data_single_header_2')!;
    expect(h2.hash).to.equal(h1.hash);
    const raw = hex(h2.raw);
    raw.fill(0x55, 2, 18);
    raw[1] = 9;
    expect(packetHash(raw).toString('hex')).to.equal(h1.hash);
  });

  it('hashes packets larger than the scratch buffer like small ones', () => {
    const big = Buffer.alloc(200_000, 0x5a);
    big[0] = 0x4c;
    big[1] = 0;
    const expected = Buffer.concat([Uint8Array.of(0x0c), big.subarray(18)]);
    expect(packetHash(big).toString('hex')).to.equal(createHash('sha256').update(expected).digest('hex'));
  });
});

describe('protocol: malformed packets (Python unpack limits)', () => {
  it('rejects a HEADER_1 packet under 19 bytes, accepts 19 (empty data)', () => {
    const raw = Buffer.alloc(19);
    expect(parsePacket(raw.subarray(0, 18))).to.deep.equal({ ok: false, reason: 'truncated-header' });
    expect(parsePacket(new Uint8Array(0))).to.deep.equal({ ok: false, reason: 'truncated-header' });
    const p = parsed(raw);
    expect(p.data.length).to.equal(0);
  });

  it('rejects a HEADER_2 packet under 35 bytes, accepts 35', () => {
    const raw = Buffer.alloc(35);
    raw[0] = 0x40;
    expect(parsePacket(raw.subarray(0, 34))).to.deep.equal({ ok: false, reason: 'truncated-header' });
    expect(parsed(raw).transportId!.length).to.equal(16);
  });

  it('rejects a hops byte of 128 or more, accepts 127', () => {
    const raw = Buffer.alloc(20);
    raw[1] = MAX_HOPS - 1;
    expect(parsed(raw).hops).to.equal(127);
    for (const hops of [128, 200, 255]) {
      raw[1] = hops;
      expect(parsePacket(raw)).to.deep.equal({ ok: false, reason: 'hops-out-of-range' });
    }
  });

  it('reports the IFAC flag without acting on it', () => {
    const raw = Buffer.alloc(20);
    raw[0] = 0x80;
    expect(parsed(raw).ifac).to.equal(true);
    expect(serialisePacket(parsed(raw)).equals(raw)).to.equal(true);
  });
});

describe('protocol: serialisePacket', () => {
  const base = packetFields(parsed(hex(VECTORS.packets[0].raw)));

  it('refuses fields no packet has', () => {
    expect(() => serialisePacket({ ...base, destinationHash: new Uint8Array(15) })).to.throw(RangeError);
    expect(() => serialisePacket({ ...base, headerType: HeaderType.HEADER_2 })).to.throw(
      RangeError,
      /transport id/,
    );
    expect(() =>
      serialisePacket({ ...base, headerType: HeaderType.HEADER_1, transportId: new Uint8Array(16) }),
    ).to.throw(RangeError, /no transport id/);
    expect(() => serialisePacket({ ...base, hops: 256 })).to.throw(RangeError, /hops/);
    expect(() => serialisePacket({ ...base, context: -1 })).to.throw(RangeError, /context/);
  });

  it('turns a HEADER_1 packet into the HEADER_2 form a transport node sends, same hash', () => {
    const h1 = VECTORS.packets.find((v) => v.name === 'data_single')!;
    const h2 = VECTORS.packets.find((v) => v.name === 'data_single_header_2')!;
    const p = parsed(hex(h1.raw));
    const out = serialisePacket({
      ...packetFields(p),
      headerType: HeaderType.HEADER_2,
      transportType: TransportType.TRANSPORT,
      transportId: hex(h2.transport_id!),
      hops: h2.hops,
    });
    expect(out.toString('hex')).to.equal(h2.raw);
  });
});
