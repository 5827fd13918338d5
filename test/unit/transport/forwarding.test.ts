import { expect } from 'chai';
import { randomBytes } from 'node:crypto';
import { linkRequestSignalling, encodeSignalling } from '../../../src/protocol/link';
import { HeaderType, PacketContext, PacketType, TransportType } from '../../../src/protocol/packet-constants';
import { truncatedPacketHash } from '../../../src/protocol/packet-hash';
import { hex, VECTORS } from '../../vectors/fixture';
import { TestDestination, linkPacket, linkRequest, parsed, transportData } from './support/packets';
import { Identity } from '../../../src/protocol/identity';
import { MemoryBlobStore } from '../../../src/core/storage';
import { PATH_TABLE_NAME, encodePathTable } from '../../../src/transport/table-files';
import { Harness, TestInterface } from './support/transport-harness';

describe('transport engine: forwarding', () => {
  let h: Harness;
  let a: TestInterface;
  let b: TestInterface;
  let c: TestInterface;
  let dest: TestDestination;

  beforeEach(async () => {
    h = new Harness();
    a = h.iface(1);
    b = h.iface(2);
    c = h.iface(3);
    dest = new TestDestination();
    h.receive(a, dest.announce());
    await h.run(20_000);
    for (const iface of [a, b, c]) iface.sent.length = 0;
  });

  afterEach(() => h.dispose());

  const bytesSent = (iface: TestInterface) => iface.sent.reduce((sum, p) => sum + p.length, 0);

  describe('packets in transport to us (HEADER_2)', () => {
    it('leave as HEADER_1 towards a destination one hop away, on its interface only, hops raised', () => {
      const raw = transportData(dest.hash, h.identity.hash, { hops: 0 });
      h.receive(b, raw);
      const [out] = h.take(a);
      expect(out.headerType).to.equal(HeaderType.HEADER_1);
      expect(out.transportType).to.equal(TransportType.BROADCAST);
      expect(out.hops).to.equal(1);
      expect(Buffer.from(out.destinationHash)).to.deep.equal(dest.hash);
      expect(Buffer.from(out.data)).to.deep.equal(raw.subarray(35));
      expect(h.take(b).length + h.take(c).length).to.equal(0);
      expect(h.engine.counters.forwardedTransport).to.equal(1);
    });

    it('keep HEADER_2 with the next transport node as transport id when the destination is further', async () => {
      const far = new TestDestination();
      const relay = Identity.generate();
      h.receive(a, far.announce({ hops: 2, transportId: relay.hash }));
      await h.run(0);
      h.take(a);
      h.receive(b, transportData(far.hash, h.identity.hash, { hops: 1 }));
      const [out] = h.take(a);
      expect(out.headerType).to.equal(HeaderType.HEADER_2);
      expect(Buffer.from(out.transportId as Uint8Array)).to.deep.equal(Buffer.from(relay.hash));
      expect(out.hops).to.equal(2);
    });

    it('are ignored when addressed to another transport node, and dropped without a path', () => {
      h.receive(b, transportData(dest.hash, Identity.generate().hash));
      h.receive(b, transportData(randomBytes(16), h.identity.hash));
      expect(h.take(a)).to.deep.equal([]);
      expect(h.engine.counters.otherTransport).to.equal(1);
      expect(h.engine.counters.noPath).to.equal(1);
    });

    it('leave a reverse entry: the proof goes back to the sender, if it comes from where the packet went', () => {
      const raw = transportData(dest.hash, h.identity.hash);
      h.receive(b, raw);
      const proof = linkPacket(truncatedPacketHash(raw), {
        packetType: PacketType.PROOF,
        data: randomBytes(96),
      });
      h.receive(c, proof);
      expect(h.take(b), 'from the wrong interface').to.deep.equal([]);
      expect(h.engine.counters.proofsWrongInterface).to.equal(1);

      const second = transportData(dest.hash, h.identity.hash);
      h.receive(b, second);
      h.receive(
        a,
        linkPacket(truncatedPacketHash(second), { packetType: PacketType.PROOF, data: randomBytes(96) }),
      );
      const [back] = h.take(b);
      expect(back.packetType).to.equal(PacketType.PROOF);
      expect(back.hops).to.equal(1);
      expect(h.engine.view.sizes().reverse, 'the first proof removes the entry').to.equal(0);
    });

    it('are deduplicated by packet hash', () => {
      const raw = transportData(dest.hash, h.identity.hash);
      h.receive(b, raw);
      h.receive(b, raw);
      expect(h.take(a)).to.have.length(1);
      expect(h.engine.counters.duplicates).to.equal(1);
    });
  });

  describe('links', () => {
    async function establish(): Promise<Buffer> {
      const { raw, linkId } = linkRequest(dest.hash, h.identity.hash);
      h.receive(b, raw);
      expect(h.take(a), 'the link request goes on').to.have.length(1);
      h.receive(a, dest.linkProof(linkId));
      const [proof] = h.take(b);
      expect(proof.context).to.equal(PacketContext.LRPROOF);
      expect(proof.hops).to.equal(1);
      return linkId;
    }

    it('route link traffic both ways between the two ends only, with the hop counts of each direction', async () => {
      const linkId = await establish();
      h.receive(b, linkPacket(linkId, { hops: 0 }));
      expect(h.take(a)).to.have.length(1);
      h.receive(a, linkPacket(linkId, { hops: 0 }));
      expect(h.take(b)).to.have.length(1);
      h.receive(b, linkPacket(linkId, { hops: 3 }));
      h.receive(c, linkPacket(linkId, { hops: 0 }));
      expect(h.take(a).length + h.take(b).length).to.equal(0);
      expect(h.engine.counters.linkHopMismatch).to.equal(2);
    });

    it('an uninvolved peer receives none of the link traffic, in bytes', async () => {
      const linkId = await establish();
      for (let i = 0; i < 50; i++) {
        h.receive(b, linkPacket(linkId, { context: PacketContext.RESOURCE, data: randomBytes(400) }));
        h.receive(a, linkPacket(linkId, { context: PacketContext.RESOURCE_REQ, data: randomBytes(40) }));
      }
      expect(bytesSent(c)).to.equal(0);
      expect(h.take(a)).to.have.length(50);
    });

    it('forward exempt contexts however often they repeat (keepalives, resource parts)', async () => {
      const linkId = await establish();
      const keepalive = linkPacket(linkId, { context: PacketContext.KEEPALIVE, data: Buffer.from([0xff]) });
      for (let i = 0; i < 3; i++) h.receive(b, keepalive);
      expect(h.take(a)).to.have.length(3);
    });

    it("check every proof of a destination's links with its key, a bad one after good ones too", async () => {
      await establish();
      await establish();
      const { raw, linkId } = linkRequest(dest.hash, h.identity.hash);
      h.receive(b, raw);
      h.take(a);
      h.receive(a, dest.linkProof(linkId, { badSignature: true }));
      expect(h.take(b)).to.deep.equal([]);
      expect(h.engine.counters.forwardedLinkProofs).to.equal(2);
      expect(h.engine.counters.linkProofsRejected).to.equal(1);
    });

    it('reject a link proof with a bad signature, from the wrong interface, or of a wrong length', () => {
      const { raw, linkId } = linkRequest(dest.hash, h.identity.hash);
      h.receive(b, raw);
      h.receive(a, dest.linkProof(linkId, { badSignature: true }));
      h.receive(c, dest.linkProof(linkId));
      const short = dest.linkProof(linkId).subarray(0, 19 + 90);
      h.receive(a, short);
      expect(h.take(b)).to.deep.equal([]);
      expect(h.engine.counters.linkProofsRejected).to.equal(3);
    });

    it('drop an unproven link entry after 6 s per hop', async () => {
      const { raw } = linkRequest(dest.hash, h.identity.hash);
      h.receive(b, raw);
      expect(h.engine.view.sizes().links).to.equal(1);
      await h.run(12_000);
      expect(h.engine.view.sizes().links).to.equal(0);
    });

    it('keep the path of a live link past its expiry, while unlinked paths are culled', async () => {
      const other = new TestDestination();
      h.receive(a, other.announce());
      await h.run(0);
      const linkId = await establish();
      h.clock.setSystemTime(Date.now() + 8 * 24 * 3600_000);
      h.receive(b, linkPacket(linkId));
      h.take(a);
      h.engine.runJobs();
      const paths = h.engine.view.paths();
      expect(paths.map((p) => p.destination)).to.deep.equal([dest.hash.toString('hex')]);
      expect(paths[0].linked).to.equal(true);
    });
  });

  describe('link MTU signalling', () => {
    const requested = encodeSignalling(16_384, 1);

    it('passes a link MTU both hops carry', () => {
      const { raw } = linkRequest(dest.hash, h.identity.hash, { signalling: requested });
      h.receive(b, raw);
      const [out] = h.take(a);
      expect(linkRequestSignalling(out)?.mtu).to.equal(16_384);
    });

    it('clamps it to the smaller hardware MTU of the two hops', () => {
      a.info = { ...a.info, mtu: 8192 };
      b.info = { ...b.info, mtu: 4096 };
      const { raw, linkId } = linkRequest(dest.hash, h.identity.hash, { signalling: requested });
      h.receive(b, raw);
      const [out] = h.take(a);
      expect(linkRequestSignalling(out)).to.deep.equal({ mtu: 4096, mode: 1 });
      expect(h.engine.view.sizes().links).to.equal(1);
      expect(linkId).to.have.length(16);
    });

    it('strips it when the next hop neither autoconfigures nor fixes its MTU (a 1064-byte UDP hop)', () => {
      a.info = { ...a.info, mtu: 1064, autoconfigureMtu: false, fixedMtu: false };
      const { raw, linkId } = linkRequest(dest.hash, h.identity.hash, { signalling: requested });
      h.receive(b, raw);
      const [out] = h.take(a);
      expect(out.data).to.have.length(64);
      h.receive(a, dest.linkProof(linkId));
      expect(h.take(b), 'the link id does not change with the signalling').to.have.length(1);
    });

    it('drops a link request that needs a clamp but signals a mode Python does not enable', () => {
      a.info = { ...a.info, mtu: 1024 };
      const { raw } = linkRequest(dest.hash, h.identity.hash, { signalling: encodeSignalling(16_384, 2) });
      h.receive(b, raw);
      expect(h.take(a)).to.deep.equal([]);
      expect(h.engine.counters.linkRequestsRefused).to.equal(1);
    });
  });

  describe('Python-made link requests and proofs', () => {
    for (const [index, request] of VECTORS.link_requests.entries()) {
      it(`${request.name}: forwarded, and its proof verified and passed back`, async () => {
        const proofVector = VECTORS.link_proofs[index];
        const lr = parsed(hex(request.raw));
        const destination = Buffer.from(lr.destinationHash);
        // A path to the vectors' destination, carrying its public key as an announce would.
        const fakeAnnounce = Buffer.concat([
          Buffer.from([0x01, 0x00]),
          destination,
          Buffer.from([0x00]),
          hex(proofVector.destination_public_key),
          Buffer.alloc(84),
        ]);
        // Through the engine's storage: the path as a restart would bring it back.
        const store = new MemoryBlobStore();
        const path = {
          destination: destination.toString('latin1'),
          timestamp: Date.now(),
          hops: 1,
          expires: Date.now() + 3600_000,
          blobs: '',
          announce: fakeAnnounce.toString('latin1'),
        };
        await store.write(
          PATH_TABLE_NAME,
          await encodePathTable(
            ['TestInterface[If9]'],
            [path],
            Uint16Array.of(0),
            () => Promise.resolve(),
            10,
          ),
        );
        h.dispose();
        h = new Harness({ storage: store });
        a = h.iface(9, {}, false);
        b = h.iface(2);
        await h.engine.load();
        expect(h.engine.restorePaths([a, b])).to.equal(1);
        const inTransport = transportData(destination, h.identity.hash, {
          packetType: PacketType.LINKREQUEST,
          data: Buffer.from(lr.data),
        });
        h.receive(b, inTransport);
        expect(h.take(a)).to.have.length(1);
        h.receive(a, hex(proofVector.raw));
        const [proof] = h.take(b);
        expect(proof?.context).to.equal(PacketContext.LRPROOF);
        expect(Buffer.from(proof.destinationHash).toString('hex')).to.equal(request.link_id);
      });
    }
  });

  describe('PLAIN and GROUP packets', () => {
    it('are never forwarded, and dropped past their first hop', () => {
      const plain = linkPacket(randomBytes(16));
      plain[0] = (plain[0] & ~0x0c) | (2 << 2);
      h.receive(b, plain);
      plain[1] = 1;
      h.receive(b, plain);
      expect(h.take(a).length + h.take(c).length).to.equal(0);
      expect(h.engine.counters.plainDropped).to.equal(1);
    });
  });

  it('drops malformed frames and frames still carrying the IFAC flag, counting each', () => {
    h.receive(b, Buffer.alloc(10));
    const hops = transportData(dest.hash, h.identity.hash);
    hops[1] = 200;
    h.receive(b, hops);
    const ifac = transportData(dest.hash, h.identity.hash);
    ifac[0] |= 0x80;
    h.receive(b, ifac);
    expect(h.engine.counters.malformed).to.equal(2);
    expect(h.engine.counters.ifacFlagged).to.equal(1);
    expect(h.take(a)).to.deep.equal([]);
  });
});
