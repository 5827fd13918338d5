import { expect } from 'chai';
import { TUNNEL_SYNTHESIZE_DESTINATION } from '../../../src/protocol/destination';
import { DestinationType } from '../../../src/protocol/packet-constants';
import { TestDestination, tunnelSynthesis } from './support/packets';
import { Identity } from '../../../src/protocol/identity';
import { Harness, TestInterface } from './support/transport-harness';

describe('transport engine: tunnels', () => {
  let h: Harness;
  let server: TestInterface;

  beforeEach(() => {
    h = new Harness();
    server = h.iface(1);
  });

  afterEach(() => h.dispose());

  it('gives a reconnecting client its paths back at once', async () => {
    const client = Identity.generate();
    const first = h.iface(10_000);
    h.receive(first, tunnelSynthesis(client, 'TCPClientInterface[Uplink/192.0.2.1:4242]'));
    const behind = [new TestDestination(), new TestDestination()];
    for (const dest of behind) h.receive(first, dest.announce());
    await h.run(0);
    expect(h.engine.view.sizes().paths).to.equal(2);

    h.host.remove(first);
    h.engine.interfaceDown(first);
    await h.run(6000);
    expect(h.engine.view.sizes().paths, 'culled with their interface').to.equal(0);

    const second = h.iface(10_001);
    h.receive(second, tunnelSynthesis(client, 'TCPClientInterface[Uplink/192.0.2.1:4242]'));
    const paths = h.engine.view.paths();
    expect(paths.map((p) => p.interfaceId)).to.deep.equal([10_001, 10_001]);
    expect(h.engine.counters.tunnelPathsRestored).to.equal(2);
  });

  it('does not confuse two interfaces of one client, nor accept a bad signature', async () => {
    const client = Identity.generate();
    const first = h.iface(10_000);
    h.receive(first, tunnelSynthesis(client, 'one'));
    h.receive(first, new TestDestination().announce());
    await h.run(0);
    h.host.remove(first);
    h.engine.interfaceDown(first);
    const second = h.iface(10_001);
    h.receive(second, tunnelSynthesis(client, 'two'));
    h.receive(second, tunnelSynthesis(client, 'one', true));
    expect(h.engine.counters.tunnelPathsRestored).to.equal(0);
    expect(h.engine.counters.tunnelsRejected).to.equal(1);
  });

  it('synthesises a tunnel on a client interface that comes up wanting one', () => {
    const uplink = h.iface(2, { wantsTunnel: true }, false);
    const [sent] = h.take(uplink);
    expect(sent.destinationType).to.equal(DestinationType.PLAIN);
    expect(Buffer.from(sent.destinationHash)).to.deep.equal(Buffer.from(TUNNEL_SYNTHESIZE_DESTINATION));
    expect(sent.data).to.have.length(176);
    expect(Buffer.from(sent.data.subarray(0, 64))).to.deep.equal(Buffer.from(h.identity.publicKey));
    expect(h.take(server)).to.deep.equal([]);
  });
});
