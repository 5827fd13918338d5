import { expect } from 'chai';
import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { freePort } from '../../helpers/loopback-port';
import { backboneServerConfig, builtCli, NodeProcess, rnsNet } from './cli-process';

describe('rns-net run: signals (child process)', function () {
  this.timeout(60000);

  let home: string;
  let dir: string;
  let node: NodeProcess | undefined;
  const socketPath = (): string => path.join(dir, 'control.sock');

  const expectSocketRemoved = (): Promise<void> =>
    fs.access(socketPath()).then(
      () => expect.fail('control socket left behind'),
      (err: NodeJS.ErrnoException) => {
        expect(err.code).to.equal('ENOENT');
      },
    );

  beforeEach(async () => {
    builtCli();
    home = await fs.mkdtemp(path.join(os.tmpdir(), 'rns-net-home-'));
    dir = path.join(home, 'node');
    await fs.mkdir(dir);
  });

  afterEach(async () => {
    node?.kill();
    node = undefined;
    await fs.rm(home, { recursive: true, force: true });
  });

  it('SIGHUP re-reads the config: applies runtime settings, logs what needs a restart, keeps running', async () => {
    const [port, other] = [await freePort(), await freePort()];
    const config = backboneServerConfig([{ name: 'Public', port }]);
    await fs.writeFile(path.join(dir, 'config'), config);
    node = NodeProcess.spawn(home, dir);
    await node.running();

    await fs.writeFile(
      path.join(dir, 'config'),
      `${config}    idle_timeout = 30\n${backboneServerConfig([{ name: 'Added', port: other }]).split('[interfaces]\n')[1]}`,
    );
    node.child.kill('SIGHUP');
    const reloaded = await node.waitForLog((r) => r.msg === 'config reloaded');
    expect(reloaded).to.include({ applied: 1, restartNeeded: 1, problems: 0 });
    expect(
      node.logs.some((r) => r.msg === "interface 'Added' is not running; it starts at the next restart"),
    ).to.equal(true);
    const get = await rnsNet(
      home,
      'config',
      'get',
      'backbone.Public.idle_timeout_secs',
      '--json',
      '--config',
      dir,
    );
    expect(JSON.parse(get.stdout)).to.include({ value: 30, default: 30, source: 'startup' });

    // A second SIGHUP is just another reload; the node is still the same process.
    node.child.kill('SIGHUP');
    await node.waitForLog((r) => r.msg === 'config reloaded' && r !== reloaded);
    expect(node.child.exitCode).to.equal(null);
    node.child.kill('SIGTERM');
    expect(await node.exited).to.equal(0);
    await expectSocketRemoved();
  });

  it('a second SIGINT right after the first does not cut the clean stop short', async () => {
    await fs.writeFile(
      path.join(dir, 'config'),
      backboneServerConfig([{ name: 'Public', port: await freePort() }]),
    );
    // The second signal goes as soon as the stop has begun; a stop is quick, so on a busy machine
    // the signal may land only after the process exited. Every attempt must end in a clean stop,
    // and at least one must have met the second signal while stopping.
    let metWhileStopping = 0;
    for (let attempt = 0; attempt < 3 && metWhileStopping === 0; attempt++) {
      node = NodeProcess.spawn(home, dir);
      await node.running();
      node.child.kill('SIGINT');
      await node.waitForLog((r) => r.msg === 'signal received, stopping');
      node.child.kill('SIGINT');
      expect(await node.exited).to.equal(0);
      if (node.logs.some((r) => String(r.msg).startsWith('already stopping'))) metWhileStopping++;
      expect(node.logs.some((r) => r.msg === 'node stopped')).to.equal(true);
      expect(node.logs.some((r) => String(r.msg).includes('exiting without a clean stop'))).to.equal(false);
      await expectSocketRemoved();
    }
    expect(metWhileStopping, 'attempts whose second SIGINT arrived while stopping').to.equal(1);
  });
});
