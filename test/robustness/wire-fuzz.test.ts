/**
 * Property tests of the wire layer on random bytes and on mutated Python packets: the parsers
 * never throw, every field they return is a view inside the input, no field is undefined or NaN,
 * and parse and serialise are inverses.
 */
import { expect } from 'chai';
import fc from 'fast-check';
import {
  AnnounceValidator,
  InterfaceAccessCode,
  Packet,
  PacketFields,
  PublicIdentity,
  linkIdFromLinkRequest,
  linkProofSignalling,
  linkRequestSignalling,
  packetFields,
  packetHash,
  parseAnnounce,
  parsePacket,
  parsePathRequest,
  serialisePacket,
  validateLinkProof,
} from '../../src/protocol';
import { VECTORS, hex } from '../vectors/fixture';

const RUNS = 2000;

/** Every packet the fixture holds, as mutation seeds. */
const SEEDS: Buffer[] = [
  ...VECTORS.packets.map((v) => hex(v.raw)),
  ...VECTORS.announces.map((v) => hex(v.raw)),
  ...VECTORS.link_requests.map((v) => hex(v.raw)),
  ...VECTORS.link_proofs.map((v) => hex(v.raw)),
  ...VECTORS.path_requests.map((v) => hex(v.raw)),
];

/** A real packet with bit flips, byte overwrites, a cut or an extension. */
const mutatedPacket: fc.Arbitrary<Uint8Array> = fc
  .tuple(
    fc.constantFrom(...SEEDS),
    fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 })), { maxLength: 6 }),
    fc.option(fc.nat(), { nil: undefined }),
    fc.uint8Array({ maxLength: 40 }),
  )
  .map(([seed, edits, cut, extension]) => {
    const out = Buffer.from(seed);
    for (const [at, value] of edits) out[at % out.length] ^= value;
    const body = cut === undefined ? out : out.subarray(0, cut % (out.length + 1));
    return Buffer.concat([body, extension]);
  });

const anyBytes: fc.Arbitrary<Uint8Array> = fc.oneof(
  fc.uint8Array({ maxLength: 300 }),
  mutatedPacket,
  // Plain Uint8Array views at an offset into a larger buffer, not Buffers.
  fc.tuple(fc.uint8Array({ minLength: 1, maxLength: 300 }), fc.nat(16)).map(([bytes, pad]) => {
    const backing = new Uint8Array(bytes.length + pad);
    backing.set(bytes, pad);
    return backing.subarray(pad);
  }),
);

/** Whether `view` lies inside `input`'s bytes. */
function isViewInside(view: Uint8Array, input: Uint8Array): boolean {
  return (
    view.buffer === input.buffer &&
    view.byteOffset >= input.byteOffset &&
    view.byteOffset + view.length <= input.byteOffset + input.length
  );
}

/** Checks a parsed record: views inside the input, no undefined, no NaN. */
function checkFields(record: object, input: Uint8Array, fields: readonly string[]): void {
  for (const name of fields) {
    const value: unknown = (record as Record<string, unknown>)[name];
    expect(value, name).to.not.equal(undefined);
    if (typeof value === 'number') expect(Number.isNaN(value), name).to.equal(false);
    if (value instanceof Uint8Array)
      expect(isViewInside(value, input), `${name} is a view of the input`).to.equal(true);
  }
}

const PACKET_FIELDS = [
  'raw',
  'flags',
  'hops',
  'ifac',
  'headerType',
  'contextFlag',
  'transportType',
  'destinationType',
  'packetType',
  'transportId',
  'destinationHash',
  'context',
  'data',
  'destinationOffset',
  'dataOffset',
] as const;

const ANNOUNCE_FIELDS = [
  'destinationHash',
  'publicKey',
  'nameHash',
  'randomHash',
  'ratchet',
  'signature',
  'appData',
  'emissionTime',
] as const;

