/**
 * Python's own example config (`rnsd --exampleconfig` of RNS 1.4.2, with `enable_transport = yes`
 * set in it: test/fixtures/python-rns-1.4.2-example-config) runs on a node: the Python types no
 * plugin serves are reported and skipped, never fatal; the sections of the types served here
 * parse with their plugin, and start once enabled (on loopback).
 */
import { expect } from 'chai';
import { readFileSync, promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { container } from 'tsyringe';
import { parseNodeConfig } from '../../../src/node/config/node-config';
import { registerDefaultPlugins, RnsNode } from '../../../src/node/rns-node';
import { InterfaceRegistry } from '../../../src/registry/interface-registry';
import { freePort } from '../../helpers/loopback-port';
import { RecordingLogger } from '../../helpers/recording-logger';

const FIXTURE = path.join(__dirname, '../../fixtures/python-rns-1.4.2-example-config');
const EXAMPLE = readFileSync(FIXTURE, 'utf8');

/** The example with one section enabled and the keys given replaced (addresses on loopback). */
function enable(text: string, section: string, keys: Record<string, string>): string {
  const start = text.indexOf(`[[${section}]]`);
  const end = text.indexOf('[[', start + 2);
  let body = text.slice(start, end === -1 ? undefined : end).replace('enabled = no', 'enabled = yes');
  for (const [key, value] of Object.entries(keys)) {
    body = body.replace(new RegExp(`^(\\s*)${key} = .*$`, 'm'), `$1${key} = ${value}`);
  }
  return text.slice(0, start) + body + (end === -1 ? '' : text.slice(end));
}

describe("Python RNS's example config (rnsd --exampleconfig)", function () {
  this.timeout(20_000);
  let dir: string;
  let node: RnsNode | undefined;

  beforeEach(async () => {
    dir = await fs.mkdtemp(path.join(os.tmpdir(), 'rns-net-example-'));
  });

  afterEach(async () => {
    await node?.stop();
    node = undefined;
    await fs.rm(dir, { recursive: true, force: true });
  });

  async function start(text: string, logger = new RecordingLogger()): Promise<RnsNode> {
    await fs.writeFile(path.join(dir, 'config'), text);
    node = await RnsNode.start({ configDir: dir, createDefaultConfig: false, logger });
    return node;
  }

  it('is the file rnsd writes, with only enable_transport changed', () => {
    expect(EXAMPLE).to.match(/^enable_transport = yes$/m);
    expect(EXAMPLE).to.include('[[Default Interface]]\n    type = AutoInterface\n    enabled = yes');
  });

  it("as Python writes it (transport off) meets the forwarding rule's error", async () => {
    const err = await start(EXAMPLE.replace('enable_transport = yes', 'enable_transport = no')).then(
      () => expect.fail('started'),
      (e: Error) => e,
    );
    expect(err.message).to.include('enable_transport');
  });

  it('runs: AutoInterface is reported and skipped, nothing else is a problem', async () => {
    const logger = new RecordingLogger();
    const started = await start(EXAMPLE, logger);
    expect(started.startupProblems).to.deep.equal([]);
    expect(logger.messages('warn')).to.include(
      'interface type AutoInterface is not implemented by rns-net; skipped',
    );
    expect(started.status().interfaces).to.deep.equal([]);
    expect(started.transport).to.not.equal(undefined);
  });

  it('every section of a type served here parses with its plugin, the disabled ones too', () => {
    const config = parseNodeConfig(EXAMPLE, FIXTURE);
    expect(config.errors).to.deep.equal([]);
    const child = container.createChildContainer();
    registerDefaultPlugins(child);
    const registry = child.resolve(InterfaceRegistry);
    const served = config.interfaces.filter((s) => registry.has(s.typeName));
    expect(served.map((s) => s.typeName)).to.include.members([
      'UDPInterface',
      'TCPServerInterface',
      'TCPClientInterface',
    ]);
    served.forEach((section, i) => {
      const factory = registry.require(section.typeName, section.name);
      expect(() => factory.parseConfig(section.name, i + 1, section.params), section.name).to.not.throw();
    });
  });

  it('starts its UDP, TCP server (in internal mode) and TCP client sections once enabled, on loopback', async () => {
    const port = await freePort();
    const [udpIn, udpOut] = [await freePort(), await freePort()];
    let text = enable(EXAMPLE, 'TCP Server Interface', { listen_ip: '127.0.0.1', listen_port: String(port) });
    text = text.replace(
      '    type = TCPServerInterface\n',
      '    type = TCPServerInterface\n    mode = internal\n',
    );
    text = enable(text, 'TCP Client Interface', { target_port: String(port) });
    text = enable(text, 'UDP Interface', {
      listen_ip: '127.0.0.1',
      listen_port: String(udpIn),
      forward_ip: '127.0.0.1',
      forward_port: String(udpOut),
    });
    const started = await start(text);
    expect(started.startupProblems).to.deep.equal([]);
    const deadline = Date.now() + 10_000;
    const online = (name: string) => started.status().interfaces.find((i) => i.name === name)?.online;
    while (!(online('TCP Client Interface') && started.status().interfaces.some((i) => i.peers > 0))) {
      if (Date.now() > deadline) throw new Error('the client did not connect to the server');
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    expect(online('TCP Server Interface')).to.equal(true);
    expect(online('UDP Interface')).to.equal(true);
    expect(started.status().interfaces.find((i) => i.name === 'TCP Server Interface')?.mode).to.equal(
      'internal',
    );
  });
});
