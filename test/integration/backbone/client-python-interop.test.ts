import { expect } from 'chai';
import { RecordingLogger } from '../../helpers/recording-logger';
import { RecordingEventSink } from '../../helpers/recording-event-sink';
import { freePort } from '../../helpers/loopback-port';
import { systemClock } from '../../../src/core/clock';
import { startStreamClient } from '../../../src/net/client/stream-client';
import { StartedSingleInterface } from '../../../src/registry/interface-factory';
import { clientConfig, startContext } from '../../unit/plugins/backbone/client/client-fixtures';
import { findPythonRns, PythonRns } from '../../helpers/python-rns-locator';
import { lineFrom, PythonNode, startPythonNode } from './support/python-node';

// A Python RNS node with a BackboneInterface server; it announces a destination once our client
// is connected, then reports how many bytes it received from us.
const PYTHON_NODE = `
import sys, time, RNS
RNS.Reticulum(sys.argv[1])
print("READY", flush=True)
peer = None
deadline = time.time() + 10
while peer is None and time.time() < deadline:
    peer = next((i for i in RNS.Transport.interfaces if getattr(i, "parent_interface", None) is not None), None)
    time.sleep(0.02)
if peer is None:
    print("NOPEER", flush=True)
    sys.exit(1)
RNS.Destination(RNS.Identity(), RNS.Destination.IN, RNS.Destination.SINGLE, "rnsnet", "interop").announce()
deadline = time.time() + 10
while peer.rxb == 0 and time.time() < deadline:
    time.sleep(0.02)
print("RXB", peer.rxb, flush=True)
time.sleep(30)
`;

describe('Backbone client against a Python RNS BackboneInterface server', function () {
  this.timeout(30_000);
  let rns: PythonRns | undefined;
  let python: PythonNode | undefined;
  let client: StartedSingleInterface | undefined;

  before(async function () {
    rns = await findPythonRns();
    // Optional external tool: skip cleanly without Python RNS (set RNS_PYTHON_PATH to run).
    if (rns === undefined) this.skip();
  });

  afterEach(async () => {
    await client?.stop();
    await python?.stop();
  });

  it('is accepted, receives an announce intact and delivers a frame back', async () => {
    const port = await freePort();
    python = startPythonNode(
      rns!,
      [
        '  [[Python Backbone]]',
        '    type = BackboneInterface',
        '    enabled = yes',
        '    listen_on = 127.0.0.1',
        `    port = ${port}`,
      ],
      PYTHON_NODE,
    );
    await lineFrom(python.process, 'READY', 15_000);

    const events = new RecordingEventSink();
    const config = clientConfig(port);
    client = await startStreamClient(config, startContext(events, systemClock, new RecordingLogger()));
    const up = await events.next('InterfaceUp', 5000);
    const announce = await events.next('Frame', 10_000);
    // An announce: packet type 0b01 in the flags byte, hops 0 as Python sent it.
    expect(announce.data[0] & 0x03).to.equal(0x01);
    expect(announce.data[1]).to.equal(0);
    expect(announce.data.length).to.be.greaterThan(19 + 64);

    const received = lineFrom(python.process, 'RXB', 10_000);
    expect(up.writer?.send(announce.data)).to.equal('accepted');
    expect(await received).to.equal(`RXB ${announce.data.length}`);
  });
});
