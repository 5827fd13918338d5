import { expect } from 'chai';
import {
  ANNOUNCE_MIN_LENGTH,
  ANNOUNCE_RATCHET_MIN_LENGTH,
  PATH_REQUEST_DESTINATION,
  Packet,
  PublicIdentity,
  decodeSignalling,
  destinationHash,
  encodeSignalling,
  linkIdFromLinkRequest,
  linkProofSignalling,
  linkRequestSignalling,
  nameHash,
  parseAnnounce,
  parsePacket,
  parsePathRequest,
  pathRequestData,
  readEmissionTime,
  validateLinkProof,
} from '../../../src/protocol';
import { VECTORS, hex, toHex } from '../../vectors/fixture';

function parsed(raw: Uint8Array): Packet {
  const result = parsePacket(raw);
  if (!result.ok) throw new Error(`malformed: ${result.reason}`);
  return result;
}

describe('protocol: announce payloads (Python RNS vectors)', () => {
  for (const v of VECTORS.announces) {
    it(`slices ${v.name} as Identity.validate_announce does`, () => {
      const raw = hex(v.raw);
      const a = parseAnnounce(parsed(raw));
      if (!a.ok) throw new Error(a.reason);
      expect(toHex(a.destinationHash)).to.equal(v.destination_hash);
      expect(toHex(a.publicKey)).to.equal(v.public_key);
      expect(toHex(a.nameHash)).to.equal(v.name_hash);
      expect(toHex(a.randomHash)).to.equal(v.random_hash);
      expect(toHex(a.ratchet)).to.equal(v.ratchet);
      expect(toHex(a.signature)).to.equal(v.signature);
      expect(toHex(a.appData)).to.equal(v.app_data);
      expect(a.emissionTime).to.equal(v.emission_time);
      for (const view of [a.publicKey, a.nameHash, a.randomHash, a.signature])
        expect(view.buffer).to.equal(raw.buffer);
    });
  }

  it('rejects announce data under 148 bytes, or under 180 with a ratchet', () => {
    const plain = VECTORS.announces.find((v) => v.name === 'no_app_data')!;
    const raw = hex(plain.raw);
    expect(raw.length - 19).to.equal(ANNOUNCE_MIN_LENGTH);
    expect(parseAnnounce(parsed(raw)).ok).to.equal(true);
    expect(parseAnnounce(parsed(raw.subarray(0, raw.length - 1)))).to.deep.equal({
      ok: false,
      reason: 'truncated-announce',
    });
    const ratchet = hex(VECTORS.announces.find((v) => v.name === 'ratchet_no_app_data')!.raw);
    expect(ratchet.length - 19).to.equal(ANNOUNCE_RATCHET_MIN_LENGTH);
    expect(parseAnnounce(parsed(ratchet)).ok).to.equal(true);
    expect(parseAnnounce(parsed(ratchet.subarray(0, ratchet.length - 1))).ok).to.equal(false);
  });

  it('refuses to read a non-announce as one', () => {
    const data = hex(VECTORS.packets.find((v) => v.name === 'data_single')!.raw);
    expect(parseAnnounce(parsed(data))).to.deep.equal({ ok: false, reason: 'not-an-announce' });
  });

  it('reads the emission time as 40-bit big-endian seconds', () => {
    expect(readEmissionTime(Uint8Array.of(9, 9, 9, 9, 9, 0xff, 0xff, 0xff, 0xff, 0xff))).to.equal(
      2 ** 40 - 1,
    );
    expect(readEmissionTime(Uint8Array.of(0, 0, 0, 0, 0, 0, 0x80, 0, 0, 1))).to.equal(2 ** 31 + 1);
  });
});

