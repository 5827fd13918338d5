import { expect } from 'chai';
import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Writable } from 'node:stream';
import { DependencyContainer } from 'tsyringe';
import { InterfaceId } from '../../../src/core/interface-id';
import { ConfigParams } from '../../../src/registry/config-params';
import { InterfaceFactory, StartContext, StartedInterface } from '../../../src/registry/interface-factory';
import { registerInterfaceFactory } from '../../../src/registry/register-plugin';
import { NodeAlreadyRunningError } from '../../../src/node/control/control-errors';
import { createNodeLogger } from '../../../src/node/logging/pino-logger';
import { NoInterfacesStartedError } from '../../../src/node/node-errors';
import { RnsNode } from '../../../src/node/rns-node';
import { Identity } from '../../../src/protocol/identity';

/** A stand-in `BackboneInterface` that binds nothing and records what it was started with. */
class RecordingBackbone implements InterfaceFactory<{ name: string; id: InterfaceId; params: ConfigParams }> {
  readonly typeName = 'BackboneInterface';
  readonly started: {
    name: string;
    id: InterfaceId;
    params: ConfigParams;
    mode: number;
    ingressEnabled: boolean;
    buffers: StartContext['buffers'];
  }[] = [];
  stopped = 0;

  parseConfig(
    name: string,
    id: InterfaceId,
    params: ConfigParams,
  ): { name: string; id: InterfaceId; params: ConfigParams } {
    return { name, id, params };
  }

  async start(
    config: { name: string; id: InterfaceId; params: ConfigParams },
    ctx: StartContext,
  ): Promise<StartedInterface> {
    if (config.params.fail === 'yes') throw new Error('cannot bind');
    // A chatty interface: as many lines as the config asks, all of one kind.
    for (let i = 0; i < Number(config.params.chatter ?? 0); i++) ctx.logger.warn('peer refused', { i });
    this.started.push({
      ...config,
      mode: ctx.mode,
      ingressEnabled: ctx.ingressControl.enabled,
      buffers: ctx.buffers,
    });
    return {
      kind: 'listener',
      stop: async () => {
        this.stopped++;
      },
    };
  }
}

