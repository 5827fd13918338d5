import { expect } from 'chai';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import {
  announceDestination,
  announceSet,
  framePackets,
  freshAnnounce,
} from '../../../bench/transport/announce-set';
import { buildTransportTrace, formatTrace, linkProof, probeAnnounce } from '../../../bench/transport/trace';
import {
  FRAME_SIZE,
  FrameBatch,
  LINK_LAYOUT,
  PLAIN_LAYOUT,
  packetSender,
  packetTimestampUs,
} from '../../../bench/socket/bench-frames';
import { HdlcDecoder } from '../../../src/core/hdlc';
import { AnnounceValidator } from '../../../src/protocol/announce-validator';
import { Identity, PublicIdentity } from '../../../src/protocol/identity';
import { linkIdFromLinkRequest, validateLinkProof } from '../../../src/protocol/link';
import { Packet, parsePacket } from '../../../src/protocol/packet';
import {
  DestinationType,
  HeaderType,
  PacketContext,
  PacketType,
  TransportType,
} from '../../../src/protocol/packet-constants';

function parsed(raw: Uint8Array): Packet {
  const packet = parsePacket(raw);
  if (!packet.ok) throw new Error(`does not parse: ${packet.reason}`);
  return packet;
}

describe('transport trace (bench)', () => {
  const transportId = Buffer.from('00112233445566778899aabbccddeeff', 'hex');

  it('sets up each link: a valid announce, a HEADER_2 link request to the hub, a valid proof', () => {
    const trace = buildTransportTrace({ transportId, pairs: 3, settleMs: 10 });
    const validator = new AnnounceValidator();
    const setups = trace.steps.filter((s) => s.kind === 'setup');
    expect(setups).to.have.length(9);
    const announces = new Map<string, PublicIdentity>();
    for (let i = 0; i < 3; i++) {
      const step = setups[i];
      expect(step.peer, 'receivers announce').to.equal(3 + i);
      const result = validator.validate(parsed(step.packet));
      expect(result.ok, 'announce validates').to.equal(true);
      if (result.ok) {
        announces.set(
          Buffer.from(result.announce.destinationHash).toString('hex'),
          new PublicIdentity(result.announce.publicKey),
        );
      }
    }
    for (let i = 0; i < 3; i++) {
      const request = setups[3 + 2 * i];
      const proof = setups[4 + 2 * i];
      expect(request.peer).to.equal(i);
      expect(proof.peer).to.equal(3 + i);
      const lr = parsed(request.packet);
      expect(lr.packetType).to.equal(PacketType.LINKREQUEST);
      expect(lr.headerType).to.equal(HeaderType.HEADER_2);
      expect(lr.transportType).to.equal(TransportType.TRANSPORT);
      expect(Buffer.from(lr.transportId ?? [])).to.deep.equal(transportId);
      const destination = announces.get(Buffer.from(lr.destinationHash).toString('hex'));
      expect(destination, 'the request goes to an announced destination').to.not.equal(undefined);
      const linkId = linkIdFromLinkRequest(lr);
      const lp = parsed(proof.packet);
      expect(lp.packetType).to.equal(PacketType.PROOF);
      expect(lp.destinationType).to.equal(DestinationType.LINK);
      expect(lp.context).to.equal(PacketContext.LRPROOF);
      expect(Buffer.from(lp.destinationHash)).to.deep.equal(linkId);
      expect(validateLinkProof(lp, destination as PublicIdentity), 'the proof verifies').to.equal(true);
      const header = trace.linkHeaders[i];
      expect(header).to.have.length(19);
      expect(header[0]).to.equal((DestinationType.LINK << 2) | PacketType.DATA);
      expect(header.subarray(2, 18)).to.deep.equal(linkId);
      expect(header[18]).to.equal(PacketContext.NONE);
    }
  });

  it("writes the loadgen's trace format", () => {
    const trace = buildTransportTrace({ transportId, pairs: 2 });
    const lines = formatTrace(trace).trim().split('\n');
    expect(lines[0]).to.match(/^# transport trace: 2 link pairs via 00112233/);
    expect(lines.filter((l) => l.startsWith('setup '))).to.have.length(6);
    expect(lines).to.include('wait 2500');
    const links = lines.filter((l) => l.startsWith('link '));
    expect(links).to.have.length(2);
    for (const line of links) expect(line).to.match(/^link [01] [0-9a-f]{38}$/);
    for (const line of lines.filter((l) => l.startsWith('setup '))) {
      expect(line).to.match(/^setup \d+ [0-9a-f]+ \d+$/);
    }
  });

  it('picks link ids that need no HDLC escaping when asked', () => {
    const trace = buildTransportTrace({ transportId, pairs: 8, escapeFreeLinkIds: true, settleMs: 0 });
    for (const header of trace.linkHeaders) {
      expect(header.includes(0x7e) || header.includes(0x7d)).to.equal(false);
    }
  });

  it('builds proofs that fail for another destination key', () => {
    const destination = Identity.generate();
    const request = buildTransportTrace({ transportId, pairs: 1 }).steps.find(
      (s) => s.kind === 'setup' && s.peer === 0,
    );
    if (request?.kind !== 'setup') throw new Error('no link request');
    const proof = parsed(linkProof(destination, linkIdFromLinkRequest(parsed(request.packet))));
    expect(validateLinkProof(proof, destination)).to.equal(true);
    expect(validateLinkProof(proof, Identity.generate())).to.equal(false);
  });

  it('probes with a valid announce', () => {
    expect(new AnnounceValidator().validate(parsed(probeAnnounce())).ok).to.equal(true);
  });
});

describe('announce set (bench)', () => {
  it('makes unique valid announces with the app data asked for', () => {
    const validator = new AnnounceValidator();
    const announce = freshAnnounce(Buffer.alloc(16, 7));
    const result = validator.validate(parsed(announce));
    expect(result.ok).to.equal(true);
    if (result.ok) expect(Buffer.from(result.announce.appData ?? [])).to.deep.equal(Buffer.alloc(16, 7));
  });

  it('caches a set and reads the same announces back', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'rns-net-announce-set-'));
    try {
      const first = announceSet({ count: 20, appDataBytes: 4, cacheDir: dir });
      const second = announceSet({ count: 20, appDataBytes: 4, cacheDir: dir });
      expect(second.packets).to.deep.equal(first.packets);
      expect(new Set(first.destinations).size).to.equal(20);
      expect(first.indexOf.get(first.destinations[7])).to.equal(7);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('frames packets back to back and reads destinations of HEADER_1 and HEADER_2 announces', () => {
    const set = announceSet({ count: 5, cacheDir: null });
    const packets: Buffer[] = [];
    new HdlcDecoder().push(framePackets(set.packets, 1, 4), (p) => packets.push(Buffer.from(p)));
    expect(packets).to.deep.equal(set.packets.slice(1, 4));
    expect(announceDestination(set.packets[2])).to.equal(set.destinations[2]);
    const rebroadcast = Buffer.concat([
      Buffer.from([set.packets[2][0] | 0x50, 1]),
      Buffer.alloc(16, 9),
      set.packets[2].subarray(2),
    ]);
    expect(announceDestination(rebroadcast)).to.equal(set.destinations[2]);
    expect(announceDestination(Buffer.alloc(40))).to.equal(null);
  });
});

describe('bench frames: link layout', () => {
  it('puts the link header first and the fields after it, with no byte to escape', () => {
    const header = Buffer.from([0x0c, 0, ...Array.from({ length: 16 }, (_, i) => i + 1), 0]);
    const batch = new FrameBatch(5, 3, 0, header);
    batch.stamp(10, 123_456);
    const packets: Buffer[] = [];
    new HdlcDecoder().push(batch.buffer, (p) => packets.push(Buffer.from(p)));
    expect(packets).to.have.length(3);
    expect(batch.buffer.length).to.equal(3 * FRAME_SIZE);
    for (const p of packets) {
      expect(p.subarray(0, 19)).to.deep.equal(header);
      expect(packetSender(p, LINK_LAYOUT)).to.equal(5);
      expect(packetTimestampUs(p, LINK_LAYOUT)).to.equal(123_456);
      expect(packetSender(p, PLAIN_LAYOUT), 'not a plain frame').to.equal(-1);
    }
    expect(() => new FrameBatch(0, 1, 0, Buffer.alloc(19, 0x7e))).to.throw(/escaping/);
  });
});
