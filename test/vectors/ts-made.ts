/**
 * Items made by the TS wire layer for Python RNS to check (`generate.py --verify FILE`):
 * identity files, announces (valid and tampered), link proofs, IFAC frames and a known
 * destinations file. Run after `npm run build`:
 *
 *     node dist/test/vectors/ts-made.js /tmp/ts-made.json
 */
import { writeFileSync } from 'node:fs';
import {
  DestinationType,
  HeaderType,
  Identity,
  InterfaceAccessCode,
  KnownDestinations,
  PacketContext,
  PacketType,
  TransportType,
  buildAnnounce,
  encodeKnownDestinations,
  encodeSignalling,
  linkIdFromLinkRequest,
  packetHash,
  parsePacket,
  serialisePacket,
} from '../../src/protocol';

function hex(bytes: Uint8Array): string {
  return Buffer.from(bytes).toString('hex');
}

function linkRequest(destination: Identity, initiator: Identity, signalling: Uint8Array | null): Buffer {
  return serialisePacket({
    ifac: false,
    headerType: HeaderType.HEADER_1,
    contextFlag: false,
    transportType: TransportType.BROADCAST,
    destinationType: DestinationType.SINGLE,
    packetType: PacketType.LINKREQUEST,
    hops: 0,
    transportId: null,
    destinationHash: destination.destinationHash('rnsnet', ['link']),
    context: PacketContext.NONE,
    data: Buffer.concat([initiator.publicKey, ...(signalling === null ? [] : [signalling])]),
  });
}

/** An LRPROOF as a link's destination sends it (`Link.prove`). */
function linkProof(
  destination: Identity,
  linkId: Uint8Array,
  responder: Identity,
  signalling: Uint8Array | null,
) {
  const extra = signalling === null ? [] : [signalling];
  const signed = Buffer.concat([
    linkId,
    responder.encryptionPublicKey,
    destination.signingPublicKey,
    ...extra,
  ]);
  return serialisePacket({
    ifac: false,
    headerType: HeaderType.HEADER_1,
    contextFlag: false,
    transportType: TransportType.BROADCAST,
    destinationType: DestinationType.LINK,
    packetType: PacketType.PROOF,
    hops: 0,
    transportId: null,
    destinationHash: linkId,
    context: PacketContext.LRPROOF,
    data: Buffer.concat([destination.sign(signed), responder.encryptionPublicKey, ...extra]),
  });
}

/** Everything generate.py --verify checks, as JSON-ready data. */
export function makeTsVectors(): Record<string, unknown> {
  const identities = [Identity.generate(), Identity.generate()];
  const [alice] = identities;
  const message = Buffer.from('signed by rns-net');

  const announces: Array<{ name: string; raw: string; valid: boolean }> = [];
  const ratchet = Identity.generate().encryptionPublicKey;
  const specs = {
    plain: {},
    app_data: { appData: Buffer.from('rns-net app data') },
    ratchet: { ratchet },
    ratchet_app_data: { ratchet, appData: Buffer.from('ratchet and app data') },
    path_response: { pathResponse: true, appData: Buffer.from('pr') },
  };
  const known = new KnownDestinations({ clock: { now: () => 1_767_225_600_500 } });
  for (const [name, spec] of Object.entries(specs)) {
    const raw = buildAnnounce({ identity: alice, appName: 'rnsnet', aspects: ['ts', name], ...spec });
    announces.push({ name, raw: hex(raw), valid: true });
    const parsed = parsePacket(raw);
    if (!parsed.ok) throw new Error('built a malformed announce');
    known.remember(
      parsed.destinationHash,
      alice.publicKey,
      'appData' in spec ? spec.appData : null,
      packetHash(raw),
    );
  }
  const destinationOf = (rawHex: string) => Buffer.from(rawHex, 'hex').subarray(2, 18);
  known.markUsed(destinationOf(announces[1].raw));
  known.retain(destinationOf(announces[2].raw));
  const tampered = Buffer.from(announces[1].raw, 'hex');
  tampered[tampered.length - 1] ^= 1;
  announces.push({ name: 'tampered_app_data', raw: hex(tampered), valid: false });
  const tamperedRatchet = Buffer.from(announces[2].raw, 'hex');
  tamperedRatchet[19 + 84] ^= 1;
  announces.push({ name: 'tampered_ratchet', raw: hex(tamperedRatchet), valid: false });

  const linkProofs = [null, encodeSignalling(500, 1), encodeSignalling(262_144, 1)].map((signalling, i) => {
    const request = parsePacket(linkRequest(alice, Identity.generate(), signalling));
    if (!request.ok) throw new Error('built a malformed link request');
    const linkId = linkIdFromLinkRequest(request);
    return {
      name: signalling === null ? 'no_signalling' : `signalling_${i}`,
      raw: hex(linkProof(alice, linkId, Identity.generate(), signalling)),
      link_id: hex(linkId),
      destination_public_key: hex(alice.publicKey),
    };
  });

  const ifac = [
    { name: 'netname_passphrase_16', netname: 'rns-net ts', passphrase: 'ts secret', size: 16, length: 300 },
    { name: 'passphrase_8', netname: null, passphrase: 'only a passphrase', size: 8, length: 500 },
    { name: 'netname_32', netname: 'ts network', passphrase: null, size: 32, length: 100 },
    { name: 'frame_8k_16', netname: 'rns-net ts', passphrase: 'ts secret', size: 16, length: 8192 },
    { name: 'frame_16k_64', netname: 'big', passphrase: 'frames', size: 64, length: 16_384 },
  ].map((c) => {
    const raw = Buffer.alloc(c.length);
    for (let i = 0; i < c.length; i++) raw[i] = (i * 31 + 7) & 0xff;
    raw[0] = 0x08;
    raw[1] = 3;
    const code = InterfaceAccessCode.fromCredentials({
      networkName: c.netname,
      passphrase: c.passphrase,
      size: c.size,
    });
    return {
      name: c.name,
      netname: c.netname,
      passphrase: c.passphrase,
      size: c.size,
      raw: hex(raw),
      frame: hex(code.apply(raw)),
    };
  });

  return {
    identities: identities.map((identity, i) => ({
      name: `ts_${i}`,
      file: hex(identity.privateKey()),
      hash: identity.hexHash,
      public_key: hex(identity.publicKey),
      message: hex(message),
      signature: hex(identity.sign(message)),
      destinations: [
        { app_name: 'rnsnet', aspects: ['ts'], hash: hex(identity.destinationHash('rnsnet', ['ts'])) },
        {
          app_name: 'lxmf',
          aspects: ['delivery'],
          hash: hex(identity.destinationHash('lxmf', ['delivery'])),
        },
      ],
    })),
    announces,
    link_proofs: linkProofs,
    ifac,
    known_destinations: {
      file: hex(encodeKnownDestinations(known.values())),
      entries: [...known.values()].map((e) => ({
        destination_hash: hex(e.destinationHash),
        public_key: hex(e.publicKey),
        app_data: e.appData === null ? null : hex(e.appData),
        packet_hash: hex(e.packetHash),
        last_heard: e.lastHeard,
        last_used: e.lastUsed,
      })),
    },
  };
}

if (require.main === module) {
  const out = process.argv[2];
  if (out === undefined) {
    process.stderr.write('usage: node dist/test/vectors/ts-made.js OUT.json\n');
    process.exit(2);
  }
  writeFileSync(out, `${JSON.stringify(makeTsVectors(), null, 1)}\n`);
  process.stdout.write(`wrote ${out}\n`);
}
