import { expect } from 'chai';
import { promises as fs } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { once } from 'node:events';
import { NodeStatus } from '../../../src/node/node-status';
import { freePort } from '../../helpers/loopback-port';
import { backboneServerConfig, builtCli, NodeProcess, rnsNet, waitForStatus } from './cli-process';
import { LoopbackPeer, testPacket, waitUntil } from './loopback-peer';

describe('rns-net CLI against a running node (child process)', function () {
  // The first test may build the CLI (tsc) when dist is missing or stale.
  this.timeout(60000);

  let home: string;
  let dir: string;
  let port: number;
  let node: NodeProcess;
  const socketPath = (): string => path.join(dir, 'control.sock');

  before(async () => {
    builtCli();
    home = await fs.mkdtemp(path.join(os.tmpdir(), 'rns-net-home-'));
    dir = path.join(home, 'node');
    await fs.mkdir(dir);
    // listen_port = 0: the node binds any free port and status reports it.
    await fs.writeFile(path.join(dir, 'config'), backboneServerConfig([{ name: 'Public', port: 0 }]));
    node = NodeProcess.spawn(home, dir);
    await node.running();
    const status = JSON.parse((await rnsNet(home, 'status', '--json', '--config', dir)).stdout) as NodeStatus;
    port = status.interfaces[0]?.boundAddress?.port ?? 0;
  });

  after(async () => {
    node?.kill();
    if (home !== undefined) await fs.rm(home, { recursive: true, force: true });
  });

  it('serves the control socket with mode 0600', async () => {
    const stat = await fs.lstat(socketPath());
    expect(stat.isSocket()).to.equal(true);
    expect(stat.mode & 0o777).to.equal(0o600);
  });

  it('status: a table by default, the raw result with --json', async () => {
    const table = await rnsNet(home, 'status', '--config', dir);
    expect(table.code).to.equal(0);
    expect(table.stdout).to.match(new RegExp(`^rns-net node for ${dir} \\(pid \\d+\\), up `));
    expect(table.stdout).to.match(
      new RegExp(
        `^Public\\s+BackboneInterface\\s+full\\s+yes\\s+127\\.0\\.0\\.1:${port}\\s+0\\s+0 / 0 B`,
        'm',
      ),
    );
    expect(table.stdout).to.match(/^received\s+0$/m);
    expect(table.stdout).to.match(/^log lines dropped \(output blocked\) 0, suppressed \(rate limit\) 0$/m);
    const json = await rnsNet(home, 'status', '--json', '--config', dir);
    expect(json.code).to.equal(0);
    const status = JSON.parse(json.stdout) as NodeStatus;
    expect(status.configDir).to.equal(dir);
    expect(status.interfaces.map((i) => [i.name, i.type, i.kind, i.online])).to.deep.equal([
      ['Public', 'BackboneInterface', 'listener', true],
    ]);
    expect(port).to.be.within(1, 65535);
    expect(status.interfaces[0]?.boundAddress).to.deep.equal({ host: '127.0.0.1', port });
    expect(status.relay).to.include({ received: 0 });
    expect(status.process.rssBytes).to.be.greaterThan(10 * 1024 * 1024);
    expect(status.process.heapUsedBytes).to.be.greaterThan(0);
    expect(status.process.eventLoopDelayMs.max).to.be.at.least(status.process.eventLoopDelayMs.p50);
    // An idle node's loop is hardly ever late; the sampling interval itself is not delay.
    expect(status.process.eventLoopDelayMs.p50).to.be.below(8);
    expect(status.logging).to.deep.equal({ droppedLines: 0, suppressedLines: 0 });
  });

  it('status counts a connected peer', async () => {
    const peer = net.createConnection(port, '127.0.0.1');
    await once(peer, 'connect');
    try {
      await node.waitForLog((r) => r.msg === 'peer connected');
      const status = JSON.parse(
        (await rnsNet(home, 'status', '--json', '--config', dir)).stdout,
      ) as NodeStatus;
      expect(status.interfaces[0].peers).to.equal(1);
      const peers = await rnsNet(home, 'peers', '--json', '--config', dir);
      expect(peers.code).to.equal(0);
      const list = JSON.parse(peers.stdout) as { ip: string; connectedCount: number }[];
      expect(list.find((p) => p.ip === '127.0.0.1')?.connectedCount).to.equal(1);
    } finally {
      peer.destroy();
    }
  });

  it('peers blacklist / peers / peers clear', async () => {
    const add = await rnsNet(
      home,
      'peers',
      'blacklist',
      'Public',
      '192.0.2.44',
      '--for',
      '600',
      '--reason',
      'test',
      '--config',
      dir,
    );
    expect(add.code, add.stderr).to.equal(0);
    expect(add.stdout.trim()).to.equal("blacklisted 192.0.2.44 on 'Public' for 600 s");
    const table = await rnsNet(home, 'peers', 'Public', '--config', dir);
    expect(table.code).to.equal(0);
    expect(table.stdout).to.match(/^Public\s+192\.0\.2\.44\s+0\s+0\s+\d+\s+\d+m \d+s left\s+test$/m);
    const cleared = await rnsNet(home, 'peers', 'clear', 'Public', '192.0.2.44', '--config', dir);
    expect(cleared.code, cleared.stderr).to.equal(0);
    const again = await rnsNet(home, 'peers', 'clear', 'Public', '192.0.2.44', '--config', dir);
    expect(again.code).to.equal(1);
    expect(again.stderr).to.match(/^error: not_found: /);
    const unknown = await rnsNet(home, 'peers', 'Nope', '--config', dir);
    expect(unknown.code).to.equal(1);
    expect(unknown.stderr.trim()).to.equal("error: not_found: interface 'Nope' not found");
  });

  it('peers: a reason with newlines and escape sequences stays on its row, escaped', async () => {
    const reason = 'flood\nPublic  203.0.113.9  9  9  9  forged row\x1b[2J\x1b[31m';
    const add = await rnsNet(
      home,
      'peers',
      'blacklist',
      'Public',
      '192.0.2.46',
      '--for',
      '60',
      '--reason',
      reason,
      '--config',
      dir,
    );
    expect(add.code, add.stderr).to.equal(0);
    const table = await rnsNet(home, 'peers', 'Public', '--config', dir);
    const rows = table.stdout.trimEnd().split('\n');
    expect(rows).to.have.length(2);
    expect(rows[1]).to.match(/^Public\s+192\.0\.2\.46\s/);
    expect(rows[1]?.endsWith('flood\\nPublic  203.0.113.9  9  9  9  forged row\\x1b[2J\\x1b[31m')).to.equal(
      true,
    );
    const json = JSON.parse((await rnsNet(home, 'peers', '--json', '--config', dir)).stdout) as {
      blacklistReason: string;
    }[];
    expect(json.map((p) => p.blacklistReason)).to.include(reason);
    expect((await rnsNet(home, 'peers', 'clear', 'Public', '192.0.2.46', '--config', dir)).code).to.equal(0);
  });

  it('paths and paths drop on a flood relay: unsupported, exit 1', async () => {
    for (const args of [['paths'], ['paths', 'drop', 'ab'.repeat(16)]]) {
      const result = await rnsNet(home, ...args, '--config', dir);
      expect(result.code, args.join(' ')).to.equal(1);
      expect(result.stderr.trim()).to.match(/^error: unsupported: the node forwards as a flood relay/);
    }
  });

  it('config list / get / set / reset, with --json', async () => {
    const key = 'backbone.Public.idle_timeout_secs';
    const list = await rnsNet(home, 'config', 'list', '--config', dir);
    expect(list.code).to.equal(0);
    expect(list.stdout).to.match(/^KEY\s+VALUE\s+STARTUP\s+SOURCE\s+APPLIES$/m);
    expect(list.stdout).to.match(/^backbone\.Public\.idle_timeout_secs\s+0\s+0\s+startup\s+immediate$/m);
    const set = await rnsNet(home, 'config', 'set', key, '30', '--json', '--config', dir);
    expect(set.code, set.stderr).to.equal(0);
    expect(JSON.parse(set.stdout)).to.include({ key, value: 30, default: 0, source: 'runtime_override' });
    const get = await rnsNet(home, 'config', 'get', key, '--config', dir);
    expect(get.stdout).to.match(
      /^backbone\.Public\.idle_timeout_secs\s+30\s+0\s+runtime_override\s+immediate$/m,
    );
    const reset = await rnsNet(home, 'config', 'reset', key, '--json', '--config', dir);
    expect(JSON.parse(reset.stdout)).to.include({ value: 0, source: 'startup' });
    const listJson = JSON.parse((await rnsNet(home, 'config', 'list', '--json', '--config', dir)).stdout) as {
      key: string;
    }[];
    expect(listJson.map((e) => e.key)).to.include(key);
  });

  it('config errors print the code and exit 1', async () => {
    const unknown = await rnsNet(home, 'config', 'get', 'backbone.Public.nope', '--config', dir);
    expect(unknown.code).to.equal(1);
    expect(unknown.stderr.trim()).to.match(/^error: unknown_key: /);
    const badType = await rnsNet(
      home,
      'config',
      'set',
      'backbone.Public.idle_timeout_secs',
      'soon',
      '--config',
      dir,
    );
    expect(badType.code).to.equal(1);
    expect(badType.stderr.trim()).to.match(/^error: invalid_type: /);
    const badValue = await rnsNet(
      home,
      'config',
      'set',
      'backbone.Public.idle_timeout_secs',
      '-5',
      '--config',
      dir,
    );
    expect(badValue.code).to.equal(1);
    expect(badValue.stderr.trim()).to.match(/^error: invalid_value: /);
  });

  it('usage errors exit 2', async () => {
    const noFor = await rnsNet(home, 'peers', 'blacklist', 'Public', '192.0.2.1', '--config', dir);
    expect(noFor.code).to.equal(2);
    expect(noFor.stderr).to.match(/required option '--for <seconds>'/);
    expect((await rnsNet(home, 'frobnicate')).code).to.equal(2);
    expect((await rnsNet(home, 'config', 'set', 'only-key', '--config', dir)).code).to.equal(2);
  });

  it('says no node runs for another directory (exit 1)', async () => {
    const other = path.join(home, 'elsewhere');
    const result = await rnsNet(home, 'status', '--config', other);
    expect(result.code).to.equal(1);
    expect(result.stderr.trim()).to.equal(
      `no rns-net node is running for ${other} (no control socket at ${path.join(other, 'control.sock')})`,
    );
  });

  it('uses ~/.rns-net when --config is absent', async () => {
    const result = await rnsNet(home, 'status');
    expect(result.code).to.equal(1);
    expect(result.stderr).to.include(`no rns-net node is running for ${path.join(home, '.rns-net')}`);
  });

  it('refuses a second node on the same directory', async () => {
    const second = NodeProcess.spawn(home, dir);
    expect(await second.exited).to.equal(1);
    expect(second.stderr.trim()).to.equal(
      `error: another rns-net node is running for ${dir} (control socket ${socketPath()})`,
    );
    // The first node is unaffected.
    expect((await rnsNet(home, 'status', '--config', dir)).code).to.equal(0);
  });

  it('stops on SIGTERM: exit 0, socket removed', async () => {
    node.child.kill('SIGTERM');
    expect(await node.exited).to.equal(0);
    expect(node.logs.some((r) => r.msg === 'node stopped')).to.equal(true);
    await fs.access(socketPath()).then(
      () => expect.fail('control socket left behind'),
      (err: NodeJS.ErrnoException) => expect(err.code).to.equal('ENOENT'),
    );
    const after = await rnsNet(home, 'status', '--config', dir);
    expect(after.code).to.equal(1);
  });
});