describe('RnsNode composition (in-process, stand-in plugin)', () => {
  let dir: string;
  let fake: RecordingBackbone;
  const nodes: RnsNode[] = [];
  const plugins = (container: DependencyContainer): void => registerInterfaceFactory(container, fake);
  const start = async (): Promise<RnsNode> => {
    const node = await RnsNode.start({ configDir: dir, plugins });
    nodes.push(node);
    return node;
  };
  /** Writes `text` with a forwarding mode after it (so line numbers in `text` stay as written). */
  const writeConfig = (text: string, reticulum = 'enable_transport = yes'): Promise<void> =>
    fs.writeFile(path.join(dir, 'config'), `${text}\n[reticulum]\n  ${reticulum}\n`);
  const section = (name: string, extra = ''): string =>
    `  [[${name}]]\n    type = BackboneInterface\n    enabled = yes\n${extra}`;

  beforeEach(async () => {
    dir = path.join(await fs.mkdtemp(path.join(os.tmpdir(), 'rns-net-node-')), 'cfg');
    fake = new RecordingBackbone();
  });

  afterEach(async () => {
    for (const node of nodes.splice(0)) await node.stop();
    await fs.rm(path.dirname(dir), { recursive: true, force: true });
  });

  it('writes the default config into an empty directory and starts on it', async () => {
    const node = await start();
    const text = await fs.readFile(path.join(dir, 'config'), 'utf8');
    expect(text).to.include('listen_port = 4242');
    expect(fake.started).to.have.length(1);
    expect(fake.started[0]).to.deep.include({ name: 'Default Backbone', id: 1 });
    expect(fake.started[0].params).to.include({ listen_ip: '127.0.0.1', listen_port: '4242' });
    expect(node.status().interfaces.map((i) => [i.name, i.type, i.kind, i.online])).to.deep.equal([
      ['Default Backbone', 'BackboneInterface', 'listener', true],
    ]);
    expect((await fs.lstat(path.join(dir, 'control.sock'))).mode & 0o777).to.equal(0o600);
  });

  it('numbers enabled sections from 1 in config order, skipping disabled ones', async () => {
    await fs.mkdir(dir, { recursive: true });
    await writeConfig(
      `[interfaces]\n${section('A')}  [[Off]]\n    type = BackboneInterface\n    enabled = no\n${section('B', '    mode = gateway\n')}`,
    );
    const node = await start();
    expect(fake.started.map((s) => [s.name, s.id])).to.deep.equal([
      ['A', 1],
      ['B', 2],
    ]);
    expect(node.status().interfaces.map((i) => [i.name, i.id, i.mode])).to.deep.equal([
      ['A', 1, 'full'],
      ['B', 2, 'gateway'],
    ]);
  });

  it('reports a section that fails to start with file and line, and starts the others', async () => {
    await fs.mkdir(dir, { recursive: true });
    await writeConfig(`[interfaces]\n${section('Bad', '    fail = yes\n')}${section('Good')}`);
    const node = await start();
    expect(fake.started.map((s) => s.name)).to.deep.equal(['Good']);
    expect(node.startupProblems.map((p) => p.message)).to.deep.equal([
      `${path.join(dir, 'config')}:2 [Bad]: failed to start: cannot bind`,
    ]);
  });

  it('reads ingress control from the section, and skips a section whose value is invalid, naming its line', async () => {
    await fs.mkdir(dir, { recursive: true });
    await writeConfig(
      `[interfaces]\n${section('Bad', '    ic_burst_hold = -1\n')}${section('Quiet', '    ingress_control = no\n')}`,
    );
    const node = await start();
    expect(fake.started.map((s) => [s.name, s.ingressEnabled])).to.deep.equal([['Quiet', false]]);
    expect(node.startupProblems.map((p) => p.message)).to.deep.equal([
      `${path.join(dir, 'config')}:5 [Bad] 'ic_burst_hold': must be >= 0, got '-1'`,
    ]);
  });

  it('hands every interface the same node-wide buffer budgets, sized by [reticulum]', async () => {
    await fs.mkdir(dir, { recursive: true });
    await writeConfig(
      `[interfaces]\n${section('A')}${section('B')}`,
      'enable_transport = yes\n  receive_buffer_budget = 16\n  send_buffer_budget = 512',
    );
    const node = await start();
    const [a, b] = fake.started;
    expect(a?.buffers).to.be.an('object');
    expect(a?.buffers).to.equal(b?.buffers);
    expect(a?.buffers).to.equal(node.buffers);
    expect(node.buffers.receive.limitBytes).to.equal(16 * 1024 * 1024);
    expect(node.buffers.send.limitBytes).to.equal(512 * 1024 * 1024);
    expect(node.status().buffers).to.deep.include({
      receiveLimitBytes: 16 * 1024 * 1024,
      sendLimitBytes: 512 * 1024 * 1024,
      receiveHeldBytes: 0,
      sendHeldBytes: 0,
    });
  });

  it('refuses to run with no interface started, and leaves no socket behind', async () => {
    await fs.mkdir(dir, { recursive: true });
    await writeConfig(`[interfaces]\n${section('Bad', '    fail = yes\n')}`);
    const err = await start().then(
      () => expect.fail('started'),
      (e: unknown) => e,
    );
    expect(err).to.be.instanceOf(NoInterfacesStartedError);
    await fs.access(path.join(dir, 'control.sock')).then(
      () => expect.fail('socket left behind'),
      () => undefined,
    );
    await writeConfig(`[interfaces]\n  [[Off]]\n    type = BackboneInterface\n`);
    const none = await start().then(
      () => expect.fail('started'),
      (e: Error) => e,
    );
    expect(none.message).to.match(/no interface is enabled/);
  });

  it('refuses a second node for the same directory; stop() closes interfaces and the socket', async () => {
    const first = await start();
    const err = await start().then(
      () => expect.fail('started twice'),
      (e: unknown) => e,
    );
    expect(err).to.be.instanceOf(NodeAlreadyRunningError);
    expect(fake.started).to.have.length(1);
    await first.stop();
    await first.stop();
    expect(fake.stopped).to.equal(1);
    await fs.access(path.join(dir, 'control.sock')).then(
      () => expect.fail('socket left behind'),
      () => undefined,
    );
  });

  it('answers peers.list for unknown interfaces with not_found', async () => {
    const node = await start();
    expect(node.listPeers({ interfaceName: 'Nope' })).to.deep.equal({
      ok: false,
      error: { code: 'not_found', message: "interface 'Nope' not found" },
    });
    expect(node.listPeers({})).to.deep.equal({ ok: true, value: { peers: [], cursor: null } });
  });

  it('rate-limits what interfaces log, not its own lines, and reports limited and dropped lines', async () => {
    await fs.mkdir(dir, { recursive: true });
    await writeConfig(`[interfaces]\n${section('Chatty', '    chatter = 50\n')}`);
    // A destination that takes nothing: only the first line or two fit in the 300-byte bound.
    const stalled = new Writable({ write: () => undefined, highWaterMark: 1 });
    const logger = createNodeLogger({
      loglevel: 4,
      format: 'json',
      destination: stalled,
      maxBufferedBytes: 300,
    });
    const node = await RnsNode.start({ configDir: dir, plugins, logger, logOutput: logger.output });
    nodes.push(node);
    const { logging } = node.status();
    expect(logging.suppressedLines).to.equal(40);
    expect(logging.droppedLines).to.be.greaterThan(0);
  });

  describe('forwarding mode', () => {
    it('runs the transport engine with enable_transport = yes, keeping its identity in storage/transport_identity (0600)', async () => {
      await fs.mkdir(dir, { recursive: true });
      await writeConfig(`[interfaces]\n${section('A')}`);
      const node = await start();
      expect(node.transport).to.not.equal(undefined);
      expect(node.relay).to.equal(undefined);
      const file = path.join(dir, 'storage', 'transport_identity');
      const stat = await fs.stat(file);
      expect(stat.size).to.equal(64);
      expect(stat.mode & 0o777).to.equal(0o600);
      const status = node.status();
      expect(status.forwarding).to.equal('transport');
      expect(status.transport?.transportId).to.match(/^[0-9a-f]{32}$/);
      expect(status.relay).to.equal(undefined);
      const id = status.transport?.transportId;
      await node.stop();
      const again = await start();
      expect(again.status().transport?.transportId, 'the same transport id after a restart').to.equal(id);
    });

    it('keeps the known destinations across a restart, in storage/known_destinations', async () => {
      await fs.mkdir(dir, { recursive: true });
      await writeConfig(`[interfaces]\n${section('A')}`);
      const node = await start();
      const forwarding = node.forwarding;
      if (forwarding.mode !== 'transport') throw new Error('expected transport');
      const dest = Identity.generate();
      forwarding.knownDestinations.remember(
        dest.hash,
        dest.publicKey,
        Buffer.from('app'),
        Buffer.alloc(32, 1),
      );
      await node.stop();
      expect((await fs.stat(path.join(dir, 'storage', 'known_destinations'))).mode & 0o777).to.equal(0o600);
      const again = await start();
      expect(again.status().transport?.knownDestinations).to.equal(1);
    });

    it('keeps the transport id of an identity file copied from elsewhere (an rnsd)', async () => {
      const copied = Identity.generate();
      await fs.mkdir(path.join(dir, 'storage'), { recursive: true });
      await fs.writeFile(path.join(dir, 'storage', 'transport_identity'), copied.privateKey(), {
        mode: 0o600,
      });
      await writeConfig(`[interfaces]\n${section('A')}`);
      const node = await start();
      expect(node.status().transport?.transportId).to.equal(copied.hexHash);
    });

    it('runs the relay with relay_mode = flood', async () => {
      await fs.mkdir(dir, { recursive: true });
      await writeConfig(`[interfaces]\n${section('A')}`, 'relay_mode = flood');
      const node = await start();
      expect(node.relay).to.not.equal(undefined);
      expect(node.transport).to.equal(undefined);
      expect(node.status()).to.deep.include({ forwarding: 'flood' });
      await fs.access(path.join(dir, 'storage')).then(
        () => expect.fail('a relay keeps no transport identity'),
        () => undefined,
      );
    });

    it('refuses to start with neither, naming both choices, and with both, naming the key; nothing is left behind', async () => {
      await fs.mkdir(dir, { recursive: true });
      for (const [reticulum, message] of [
        ['enable_transport = no', /enable_transport = yes.*relay_mode = flood/],
        ['enable_transport = yes\n  relay_mode = flood', /exclude each other/],
      ] as const) {
        await writeConfig(`[interfaces]\n${section('A')}`, reticulum);
        const err = await start().then(
          () => expect.fail('started'),
          (e: Error) => e,
        );
        expect(err.message).to.match(message);
        expect(err.message).to.contain('[reticulum]');
        expect(fake.started).to.deep.equal([]);
        await fs.access(path.join(dir, 'control.sock')).then(
          () => expect.fail('socket left behind'),
          () => undefined,
        );
      }
    });
  });
});
