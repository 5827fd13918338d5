/**
 * Interface access codes against real Python RNS: two Python nodes configured with a network name
 * and passphrase talk through our node (IFAC on both of its sides: a BackboneInterface server
 * whose peers are a Python BackboneInterface client and a Python TCPClientInterface); a Python
 * node with a wrong passphrase gets nothing through, and a raw peer's plain frame is never
 * relayed. Skips without Python RNS (set RNS_PYTHON_PATH).
 */
import { expect } from 'chai';
import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { RnsNode } from '../../src/node/rns-node';
import { Identity, InterfaceAccessCode, buildAnnounce } from '../../src/protocol';
import { freePort } from '../helpers/loopback-port';
import { findPythonRns, PythonRns } from '../helpers/python-rns-locator';
import { LoopbackPeer, waitUntil } from '../integration/node/loopback-peer';
import { EventedProcess, ServerPeer, startClientPeer, startServerPeer } from './python-rns';

const NETWORK = 'rns-net interop';
const PASSPHRASE = 'shared secret of the interop net';

describe('interop: IFAC with Python RNS through rns-net', function () {
  this.timeout(120_000);

  let rns: PythonRns;
  let root: string;
  let node: RnsNode;
  let port: number;
  let server: ServerPeer;
  const processes: EventedProcess[] = [];
  const raws: LoopbackPeer[] = [];

  const secure = () => node.status().interfaces.find((i) => i.name === 'Secure')!;
  const credentials = (passphrase: string) => ['--networkname', NETWORK, '--passphrase', passphrase];

  before(async function () {
    const found = await findPythonRns();
    if (found === undefined) this.skip();
    rns = found;
    root = await fs.mkdtemp(path.join(os.tmpdir(), 'rns-net-ifac-interop-'));
    port = await freePort();
    await fs.writeFile(
      path.join(root, 'config'),
      `[reticulum]\n  enable_transport = yes\n[logging]\n  loglevel = 2\n\n[interfaces]\n  [[Secure]]\n    type = BackboneInterface\n    enabled = yes\n` +
        `    listen_ip = 127.0.0.1\n    listen_port = ${port}\n    networkname = ${NETWORK}\n    passphrase = ${PASSPHRASE}\n`,
    );
    node = await RnsNode.start({ configDir: root });
    server = await startServerPeer(rns, { interface: 'backbone', port, extraArgs: credentials(PASSPHRASE) });
    processes.push(server.process);
    await waitUntil(() => secure().peers === 1, 'the Python server peer is connected', 15_000);
  });

  after(async () => {
    for (const raw of raws.splice(0)) raw.close();
    for (const process of processes.splice(0)) await process.stop();
    await node?.stop();
    if (root !== undefined) await fs.rm(root, { recursive: true, force: true });
  });

  it('two Python nodes with the network name and passphrase reach each other: path, proof, link, request, resource', async () => {
    const client = startClientPeer(rns, {
      interface: 'tcp',
      port,
      destinationHash: server.destinationHash,
      resourceSize: 256 * 1024,
      keepalives: 1,
      extraArgs: credentials(PASSPHRASE),
    });
    processes.push(client);
    const summary = await client.waitFor('summary', 90_000);
    expect(summary.ok).to.equal(true);
    expect((await client.exited).code).to.equal(0);
    expect(server.process.find('resource_concluded')).to.not.equal(undefined);
    expect(secure().rxIfacDropped).to.equal(0);
  });

  it('a Python node with a wrong passphrase gets nothing through, and nothing of it reaches the others', async () => {
    const announcesBefore = server.process.all('announce').length;
    const dropsBefore = secure().rxIfacDropped;
    const stranger = startClientPeer(rns, {
      interface: 'backbone',
      port,
      destinationHash: server.destinationHash,
      resourceSize: 0,
      keepalives: 0,
      stepTimeoutSec: 6,
      extraArgs: credentials('not the passphrase'),
    });
    processes.push(stranger);
    const error = await stranger.waitFor('error', 30_000);
    expect(error.step).to.equal('path');
    expect((await stranger.exited).code).to.not.equal(0);
    // Its announce and its path requests were all dropped at our interface.
    expect(secure().rxIfacDropped - dropsBefore).to.be.at.least(2);
    expect(server.process.all('announce').length).to.equal(announcesBefore);
  });

  it("never relays a raw peer's plain frame on the IFAC interface; the same announce with the code passes", async () => {
    const raw = await LoopbackPeer.connect(port);
    raws.push(raw);
    await waitUntil(() => secure().peers >= 2, 'the raw peer is connected');
    const dropsBefore = secure().rxIfacDropped;
    const plain = buildAnnounce({
      identity: Identity.generate(),
      appName: 'rnsnet_interop',
      aspects: ['raw'],
    });
    const plainHash = plain.subarray(2, 18).toString('hex');
    raw.send(plain);
    await waitUntil(() => secure().rxIfacDropped === dropsBefore + 1, 'the plain announce is dropped');

    const signed = buildAnnounce({
      identity: Identity.generate(),
      appName: 'rnsnet_interop',
      aspects: ['raw'],
    });
    const code = InterfaceAccessCode.fromCredentials({
      networkName: NETWORK,
      passphrase: PASSPHRASE,
      size: 16,
    });
    raw.send(code.apply(signed));
    const signedHash = signed.subarray(2, 18).toString('hex');
    await server.process.waitFor('announce', 15_000, (e) => e.hash === signedHash);
    expect(server.process.find('announce', (e) => e.hash === plainHash)).to.equal(undefined);
  });
});
