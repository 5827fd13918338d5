import { expect } from 'chai';
import { Writer } from '../../../src/core/writer';
import { findPythonRns, PythonRns } from '../../helpers/python-rns-locator';
import { startTestServer, TestServer } from './support/backbone-test-server';
import { lineFrom, PythonNode, startPythonNode } from './support/python-node';

// A Python RNS node with a TCPClientInterface and a BackboneInterface client, both pointed at our
// server. Once both are online it announces a destination (sent on both), then reports the
// bytes each interface received from us.
const PYTHON_NODE = `
import sys, time, RNS
RNS.Reticulum(sys.argv[1])
def find(kind):
    return next((i for i in RNS.Transport.interfaces if type(i).__name__ == kind), None)
deadline = time.time() + 15
while time.time() < deadline:
    tcp, bb = find("TCPClientInterface"), find("BackboneClientInterface")
    if tcp is not None and bb is not None and tcp.online and bb.online:
        break
    time.sleep(0.05)
else:
    print("NOTONLINE", flush=True)
    sys.exit(1)
print("ONLINE", flush=True)
RNS.Destination(RNS.Identity(), RNS.Destination.IN, RNS.Destination.SINGLE, "rnsnet", "server_interop").announce()
deadline = time.time() + 15
while (tcp.rxb == 0 or bb.rxb == 0) and time.time() < deadline:
    time.sleep(0.05)
print("RXB", tcp.rxb, bb.rxb, flush=True)
time.sleep(30)
`;

describe('Backbone server with Python RNS TCPClientInterface and BackboneInterface clients', function () {
  this.timeout(40_000);
  let rns: PythonRns | undefined;
  let python: PythonNode | undefined;
  let server: TestServer | undefined;

  before(async function () {
    rns = await findPythonRns();
    // Optional external tool: skip cleanly without Python RNS (set RNS_PYTHON_PATH to run).
    if (rns === undefined) this.skip();
  });

  afterEach(async () => {
    await python?.stop();
    await server?.close();
  });

  it('accepts both, receives their announces intact and delivers frames back', async () => {
    server = await startTestServer();
    const s = server;
    python = startPythonNode(
      rns!,
      [
        '  [[Python TCP client]]',
        '    type = TCPClientInterface',
        '    enabled = yes',
        '    target_host = 127.0.0.1',
        `    target_port = ${s.port}`,
        '  [[Python Backbone client]]',
        '    type = BackboneInterface',
        '    enabled = yes',
        '    remote = 127.0.0.1',
        `    port = ${s.port}`,
      ],
      PYTHON_NODE,
    );
    await lineFrom(python.process, 'ONLINE', 20_000);
    await s.sink.waitFor('InterfaceUp', () => s.sink.ofType('InterfaceUp').length === 2, 5000);
    const writers = new Map<number, Writer>(
      s.sink.ofType('InterfaceUp').map((e) => [e.id, e.writer as Writer]),
    );

    // Python also sends other packets (a tunnel synthesis on TCP); pick each peer's announce
    // (packet type 0b01), which must arrive with hops 0 as Python sent it.
    const isAnnounce = (data: Uint8Array): boolean => (data[0]! & 0x03) === 0x01;
    const announcesByPeer = (): Map<number, Uint8Array> =>
      new Map(
        s.sink
          .ofType('Frame')
          .filter((f) => isAnnounce(f.data))
          .map((f) => [f.id, f.data]),
      );
    await s.sink.waitFor('Frame', () => announcesByPeer().size === 2, 10_000);
    const announces = announcesByPeer();
    for (const data of announces.values()) expect(data[1]).to.equal(0);
    const [first, second] = [...announces.values()];
    expect(Buffer.from(first!)).to.deep.equal(Buffer.from(second!));

    const report = lineFrom(python.process, 'RXB', 15_000);
    for (const [id, writer] of writers)
      expect(writer.send(announces.get(id) as Uint8Array)).to.equal('accepted');
    expect(await report).to.equal(`RXB ${first!.length} ${first!.length}`);
  });
});