describe('rns-net run: startup outcomes (child process)', function () {
  this.timeout(60000);

  let home: string;
  let dir: string;
  const nodes: NodeProcess[] = [];
  const spawnNode = (...extra: string[]): NodeProcess => {
    const n = NodeProcess.spawn(home, dir, ...extra);
    nodes.push(n);
    return n;
  };

  beforeEach(async () => {
    builtCli();
    home = await fs.mkdtemp(path.join(os.tmpdir(), 'rns-net-home-'));
    dir = path.join(home, 'node');
    await fs.mkdir(dir);
  });

  afterEach(async () => {
    for (const n of nodes.splice(0)) n.kill();
    if (home !== undefined) await fs.rm(home, { recursive: true, force: true });
  });

  it('exits 1 when its only interface fails to start (port in use)', async () => {
    const blocker = net.createServer();
    await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
    const port = (blocker.address() as net.AddressInfo).port;
    try {
      await fs.writeFile(path.join(dir, 'config'), backboneServerConfig([{ name: 'Taken', port }]));
      const n = spawnNode();
      expect(await n.exited).to.equal(1);
      expect(n.stderr).to.include('none of the 1 enabled interface(s)');
      const failure = n.logs.find((r) => r.level === 'error' && String(r.msg).includes('[Taken]'));
      expect(failure?.msg).to.match(/config:\d+ \[Taken\]/);
      await fs.access(path.join(dir, 'control.sock')).then(
        () => expect.fail('control socket left behind'),
        () => undefined,
      );
    } finally {
      await new Promise<void>((resolve) => blocker.close(() => resolve()));
    }
  });

  it('skips a bad section, names file, line, section and key, and starts the others', async () => {
    const port = await freePort();
    const config =
      backboneServerConfig([{ name: 'Good', port }]) +
      '  [[Bad]]\n    type = BackboneInterface\n    enabled = yes\n    listen_ip = 127.0.0.1\n    listen_port = lots\n';
    await fs.writeFile(path.join(dir, 'config'), config);
    const n = spawnNode();
    await n.running();
    const problem = n.logs.find((r) => r.level === 'error');
    const line = config.split('\n').findIndex((l) => l.includes('listen_port = lots')) + 1;
    expect(problem?.msg).to.equal(
      `${path.join(dir, 'config')}:${line} [Bad] 'listen_port': expected a number, got 'lots'`,
    );
    const status = JSON.parse((await rnsNet(home, 'status', '--json', '--config', dir)).stdout) as NodeStatus;
    expect(status.interfaces.map((i) => i.name)).to.deep.equal(['Good']);
    n.child.kill('SIGINT');
    expect(await n.exited).to.equal(0);
  });

  it('starts, warms the relay path up on a private node, and relays (the default)', async () => {
    const port = await freePort();
    await fs.writeFile(path.join(dir, 'config'), backboneServerConfig([{ name: 'Warm', port }], 2));
    const n = NodeProcess.spawnWarm(home, dir, '--loglevel', '7');
    nodes.push(n);
    const warm = await n.waitForLog((r) => r.msg === 'relay path warmed up', 30_000);
    expect(warm.framesSent).to.be.greaterThan(0);
    expect(warm.bytesDelivered).to.be.greaterThan(0);
    await n.running();
    const [a, b] = [await LoopbackPeer.connect(port), await LoopbackPeer.connect(port)];
    try {
      const ports = new Set([a.localPort, b.localPort]);
      await waitUntil(
        () => n.logs.filter((r) => r.msg === 'peer connected' && ports.has(r.port as number)).length === 2,
        'two peers',
        20_000,
      );
      a.send(testPacket(1));
      await waitUntil(() => b.received.length === 1, 'the packet relayed');
    } finally {
      a.close();
      b.close();
    }
    n.child.kill('SIGTERM');
    expect(await n.exited).to.equal(0);
  });

  it('ends the warm-up early when a stop signal arrives during it, and stops cleanly', async () => {
    const port = await freePort();
    await fs.writeFile(path.join(dir, 'config'), backboneServerConfig([{ name: 'Warm', port }], 2));
    const n = NodeProcess.spawnWarm(home, dir, '--loglevel', '7');
    nodes.push(n);
    // The node runs before its warm-up (about a second of traffic) begins.
    await n.running();
    n.child.kill('SIGTERM');
    const warm = await n.waitForLog((r) => r.msg === 'relay path warmed up', 30_000);
    expect(warm.completed).to.equal(false);
    expect(await n.exited).to.equal(0);
  });

  it('honours --loglevel over [logging] loglevel', async () => {
    const port = await freePort();
    await fs.writeFile(path.join(dir, 'config'), backboneServerConfig([{ name: 'Quiet', port }], 2));
    const quiet = spawnNode();
    // At loglevel 2 (warnings) "node running" is not logged; wait until it answers instead.
    const status = await waitForStatus(home, dir);
    expect(status).to.equal(0);
    expect(quiet.logs.filter((r) => r.level === 'info')).to.deep.equal([]);
    quiet.child.kill('SIGTERM');
    expect(await quiet.exited).to.equal(0);
    const loud = spawnNode('--loglevel', '7');
    await loud.running();
    loud.child.kill('SIGTERM');
    expect(await loud.exited).to.equal(0);
  });

  it('runs from a config directory too long for a Unix socket address, and restarts after a crash', async function () {
    if (process.platform !== 'linux') this.skip();
    const port = await freePort();
    const longDir = path.join(home, 'l'.repeat(120));
    await fs.mkdir(longDir);
    await fs.writeFile(path.join(longDir, 'config'), backboneServerConfig([{ name: 'Long', port }]));
    const socket = path.join(longDir, 'control.sock');
    const first = NodeProcess.spawn(home, longDir);
    nodes.push(first);
    await first.running();
    expect((await rnsNet(home, 'status', '--config', longDir)).code).to.equal(0);
    // A crash leaves the socket file behind; the next start finds it stale and replaces it.
    first.child.kill('SIGKILL');
    await first.exited;
    expect((await fs.lstat(socket)).isSocket()).to.equal(true);
    const second = NodeProcess.spawn(home, longDir);
    nodes.push(second);
    await second.running();
    expect(second.logs.some((r) => r.msg === 'removing stale control socket')).to.equal(true);
    const status = await rnsNet(home, 'status', '--json', '--config', longDir);
    expect(status.code, status.stderr).to.equal(0);
    expect((JSON.parse(status.stdout) as NodeStatus).configDir).to.equal(longDir);
    second.child.kill('SIGTERM');
    expect(await second.exited).to.equal(0);
    await fs.access(socket).then(
      () => expect.fail('control socket left behind'),
      (err: NodeJS.ErrnoException) => expect(err.code).to.equal('ENOENT'),
    );
  });
});
