/**
 * One Python transport node's config, run unchanged by Python Reticulum and then by rns-net:
 * every interface type implemented here (Backbone server and client, TCP server and client, UDP,
 * Pipe) plus a Python-only type (skipped here), all on loopback. Both start the same interfaces.
 * Skips without Python RNS.
 */
import { expect } from 'chai';
import { promises as fs } from 'node:fs';
import { createServer, Server, Socket } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { RnsNode } from '../../src/node/rns-node';
import { freePort } from '../helpers/loopback-port';
import { findPythonRns, PythonRns } from '../helpers/python-rns-locator';
import { RecordingLogger } from '../helpers/recording-logger';
import { spawnPythonScript } from './python-rns';

interface PythonInterface {
  name: string;
  class: string;
  online: boolean;
}

describe('A Python transport node config runs unchanged on rns-net', function () {
  this.timeout(60_000);
  let rns: PythonRns | undefined;
  let dir: string | undefined;
  let sink: Server | undefined;
  const held: Socket[] = [];
  let node: RnsNode | undefined;
  let config = '';

  before(async function () {
    rns = await findPythonRns();
    if (!rns) this.skip();
    // The clients' remote: accepts and holds their connections.
    sink = createServer((socket) => {
      socket.on('error', () => undefined);
      held.push(socket);
    });
    await new Promise<void>((resolve) => sink?.listen(0, '127.0.0.1', () => resolve()));
    const remote = (sink.address() as { port: number }).port;
    const [backbone, tcp, udpIn, udpOut] = [
      await freePort(),
      await freePort(),
      await freePort(),
      await freePort(),
    ];
    config = `# A transport node, as a Python operator writes it.
[reticulum]
  enable_transport = yes
  share_instance = No
  panic_on_interface_error = No

[logging]
  loglevel = 2

[interfaces]
  [[Public Backbone]]
    type = BackboneInterface
    enabled = yes
    listen_on = 127.0.0.1
    port = ${backbone}

  [[Upstream Backbone]]
    type = BackboneClientInterface
    enabled = yes
    remote = 127.0.0.1
    target_port = ${remote}
    max_reconnect_tries = 0

  [[TCP Server Interface]]
    type = TCPServerInterface
    interface_enabled = True
    listen_ip = 127.0.0.1
    listen_port = ${tcp}
    mode = gateway

  [[TCP Client Interface]]
    type = TCPClientInterface
    enabled = yes
    target_host = 127.0.0.1
    target_port = ${remote}
    kiss_framing = no
    i2p_tunneled = no

  [[UDP Interface]]
    type = UDPInterface
    enabled = yes
    listen_ip = 127.0.0.1
    listen_port = ${udpIn}
    forward_ip = 127.0.0.1
    forward_port = ${udpOut}
    mode = internal

  [[Pipe Interface]]
    type = PipeInterface
    enabled = yes
    command = sleep 600
    respawn_delay = 2.5

  [[RNode LoRa Interface]]
    type = RNodeInterface
    enabled = no
    port = /dev/ttyUSB0
    frequency = 867200000
`;
    dir = await fs.mkdtemp(path.join(os.tmpdir(), 'rns-net-pyconfig-'));
    await fs.writeFile(path.join(dir, 'config'), config);
  });

  after(async function () {
    await node?.stop();
    for (const socket of held) socket.destroy();
    await new Promise<void>((resolve) => (sink ? sink.close(() => resolve()) : resolve()));
    if (dir) await fs.rm(dir, { recursive: true, force: true });
  });

  it('starts the same interfaces in Python and here, each online', async function () {
    const python = spawnPythonScript(rns as PythonRns, 'config-check', 'rns_config_check.py', [
      '--config',
      dir as string,
    ]);
    const report = await python.waitFor('interfaces', 30_000);
    await python.stop();
    const pythonInterfaces = report.interfaces as PythonInterface[];
    expect(report.transport).to.equal(true);
    const names = pythonInterfaces.map((i) => i.name).sort();
    expect(names).to.deep.equal([
      'Pipe Interface',
      'Public Backbone',
      'TCP Client Interface',
      'TCP Server Interface',
      'UDP Interface',
      'Upstream Backbone',
    ]);

    // The same directory and file: the config is not touched between the two runs.
    expect(await fs.readFile(path.join(dir as string, 'config'), 'utf8')).to.equal(config);
    const logger = new RecordingLogger();
    node = await RnsNode.start({ configDir: dir as string, createDefaultConfig: false, logger });
    expect(node.startupProblems.map((e) => e.message)).to.deep.equal([]);
    const started = node;
    const deadline = Date.now() + 10_000;
    const allOnline = () => started.status().interfaces.every((i) => i.online);
    while (!allOnline() && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 50));
    const ours = started.status().interfaces;
    expect(ours.map((i) => i.name).sort()).to.deep.equal(names);
    expect(ours.filter((i) => !i.online).map((i) => i.name)).to.deep.equal([]);
    expect(Object.fromEntries(ours.map((i) => [i.name, i.type]))).to.deep.equal({
      'Public Backbone': 'BackboneInterface',
      'Upstream Backbone': 'BackboneClientInterface',
      'TCP Server Interface': 'TCPServerInterface',
      'TCP Client Interface': 'TCPClientInterface',
      'UDP Interface': 'UDPInterface',
      'Pipe Interface': 'PipeInterface',
    });
    expect(ours.find((i) => i.name === 'UDP Interface')?.mode).to.equal('internal');
  });
});
