import { expect } from 'chai';
import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { CliDeps, RunOptions, runCli } from '../../../src/cli/cli-program';
import { ExitCode } from '../../../src/cli/cli-io';
import { ControlServer } from '../../../src/node/control/control-server';
import { controlSocketPath } from '../../../src/node/control/control-socket-path';
import { FakeControlTarget } from '../node/control/fake-control-target';

describe('rns-net program (in-process, fake node)', () => {
  let dir: string;
  let target: FakeControlTarget;
  let server: ControlServer;
  let out: string[];
  let err: string[];
  let runs: RunOptions[];
  let deps: CliDeps;
  const cli = (...argv: string[]): Promise<ExitCode> => runCli(argv, deps);

  beforeEach(async () => {
    dir = await fs.mkdtemp(path.join(os.tmpdir(), 'rns-net-cli-'));
    target = new FakeControlTarget();
    server = await ControlServer.open({ socketPath: controlSocketPath(dir), configDir: dir, target });
    out = [];
    err = [];
    runs = [];
    deps = {
      io: { out: (t) => out.push(t), err: (t) => err.push(t) },
      defaultConfigDir: dir,
      run: async (options) => {
        runs.push(options);
        return ExitCode.Ok;
      },
    };
  });

  afterEach(async () => {
    await server.close();
    await fs.rm(dir, { recursive: true, force: true });
  });

  it('prints status as a table, or as JSON with --json', async () => {
    expect(await cli('status')).to.equal(0);
    expect(out.join('\n')).to.match(/^rns-net node for \/tmp\/x \(pid 1\), up 5s/);
    expect(out.join('\n')).to.match(/received\s+3/);
    expect(out.join('\n')).to.match(
      /^memory 50(\.0)? MiB RSS; event-loop delay since the last status p50 0.02 ms, p99 1.5 ms, max 3 ms$/m,
    );
    out = [];
    expect(await cli('status', '--json', '--config', dir)).to.equal(0);
    expect(JSON.parse(out.join('\n'))).to.deep.include({ uptimeSecs: 5, relay: { received: 3 } });
  });

  it('lists peers, blacklists and clears', async () => {
    expect(await cli('peers')).to.equal(0);
    expect(out[0]).to.match(/^INTERFACE\s+IP\s+CONNECTED/);
    expect(out[0]).to.match(/Public\s+192\.0\.2\.7\s+1/);
    expect(
      await cli('peers', 'blacklist', 'Public', '192.0.2.9', '--for', '7200', '--reason', 'spam'),
    ).to.equal(0);
    expect(out[1]).to.equal("blacklisted 192.0.2.9 on 'Public' for 3600 s");
    expect(target.calls).to.include('blacklist Public 192.0.2.9 7200 spam');
    expect(await cli('peers', 'clear', 'Public', '192.0.2.7')).to.equal(0);
    expect(out[2]).to.equal("cleared 192.0.2.7 on 'Public'");
  });

  it('lists paths through every page with their filters, and drops one', async () => {
    target.paths.push({
      ...target.paths[0],
      destination: '01'.repeat(16),
      nextHop: '01'.repeat(16),
      hops: 1,
      interfaceId: 2,
      interfaceName: 'Uplink',
      parentId: null,
      listener: null,
      expires: Date.now() + 3 * 3600_000 + 30_000,
      linked: true,
    });
    expect(await cli('paths')).to.equal(0);
    const [table] = out;
    expect(table.split('\n')[0]).to.match(/^DESTINATION\s+HOPS\s+NEXT HOP\s+INTERFACE\s+EXPIRES IN\s+STATE$/);
    expect(table).to.match(
      new RegExp(
        `^${'ab'.repeat(16)}\\s+2\\s+${'cd'.repeat(16)}\\s+Public/10000\\s+expired\\s+unknown$`,
        'm',
      ),
    );
    expect(table).to.match(
      new RegExp(
        `^${'01'.repeat(16)}\\s+1\\s+\\(direct\\)\\s+Uplink\\s+3h 00m \\d\\ds\\s+unknown, linked$`,
        'm',
      ),
    );
    expect(table.split('\n').at(-1)).to.equal('2 paths');
    expect(target.calls).to.deep.equal(['listPaths * * *', 'listPaths * * * 1']);

    expect(
      await cli('paths', '--destination', 'AB', '--interface', 'Public', '--max-hops', '3', '--json'),
    ).to.equal(0);
    expect(target.calls.at(-2)).to.equal('listPaths Public ab 3');
    expect(JSON.parse(out[1])).to.have.length(2);

    expect(await cli('paths', 'drop', 'ab'.repeat(16))).to.equal(0);
    expect(out[2]).to.equal(`dropped the path to ${'ab'.repeat(16)}`);
    expect(await cli('paths', 'drop', `<${'AB'.repeat(16)}>`)).to.equal(1);
    expect(err).to.deep.equal([`error: not_found: no path to ${'ab'.repeat(16)}`]);
    expect(await cli('paths', '--interface', 'Nope')).to.equal(1);
    expect(err[1]).to.equal("error: not_found: interface 'Nope' not found");

    expect(await cli('paths', 'drop', 'abc')).to.equal(2);
    expect(await cli('paths', 'drop')).to.equal(2);
    expect(await cli('paths', '--max-hops', '-1')).to.equal(2);
    expect(await cli('paths', '--destination', 'xyz')).to.equal(2);
  });

  it('reports node errors as "error: <code>: <message>" with exit 1', async () => {
    expect(await cli('peers', 'Nope')).to.equal(1);
    expect(err).to.deep.equal(["error: not_found: interface 'Nope' not found"]);
    expect(await cli('peers', 'blacklist', 'Public', 'not-an-ip', '--for', '5')).to.equal(1);
    expect(err[1]).to.match(/^error: invalid_value: /);
    expect(await cli('config', 'set', 'backbone.Public.idle_timeout_secs', 'abc')).to.equal(1);
    expect(err[2]).to.equal('error: invalid_type: backbone.Public.idle_timeout_secs expects a numeric value');
  });

  it('sets numbers as numbers and shows value, startup, source and apply mode', async () => {
    const key = 'backbone.Public.idle_timeout_secs';
    expect(await cli('config', 'set', key, '30')).to.equal(0);
    expect(out[0].split('\n')[1]).to.match(
      /^backbone\.Public\.idle_timeout_secs\s+30\s+60\s+runtime_override\s+immediate$/,
    );
    expect(await cli('config', 'get', key, '--json')).to.equal(0);
    expect(JSON.parse(out[1])).to.include({ key, value: 30, default: 60 });
    expect(await cli('config', 'reset', key, '--json')).to.equal(0);
    expect(JSON.parse(out[2])).to.include({ value: 60, source: 'startup' });
    expect(await cli('config', 'list', '--json')).to.equal(0);
    expect(JSON.parse(out[3])).to.have.length(1);
  });

  it('exits 2 on usage errors', async () => {
    expect(await cli()).to.equal(2);
    expect(await cli('bogus')).to.equal(2);
    expect(await cli('peers', 'blacklist', 'Public', '192.0.2.9')).to.equal(2);
    expect(await cli('peers', 'blacklist', 'Public', '192.0.2.9', '--for', 'soon')).to.equal(2);
    expect(await cli('config', 'get')).to.equal(2);
    expect(await cli('run', '--loglevel', '9')).to.equal(2);
    expect(await cli('run', '--log-format', 'xml')).to.equal(2);
    expect(runs).to.deep.equal([]);
    expect(await cli('--help')).to.equal(0);
  });

  it('passes run options through, with the config dir made absolute', async () => {
    expect(await cli('run', '--config', 'rel/dir', '--loglevel', '7', '--log-format', 'json')).to.equal(0);
    expect(runs).to.deep.equal([{ configDir: path.resolve('rel/dir'), loglevel: 7, logFormat: 'json' }]);
    expect(await cli('run')).to.equal(0);
    expect(runs[1]).to.deep.equal({ configDir: dir });
  });

  it("gives a subcommand's --config to the subcommand, wherever it is placed", async () => {
    const other = path.join(dir, 'other');
    expect(await cli('peers', 'blacklist', 'Public', '192.0.2.9', '--for', '5', '--config', other)).to.equal(
      1,
    );
    expect(await cli('peers', 'clear', '--config', other, 'Public', '192.0.2.9')).to.equal(1);
    expect(await cli('config', 'get', 'k', '--config', other)).to.equal(1);
    expect(err).to.have.length(3);
    for (const line of err) expect(line).to.include(`no rns-net node is running for ${other}`);
    expect(target.calls).to.deep.equal([]);
  });

  it('says clearly when no node runs for the directory', async () => {
    const other = path.join(dir, 'other');
    expect(await cli('status', '--config', other)).to.equal(1);
    expect(err).to.deep.equal([
      `no rns-net node is running for ${other} (no control socket at ${path.join(other, 'control.sock')})`,
    ]);
  });
});
