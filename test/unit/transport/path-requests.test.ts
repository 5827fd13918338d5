import { expect } from 'chai';
import { randomBytes } from 'node:crypto';
import { InterfaceMode } from '../../../src/core/interface-mode';
import { PATH_REQUEST_DESTINATION } from '../../../src/protocol/destination';
import {
  DestinationType,
  HeaderType,
  PacketContext,
  PacketType,
} from '../../../src/protocol/packet-constants';
import { parsePathRequest } from '../../../src/protocol/path-request';
import { TestDestination, linkRequest, pathRequest } from './support/packets';
import { Identity } from '../../../src/protocol/identity';
import { Harness, TestInterface } from './support/transport-harness';

describe('transport engine: path requests', () => {
  let h: Harness;
  let a: TestInterface;
  let b: TestInterface;
  let dest: TestDestination;

  beforeEach(async () => {
    h = new Harness();
    a = h.iface(1);
    b = h.iface(2);
    dest = new TestDestination();
    h.receive(a, dest.announce({ appData: Buffer.from('late joiner test') }));
    await h.run(20_000);
    a.sent.length = 0;
    b.sent.length = 0;
  });

  afterEach(() => h.dispose());

  it("a late joiner's request is answered after the 0.4 s grace, on its interface only, as a HEADER_2 path response", async () => {
    const late = h.iface(3);
    h.receive(late, pathRequest(dest.hash));
    await h.run(0);
    expect(h.take(late), 'not before the grace').to.deep.equal([]);
    // The announce table is checked once a second, as in Python: 0.4 to 1.4 s.
    await h.run(1500);
    const [answer, ...more] = h.take(late);
    expect(more).to.deep.equal([]);
    expect(answer.packetType).to.equal(PacketType.ANNOUNCE);
    expect(answer.headerType).to.equal(HeaderType.HEADER_2);
    expect(answer.context).to.equal(PacketContext.PATH_RESPONSE);
    expect(Buffer.from(answer.transportId as Uint8Array)).to.deep.equal(Buffer.from(h.identity.hash));
    expect(answer.hops, "the path's hops").to.equal(1);
    expect(h.take(a).length + h.take(b).length).to.equal(0);
    await h.run(20_000);
    expect(h.take(late), 'answered once').to.deep.equal([]);
  });

  it('ignores a repeated destination and tag, and a tagless request', async () => {
    const tag = randomBytes(16);
    h.receive(b, pathRequest(dest.hash, { tag }));
    h.receive(b, pathRequest(dest.hash, { tag }));
    const tagless = pathRequest(dest.hash);
    h.receive(b, tagless.subarray(0, 19 + 16));
    await h.run(1500);
    expect(h.take(b)).to.have.length(1);
    expect(h.engine.counters.pathRequestsDuplicate).to.equal(1);
  });

  it('does not answer when the requesting transport node is the next hop itself', async () => {
    const far = new TestDestination();
    const relay = Identity.generate();
    h.receive(a, far.announce({ hops: 1, transportId: relay.hash }));
    await h.run(20_000);
    b.sent.length = 0;
    h.receive(b, pathRequest(far.hash, { requester: relay.hash }));
    await h.run(2000);
    expect(h.take(b)).to.deep.equal([]);
  });

  it('waits 1.5 s longer on a roaming interface, and never answers there for a path learnt there', async () => {
    const roaming = h.iface(3, { mode: InterfaceMode.Roaming });
    h.receive(roaming, pathRequest(dest.hash));
    await h.run(1000);
    expect(h.take(roaming)).to.deep.equal([]);
    await h.run(1500);
    expect(h.take(roaming)).to.have.length(1);
    const local = new TestDestination();
    h.receive(roaming, local.announce());
    await h.run(20_000);
    roaming.sent.length = 0;
    h.receive(roaming, pathRequest(local.hash));
    await h.run(5000);
    expect(h.take(roaming)).to.deep.equal([]);
  });

  it('sets its own pending rebroadcast aside while a path response waits, then puts it back', async () => {
    const fresh = new TestDestination();
    h.dispose();
    h = new Harness({ random: () => 0.99 });
    a = h.iface(1);
    b = h.iface(2);
    h.clock.tick(1000);
    h.receive(a, fresh.announce());
    await h.run(0);
    h.receive(b, pathRequest(fresh.hash));
    await h.run(1500);
    const toB = h.take(b);
    expect(toB.map((p) => p.context)).to.include(PacketContext.PATH_RESPONSE);
    await h.run(10_000);
    expect(
      h.take(a).filter((p) => p.context === PacketContext.NONE),
      'the rebroadcast still happens',
    ).to.not.be.empty;
  });

  describe('unknown destinations', () => {
    it('are not searched for from a full-mode interface', async () => {
      h.receive(b, pathRequest(randomBytes(16)));
      await h.run(1000);
      expect(h.take(a)).to.deep.equal([]);
      expect(h.engine.counters.pathRequestsIgnored).to.equal(1);
    });

    for (const mode of [
      InterfaceMode.AccessPoint,
      InterfaceMode.Gateway,
      InterfaceMode.Roaming,
      InterfaceMode.Internal,
    ]) {
      it(`are searched for on the other interfaces when asked on a mode ${mode} interface, with the same tag`, () => {
        const asker = h.iface(4, { mode });
        const wanted = randomBytes(16);
        const tag = randomBytes(16);
        h.receive(asker, pathRequest(wanted, { tag }));
        for (const iface of [a, b]) {
          const [sent] = h.take(iface);
          expect(sent.destinationType).to.equal(DestinationType.PLAIN);
          expect(Buffer.from(sent.destinationHash)).to.deep.equal(Buffer.from(PATH_REQUEST_DESTINATION));
          const request = parsePathRequest(sent.data);
          expect(request.ok && Buffer.from(request.tag)).to.deep.equal(tag);
          expect(request.ok && Buffer.from(request.requestingTransportId as Uint8Array)).to.deep.equal(
            Buffer.from(h.identity.hash),
          );
        }
        expect(h.take(asker)).to.deep.equal([]);
      });
    }

    it('also on any interface with recursive_prs, and from boundary ones only towards boundary and gateway', () => {
      const recursive = h.iface(4, { recursivePathRequests: true });
      h.receive(recursive, pathRequest(randomBytes(16)));
      expect(h.take(a)).to.have.length(1);
      const boundary = h.iface(5, { mode: InterfaceMode.Boundary });
      const gateway = h.iface(6, { mode: InterfaceMode.Gateway });
      h.receive(boundary, pathRequest(randomBytes(16)));
      expect(h.take(a), 'a full interface is not searched from a boundary').to.deep.equal([]);
      expect(h.take(gateway)).to.have.length(1);
    });

    it('answers the waiting requester as soon as the announce arrives', async () => {
      const ap = h.iface(4, { mode: InterfaceMode.AccessPoint });
      const later = new TestDestination();
      h.receive(ap, pathRequest(later.hash));
      h.take(a);
      h.receive(a, later.announce());
      await h.run(0);
      const [response] = h.take(ap);
      expect(response.context).to.equal(PacketContext.PATH_RESPONSE);
      expect(Buffer.from(response.destinationHash)).to.deep.equal(later.hash);
    });

    it('stops searching on behalf of an interface flooding path requests (ingress control)', async () => {
      const ap = h.iface(4, {
        mode: InterfaceMode.AccessPoint,
        ingressControl: { ...a.info.ingressControl, enabled: true },
      });
      for (let i = 0; i < 20; i++) {
        h.receive(ap, pathRequest(randomBytes(16)));
        await h.run(10);
      }
      const searched = h.take(a).length;
      expect(searched).to.be.greaterThan(0).and.lessThan(20);
    });
  });

  it('asks for a new path when a link request to a neighbour destination went unanswered', async () => {
    const { raw } = linkRequest(dest.hash, h.identity.hash);
    h.receive(b, raw);
    h.take(a);
    // Its proof timeout is 6 s; tables are culled every 5 s.
    await h.run(11_000);
    const requests = [...h.take(a)].filter((p) => p.destinationType === DestinationType.PLAIN);
    expect(requests, 'on every interface but the initiator').to.have.length(1);
    expect(h.take(b).filter((p) => p.destinationType === DestinationType.PLAIN)).to.deep.equal([]);
    expect(h.engine.view.paths()[0].state).to.equal('unresponsive');
  });
});