describe('protocol: link requests and proofs (Python RNS vectors)', () => {
  for (const v of VECTORS.link_requests) {
    it(`derives the link id and signalling of ${v.name}`, () => {
      const p = parsed(hex(v.raw));
      expect(linkIdFromLinkRequest(p).toString('hex')).to.equal(v.link_id);
      const signalling = linkRequestSignalling(p);
      expect(signalling === null ? null : signalling.mtu).to.equal(v.mtu);
      expect(signalling === null ? null : signalling.mode).to.equal(v.mode);
      if (signalling !== null) {
        expect(
          Buffer.from(encodeSignalling(signalling.mtu, signalling.mode)).equals(p.data.subarray(64)),
        ).to.equal(true);
      }
    });
  }

  it('gives the same link id whatever the signalling bytes say (a hop may rewrite them)', () => {
    expect(new Set(VECTORS.link_requests.map((v) => v.link_id)).size).to.equal(1);
  });

  for (const v of VECTORS.link_proofs) {
    it(`reads the signalling of link proof ${v.name}`, () => {
      const signalling = linkProofSignalling(parsed(hex(v.raw)));
      expect(signalling === null ? null : signalling.mtu).to.equal(v.mtu);
    });
  }

  for (const v of VECTORS.link_proofs) {
    it(`validates link proof ${v.name} against the destination's key, and refuses a forgery`, () => {
      const destination = new PublicIdentity(hex(v.destination_public_key));
      const raw = hex(v.raw);
      expect(validateLinkProof(parsed(raw), destination)).to.equal(true);
      const forged = Buffer.from(raw);
      forged[19 + 70] ^= 1; // the responder's key
      expect(validateLinkProof(parsed(forged), destination)).to.equal(false);
      expect(validateLinkProof(parsed(raw), new PublicIdentity(Buffer.alloc(64, 3)))).to.equal(false);
      expect(validateLinkProof(parsed(raw.subarray(0, raw.length - 1)), destination)).to.equal(false);
    });
  }

  it('refuses a link proof signalling a mode Python does not enable', () => {
    const v = VECTORS.link_proofs.find((p) => p.mtu !== null)!;
    const raw = hex(v.raw);
    raw[raw.length - 3] = (raw[raw.length - 3] & 0x1f) | (2 << 5);
    expect(validateLinkProof(parsed(raw), new PublicIdentity(hex(v.destination_public_key)))).to.equal(false);
  });

  it('encodes and decodes signalling over the 21-bit MTU and 3-bit mode', () => {
    for (const [mtu, mode] of [
      [0, 0],
      [500, 1],
      [0x1fffff, 7],
      [0x123456, 2],
    ]) {
      expect(decodeSignalling(encodeSignalling(mtu, mode))).to.deep.equal({ mtu: mtu & 0x1fffff, mode });
    }
  });
});

describe('protocol: path requests (Python RNS vectors)', () => {
  it('knows the path request destination (rnstransport.path.request)', () => {
    expect(toHex(PATH_REQUEST_DESTINATION)).to.equal(VECTORS.path_request_destination);
  });

  for (const v of VECTORS.path_requests) {
    it(`reads ${v.name} by length as path_request_handler does`, () => {
      const packet = parsed(hex(v.raw));
      expect(toHex(packet.destinationHash)).to.equal(VECTORS.path_request_destination);
      const request = parsePathRequest(packet.data);
      expect(request.ok).to.equal(v.handled);
      if (!request.ok) {
        expect(request.reason).to.equal(
          v.data.length / 2 < 16 ? 'truncated-path-request' : 'tagless-path-request',
        );
        return;
      }
      expect(toHex(request.destinationHash)).to.equal(v.destination_hash);
      expect(toHex(request.requestingTransportId)).to.equal(v.requesting_transport_id);
      expect(toHex(request.tag)).to.equal(v.tag);
      if (v.name !== 'transport_tag_long') {
        expect(
          pathRequestData(request.destinationHash, request.tag, request.requestingTransportId).toString(
            'hex',
          ),
        ).to.equal(v.data);
      }
    });
  }
});

describe('protocol: destination hashes (Python RNS vectors)', () => {
  for (const identity of VECTORS.identities) {
    for (const d of identity.destinations) {
      it(`hashes ${d.app_name}.${d.aspects.join('.')} for ${identity.name} as Destination.hash does`, () => {
        expect(nameHash(d.app_name, d.aspects).toString('hex')).to.equal(d.name_hash);
        expect(destinationHash(hex(identity.hash), d.app_name, d.aspects).toString('hex')).to.equal(d.hash);
      });
    }
  }

  it('refuses dots in app names and aspects, as Python does', () => {
    expect(() => nameHash('a.b', [])).to.throw(RangeError);
    expect(() => nameHash('a', ['b.c'])).to.throw(RangeError);
  });
});