describe('robustness: wire parsers on hostile bytes', () => {
  const validator = new AnnounceValidator();
  const someKey = new PublicIdentity(hex(VECTORS.identities[0].public_key));
  const ifac = InterfaceAccessCode.fromCredentials({ networkName: 'fuzz', passphrase: 'fuzz', size: 8 });

  it('parsePacket never throws; fields are views of the input, never undefined or NaN; re-serialising gives the input', () => {
    fc.assert(
      fc.property(anyBytes, (input) => {
        const result = parsePacket(input);
        if (!result.ok) {
          expect(result.reason).to.be.a('string');
          return;
        }
        checkFields(result, input, PACKET_FIELDS);
        expect(Buffer.from(serialisePacket(result)).equals(Buffer.from(input))).to.equal(true);
        expect(packetHash(input).length).to.equal(32);
      }),
      { numRuns: RUNS },
    );
  });

  it('the payload readers never throw and return views of the input', () => {
    fc.assert(
      fc.property(anyBytes, (input) => {
        const result = parsePacket(input);
        if (!result.ok) return;
        const packet: Packet = result;
        const announce = parseAnnounce(packet);
        if (announce.ok) checkFields(announce, input, ANNOUNCE_FIELDS);
        const request = parsePathRequest(packet.data);
        if (request.ok) checkFields(request, input, ['destinationHash', 'requestingTransportId', 'tag']);
        expect(validator.validate(packet).ok).to.be.a('boolean');
        expect(linkIdFromLinkRequest(packet).length).to.equal(16);
        const signalling = linkRequestSignalling(packet) ?? linkProofSignalling(packet);
        if (signalling !== null) expect(Number.isInteger(signalling.mtu)).to.equal(true);
        expect(validateLinkProof(packet, someKey)).to.be.a('boolean');
      }),
      { numRuns: RUNS },
    );
  });

  it('IFAC verify-and-strip never throws and never accepts a frame it did not make', () => {
    fc.assert(
      fc.property(anyBytes, (input) => {
        expect(ifac.verifyAndStrip(input)).to.equal(null);
      }),
      { numRuns: RUNS },
    );
  });

  it('rejects every mutation of a valid announce that changes a signed or bound byte', () => {
    const v = VECTORS.announces.find((a) => a.name === 'ratchet_app_data')!;
    const raw = hex(v.raw);
    fc.assert(
      fc.property(
        fc.integer({ min: 2, max: raw.length - 1 }),
        fc.integer({ min: 1, max: 255 }),
        (at, flip) => {
          const copy = Buffer.from(raw);
          copy[at] ^= flip;
          const result = parsePacket(copy);
          if (!result.ok) return;
          // Byte 18 is the context, which the signature does not cover.
          expect(validator.validate(result).ok, `byte ${at}`).to.equal(at === 18);
        },
      ),
      { numRuns: 300 },
    );
  });
});

/** Any well-formed packet's fields (hops under 128, as a receiver accepts). */
const packetFieldsArbitrary: fc.Arbitrary<PacketFields> = fc
  .record({
    ifac: fc.boolean(),
    header2: fc.boolean(),
    contextFlag: fc.boolean(),
    transportType: fc.constantFrom(0 as const, 1 as const),
    destinationType: fc.constantFrom(0 as const, 1 as const, 2 as const, 3 as const),
    packetType: fc.constantFrom(0 as const, 1 as const, 2 as const, 3 as const),
    hops: fc.integer({ min: 0, max: 127 }),
    transportId: fc.uint8Array({ minLength: 16, maxLength: 16 }),
    destinationHash: fc.uint8Array({ minLength: 16, maxLength: 16 }),
    context: fc.integer({ min: 0, max: 255 }),
    data: fc.uint8Array({ maxLength: 600 }),
  })
  .map(({ header2, transportId, ...rest }) => ({
    ...rest,
    headerType: header2 ? (1 as const) : (0 as const),
    transportId: header2 ? transportId : null,
  }));

function comparable(fields: PacketFields): Record<string, unknown> {
  const hexOf = (v: Uint8Array | null) => (v === null ? null : Buffer.from(v).toString('hex'));
  return {
    ...fields,
    transportId: hexOf(fields.transportId),
    destinationHash: hexOf(fields.destinationHash),
    data: hexOf(fields.data),
  };
}

describe('robustness: parse(serialise(x)) equals x', () => {
  it('for any well-formed packet', () => {
    fc.assert(
      fc.property(packetFieldsArbitrary, (fields) => {
        const result = parsePacket(serialisePacket(fields));
        if (!result.ok) throw new Error(`malformed: ${result.reason}`);
        expect(comparable(packetFields(result))).to.deep.equal(comparable(fields));
      }),
      { numRuns: RUNS },
    );
  });

  it('for IFAC: strip(apply(x)) equals x for any packet without the flag', () => {
    const code = InterfaceAccessCode.fromCredentials({
      networkName: 'roundtrip',
      passphrase: null,
      size: 16,
    });
    fc.assert(
      fc.property(packetFieldsArbitrary, (fields) => {
        const raw = serialisePacket({ ...fields, ifac: false });
        expect(code.verifyAndStrip(code.apply(raw))?.equals(raw)).to.equal(true);
      }),
      { numRuns: 300 },
    );
  });
});
