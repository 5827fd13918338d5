import { expect } from 'chai';
import { once } from 'node:events';
import { promises as fs } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { NodeConfig } from '../../../src/node/config/node-config';
import { RnsNode } from '../../../src/node/rns-node';
import { freePort } from '../../helpers/loopback-port';
import { RecordingLogger } from '../../helpers/recording-logger';

/**
 * Writes a config, with the forwarding mode after it (so the lines of `text` stay as written)
 * unless `text` has a `[reticulum]` section of its own.
 */
function writeConfig(file: string, text: string): Promise<void> {
  return fs.writeFile(
    file,
    text.includes('[reticulum]') ? text : `${text}\n[reticulum]\n  enable_transport = yes\n`,
  );
}

/** One BackboneInterface server section on 127.0.0.1. */
function server(name: string, port: number, extra = ''): string {
  return `  [[${name}]]\n    type = BackboneInterface\n    enabled = yes\n    listen_ip = 127.0.0.1\n    listen_port = ${port}\n${extra}`;
}

describe('RnsNode.reload: re-reading the config of a running node (in-process, Backbone servers)', () => {
  let dir: string;
  let file: string;
  let node: RnsNode | undefined;
  let logger: RecordingLogger;
  let loaded: NodeConfig[];

  const start = async (text: string): Promise<RnsNode> => {
    await writeConfig(file, text);
    node = await RnsNode.start({ configDir: dir, logger, onConfigLoaded: (c) => loaded.push(c) });
    return node;
  };
  const entry = (key: string): unknown => node?.getRuntimeConfig(key);

  beforeEach(async () => {
    dir = await fs.mkdtemp(path.join(os.tmpdir(), 'rns-net-reload-'));
    file = path.join(dir, 'config');
    logger = new RecordingLogger();
    loaded = [];
  });

  afterEach(async () => {
    await node?.stop();
    node = undefined;
    await fs.rm(dir, { recursive: true, force: true });
  });

  it('applies a runtime setting changed in the file as its new startup value, keeping runtime-only overrides', async () => {
    const port = await freePort();
    const running = await start(`[interfaces]\n${server('Public', port, '    max_connections = 8\n')}`);
    expect(running.setRuntimeConfig('backbone.Public.max_connections', 3).ok).to.equal(true);
    await writeConfig(
      file,
      `[interfaces]\n${server('Public', port, '    max_connections = 8\n    idle_timeout = 30\n')}`,
    );

    const report = await running.reload();
    expect(report).to.deep.equal({
      applied: [{ key: 'backbone.Public.idle_timeout_secs', value: 30 }],
      restartNeeded: [],
      problems: [],
    });
    expect(entry('backbone.Public.idle_timeout_secs')).to.include({
      value: 30,
      default: 30,
      source: 'startup',
    });
    expect(entry('backbone.Public.max_connections')).to.include({ value: 3, default: 8 });
    expect(logger.messages('info')).to.include('config reloaded');

    // Reloading the same file again changes nothing.
    expect((await running.reload()).applied).to.deep.equal([]);
  });

  it('reports a changed node-wide buffer budget as taking a restart, and keeps the running one', async () => {
    const port = await freePort();
    const running = await start(
      `[reticulum]\n  enable_transport = yes\n  receive_buffer_budget = 16\n[interfaces]\n${server('Public', port)}`,
    );
    await fs.writeFile(
      file,
      `[reticulum]\n  enable_transport = yes\n  receive_buffer_budget = 32\n  send_buffer_budget = 256\n[interfaces]\n${server('Public', port)}`,
    );
    const report = await running.reload();
    // 256 MiB is the send budget's default: unchanged.
    expect(report.restartNeeded).to.deep.equal([
      "[reticulum] 'receive_buffer_budget' changed; that takes a restart",
    ]);
    expect(running.buffers.receive.limitBytes).to.equal(16 * 1024 * 1024);
  });

  it('logs what takes a restart: a port, a node-owned key, an interface added, removed or changed in mode', async () => {
    const [a, b, c, moved] = [await freePort(), await freePort(), await freePort(), await freePort()];
    const running = await start(`[interfaces]\n${server('A', a)}${server('B', b)}${server('M', c)}`);
    await writeConfig(
      file,
      `[interfaces]\n${server('A', moved, '    idle_timeout = 10\n    bitrate = 9600\n    networkname = n\n')}${server('M', c, '    mode = gateway\n')}${server('New', await freePort())}`,
    );
    const report = await running.reload();
    expect(report.applied).to.deep.equal([{ key: 'backbone.A.idle_timeout_secs', value: 10 }]);
    expect(report.restartNeeded).to.deep.equal([
      "interface 'New' is not running; it starts at the next restart",
      "[A] 'bitrate' changed; that takes a restart",
      "[A] 'listen_port' changed; that takes a restart",
      "[A] 'networkname' changed; that takes a restart",
      "interface 'B' is gone from the config or disabled; it runs until the next restart",
      "interface 'M' changed type or mode (BackboneInterface, gateway); that takes a restart",
    ]);
    for (const change of report.restartNeeded) expect(logger.messages('warn')).to.include(change);
    // Nothing was restarted: A still listens where it did.
    const peer = net.createConnection({ host: '127.0.0.1', port: a });
    await once(peer, 'connect');
    peer.destroy();
  });

  it('reports a changed [metrics] section as taking a restart, and keeps serving as started', async () => {
    const [hub, metrics, other] = [await freePort(), await freePort(), await freePort()];
    const section = (port: number, extra = '') =>
      `[metrics]\n  enabled = yes\n  listen_port = ${port}\n${extra}`;
    const running = await start(`${section(metrics)}[interfaces]\n${server('A', hub)}`);
    await writeConfig(file, `${section(other, '  per_peer = yes\n')}[interfaces]\n${server('A', hub)}`);
    const report = await running.reload();
    expect(report.restartNeeded).to.deep.equal([
      "[metrics] 'listen_port' changed; that takes a restart",
      "[metrics] 'per_peer' changed; that takes a restart",
    ]);
    expect(running.metricsUrl).to.equal(`http://127.0.0.1:${metrics}/metrics`);
  });

  it('reports changed [plugins] modules as taking a restart: plugins load when the node starts', async () => {
    const hub = await freePort();
    const running = await start(`[interfaces]\n${server('A', hub)}`);
    await writeConfig(file, `[plugins]\n  modules = rns-net-not-loaded\n[interfaces]\n${server('A', hub)}`);
    const report = await running.reload();
    expect(report.restartNeeded).to.deep.equal([
      "[plugins] 'modules' changed; plugins load when the node starts",
    ]);
    expect(report.problems).to.deep.equal([]);
  });

  it('changes nothing for a file it cannot parse, and names where', async () => {
    const port = await freePort();
    const running = await start(`[interfaces]\n${server('Public', port)}`);
    await writeConfig(file, `[interfaces]\n${server('Public', port, '    idle_timeout = 30\n')}[[[broken\n`);
    const report = await running.reload();
    expect(report.applied).to.deep.equal([]);
    expect(report.problems).to.have.length(1);
    expect(report.problems[0]).to.match(new RegExp(`^config reload failed, nothing changed: ${file}:8`));
    expect(logger.messages('error')).to.deep.equal(report.problems);
    expect(entry('backbone.Public.idle_timeout_secs')).to.include({ value: 0 });

    await fs.rm(file);
    const gone = await running.reload();
    expect(gone.problems[0]).to.match(/^config reload failed, nothing changed: .*no config file found/);
  });

  it('skips a section with a bad value, naming file, line and key, and applies the others', async () => {
    const [p, q, m] = [await freePort(), await freePort(), await freePort()];
    const running = await start(`[interfaces]\n${server('P', p)}${server('Q', q)}${server('M', m)}`);
    await writeConfig(
      file,
      `[interfaces]\n${server('P', p, '    idle_timeout = 20\n    max_connections = lots\n')}` +
        `${server('Q', q, '    idle_timeout = 5\n')}${server('M', m, '    mode = sideways\n')}`,
    );
    const report = await running.reload();
    expect(report.problems).to.have.length(2);
    expect(report.problems[0]).to.match(
      new RegExp(`^${file}:20 \\[M\\] 'mode': unknown interface mode 'sideways'`),
    );
    expect(report.problems[1]).to.equal(
      `${file}:8 [P] 'max_connections': expected a number, got 'lots' (section not reloaded)`,
    );
    // M is broken in the file, not gone from it.
    expect(report.restartNeeded).to.deep.equal([]);
    expect(report.applied).to.deep.equal([{ key: 'backbone.Q.idle_timeout_secs', value: 5 }]);
    expect(entry('backbone.P.idle_timeout_secs')).to.include({ value: 0 });
  });

  it('hands every config it reads to onConfigLoaded (the CLI applies the log level there)', async () => {
    const port = await freePort();
    const running = await start(`[logging]\n  loglevel = 4\n[interfaces]\n${server('Public', port)}`);
    await writeConfig(file, `[logging]\n  loglevel = 7\n[interfaces]\n${server('Public', port)}`);
    await running.reload();
    expect(loaded.map((c) => c.logging.level)).to.deep.equal([4, 7]);
  });

  it('does nothing once the node is stopping', async () => {
    const running = await start(`[interfaces]\n${server('Public', await freePort())}`);
    await running.stop();
    expect(await running.reload()).to.deep.equal({
      applied: [],
      restartNeeded: [],
      problems: ['the node is stopping'],
    });
  });
});
