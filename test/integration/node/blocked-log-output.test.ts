import { expect } from 'chai';
import { once } from 'node:events';
import { promises as fs } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { NodeStatus } from '../../../src/node/node-status';
import { FullPipe } from '../../helpers/full-pipe';
import { freePort } from '../../helpers/loopback-port';
import { backboneServerConfig, builtCli, NodeProcess, rnsNet, waitForStatus } from './cli-process';
import { LoopbackPeer, testPacket, waitUntil } from './loopback-peer';

describe('a node whose stdout is a pipe nobody reads (child process)', function () {
  this.timeout(60000);

  let home: string;
  let dir: string;
  let pipe: FullPipe;
  let node: NodeProcess | undefined;
  const peers: LoopbackPeer[] = [];

  beforeEach(async function () {
    // A stale build is rebuilt here first (tsc over src, test and bench), which takes more than a
    // minute on a busy machine.
    this.timeout(240000);
    builtCli();
    home = await fs.mkdtemp(path.join(os.tmpdir(), 'rns-net-home-'));
    dir = path.join(home, 'node');
    await fs.mkdir(dir);
    pipe = FullPipe.open();
  });

  afterEach(async () => {
    for (const peer of peers.splice(0)) peer.close();
    node?.kill();
    if (node !== undefined) await node.exited;
    pipe.close();
    await fs.rm(home, { recursive: true, force: true });
  });

  it('keeps relaying every frame between two peers and stops cleanly', async () => {
    const port = await freePort();
    // Loglevel 7: a line for every connection, so peers make plenty to log.
    await fs.writeFile(path.join(dir, 'config'), backboneServerConfig([{ name: 'Hub', port }], 7));
    node = NodeProcess.spawnWithStdout(home, dir, pipe.blockingWriteFd, '--loglevel', '7');
    expect(await waitForStatus(home, dir)).to.equal(0);

    // Churn: every connection is logged on its way in and out.
    for (let i = 0; i < 100; i++) {
      const socket = net.createConnection({ host: '127.0.0.1', port });
      await once(socket, 'connect');
      socket.destroy();
    }

    const a = await LoopbackPeer.connect(port);
    const b = await LoopbackPeer.connect(port);
    peers.push(a, b);
    const status = async (): Promise<NodeStatus> =>
      JSON.parse((await rnsNet(home, 'status', '--json', '--config', dir)).stdout) as NodeStatus;
    let hub = await status();
    for (let i = 0; i < 50 && hub.interfaces[0]?.peers !== 2; i++) hub = await status();
    expect(hub.interfaces[0]?.peers).to.equal(2);

    const frames = Array.from({ length: 300 }, (_, i) => testPacket(1000 + i));
    for (const packet of frames) a.send(packet);
    await waitUntil(() => b.received.length === 300, 'B got all 300 frames', 20000);
    expect(b.received).to.deep.equal(frames);

    node.child.kill('SIGTERM');
    expect(await node.exited).to.equal(0);
    await fs.access(path.join(dir, 'control.sock')).then(
      () => expect.fail('control socket left behind'),
      (err: NodeJS.ErrnoException) => expect(err.code).to.equal('ENOENT'),
    );
  });
});
