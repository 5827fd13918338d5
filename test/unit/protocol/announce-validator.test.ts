import { expect } from 'chai';
import {
  AnnounceValidator,
  Identity,
  KnownDestinations,
  Packet,
  buildAnnounce,
  packetHash,
  parsePacket,
} from '../../../src/protocol';
import { VECTORS, hex } from '../../vectors/fixture';

function parsed(raw: Uint8Array): Packet {
  const result = parsePacket(raw);
  if (!result.ok) throw new Error(`malformed: ${result.reason}`);
  return result;
}

const clock = { now: () => 1_767_225_600_000 };

describe('protocol: announce validation (Python RNS vectors)', () => {
  for (const v of VECTORS.announces) {
    it(`${v.valid ? 'accepts' : 'refuses'} ${v.name} as Identity.validate_announce does`, () => {
      const validator = new AnnounceValidator();
      const verdict = validator.validate(parsed(hex(v.raw)));
      expect(verdict.ok).to.equal(v.valid);
      if (verdict.ok) {
        expect(verdict.identityHash.toString('hex')).to.equal(v.identity_hash);
        expect(verdict.announce.emissionTime).to.equal(v.emission_time);
        expect(validator.counters.accepted).to.equal(1);
      } else if (v.expect === 'destination-mismatch') {
        expect(verdict.reason).to.equal('destination-mismatch');
      } else {
        // The binding is checked before the (costlier) signature, so an altered key or
        // destination is reported as a mismatch where Python logs a bad signature.
        expect(verdict.reason).to.be.oneOf(['invalid-signature', 'destination-mismatch']);
      }
    });
  }

  it('refuses a known destination announcing another key, and counts it', () => {
    const v = VECTORS.announces.find((a) => a.name === 'app_data')!;
    const known = new KnownDestinations({ clock });
    const other = Identity.generate().publicKey;
    expect(known.remember(hex(v.destination_hash), other, null, Buffer.alloc(32))).to.equal('added');
    const validator = new AnnounceValidator(known);
    expect(validator.validate(parsed(hex(v.raw)))).to.deep.equal({ ok: false, reason: 'key-changed' });
    expect(validator.counters.keyChanged).to.equal(1);
    // With the right key known, the same announce passes.
    known.delete(hex(v.destination_hash));
    known.remember(hex(v.destination_hash), hex(v.public_key), null, Buffer.alloc(32));
    expect(validator.validate(parsed(hex(v.raw))).ok).to.equal(true);
  });

  it('reports malformed announces without throwing', () => {
    const v = VECTORS.announces.find((a) => a.name === 'ratchet_no_app_data')!;
    const raw = hex(v.raw);
    const validator = new AnnounceValidator();
    expect(validator.validate(parsed(raw.subarray(0, raw.length - 1)))).to.deep.equal({
      ok: false,
      reason: 'malformed',
      malformed: 'truncated-announce',
    });
    const data = hex(VECTORS.packets.find((p) => p.name === 'data_single')!.raw);
    expect(validator.validate(parsed(data))).to.deep.equal({
      ok: false,
      reason: 'malformed',
      malformed: 'not-an-announce',
    });
    expect(validator.counters.malformed).to.equal(2);
  });

  it('never judges the emission time, however far it is from ours', () => {
    const identity = Identity.generate();
    const validator = new AnnounceValidator();
    for (const emissionTime of [0, 1, 2 ** 40 - 1]) {
      const verdict = validator.validate(parsed(buildAnnounce({ identity, appName: 'app', emissionTime })));
      expect(verdict.ok).to.equal(true);
      if (verdict.ok) expect(verdict.announce.emissionTime).to.equal(emissionTime);
    }
  });

  it('accepts TS-built announces with and without ratchet and app data, and the ratchet is signed', () => {
    const identity = Identity.generate();
    const validator = new AnnounceValidator();
    const ratchet = Buffer.alloc(32, 7);
    for (const spec of [
      {},
      { appData: Buffer.from('app data') },
      { ratchet },
      { ratchet, appData: Buffer.from('both'), pathResponse: true },
    ]) {
      const raw = buildAnnounce({ identity, appName: 'rnsnet', aspects: ['test'], ...spec });
      expect(validator.validate(parsed(raw)).ok).to.equal(true);
    }
    const raw = buildAnnounce({ identity, appName: 'rnsnet', aspects: ['test'], ratchet });
    raw[19 + 84 + 5] ^= 1;
    expect(validator.validate(parsed(raw))).to.deep.equal({ ok: false, reason: 'invalid-signature' });
  });

  it('checks every announce of an identity afresh: a tampered one between genuine ones is refused', () => {
    const validator = new AnnounceValidator();
    const identity = Identity.generate();
    const announce = (appData: string) =>
      buildAnnounce({ identity, appName: 'app', aspects: ['x'], appData: Buffer.from(appData) });
    expect(validator.validate(parsed(announce('first'))).ok).to.equal(true);
    const tampered = announce('second');
    tampered[tampered.length - 1] ^= 1;
    expect(validator.validate(parsed(tampered))).to.deep.equal({ ok: false, reason: 'invalid-signature' });
    expect(validator.validate(parsed(announce('third'))).ok).to.equal(true);
    expect(validator.counters).to.include({ accepted: 2, invalidSignature: 1 });
  });

  it('accepts an announce whose app data pushes the signed bytes past the scratch buffer', () => {
    const identity = Identity.generate();
    const raw = buildAnnounce({ identity, appName: 'app', appData: Buffer.alloc(20_000, 1) });
    expect(new AnnounceValidator().validate(parsed(raw)).ok).to.equal(true);
    expect(packetHash(raw).length).to.equal(32);
  });
});
