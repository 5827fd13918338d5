import { expect } from 'chai';
import { promises as fs } from 'node:fs';
import { Server, createServer } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { container } from 'tsyringe';
import { registerDefaultPlugins, RnsNode } from '../../../src/node/rns-node';
import { InterfaceRegistry } from '../../../src/registry/interface-registry';
import { CompliancePeer, hdlcSocketPeer } from '../../../src/testing';
import { EXAMPLE_PLUGIN } from '../../helpers/example-plugin';
import { freePort } from '../../helpers/loopback-port';
import { backboneServerConfig } from '../node/cli-process';
import { LoopbackPeer, testPacket, waitUntil } from '../node/loopback-peer';

/** The registry of the plugins a node ships with, as a node builds it. */
function createBundledRegistry(): InterfaceRegistry {
  const child = container.createChildContainer();
  registerDefaultPlugins(child);
  return child.resolve(InterfaceRegistry);
}

/**
 * Third-party plugins on a real node: plugin files in `DIR/interfaces` and npm packages named in
 * `[plugins] modules`, loaded at start and run like the bundled ones; broken ones reported by
 * file or module, and left out without stopping the node.
 */
describe('third-party interface plugins (a real node, loopback TCP)', function () {
  this.timeout(20000);

  let root: string;
  let dir: string;
  let server: Server;
  let uplinkPort: number;
  /** The far ends of the connections plugin interfaces dialled, in order. */
  let uplinks: CompliancePeer[];
  const nodes: RnsNode[] = [];
  const peers: { close(): unknown }[] = [];

  beforeEach(async () => {
    root = await fs.mkdtemp(path.join(os.tmpdir(), 'rns-net-plugins-'));
    dir = path.join(root, 'node');
    await fs.mkdir(path.join(dir, 'interfaces'), { recursive: true });
    uplinks = [];
    server = createServer((socket) => uplinks.push(hdlcSocketPeer(socket)));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    uplinkPort = (server.address() as { port: number }).port;
  });

  afterEach(async () => {
    for (const peer of [...peers.splice(0), ...uplinks]) await peer.close();
    for (const node of nodes.splice(0)) await node.stop();
    await new Promise<void>((resolve) => server.close(() => resolve()));
    await fs.rm(root, { recursive: true, force: true });
  });

  const uplinkSection = (type = 'ExampleTcpClientInterface'): string =>
    `  [[Uplink]]\n    type = ${type}\n    enabled = yes\n    target_host = 127.0.0.1\n` +
    `    target_port = ${uplinkPort}\n    reconnect_wait = 1\n`;

  async function start(config: string): Promise<RnsNode> {
    await fs.writeFile(path.join(dir, 'config'), config);
    const node = await RnsNode.start({ configDir: dir });
    nodes.push(node);
    return node;
  }

  const online = (node: RnsNode, name: string): boolean =>
    node.status().interfaces.find((i) => i.name === name)?.online === true;

  /** The far end of the `n`th connection a plugin interface dialled, once there is one. */
  async function uplink(n: number): Promise<CompliancePeer> {
    await waitUntil(() => uplinks.length > n, `connection ${n + 1} to the uplink server`);
    return uplinks[n] as CompliancePeer;
  }

  /** A node with a Backbone hub and the uplink relays between the hub's peer and the uplink. */
  async function expectRelayedBothWays(
    node: RnsNode,
    hubPort: number,
    uplink: CompliancePeer,
  ): Promise<void> {
    const hubPeer = await LoopbackPeer.connect(hubPort);
    peers.push(hubPeer);
    await waitUntil(() => online(node, 'Uplink'), 'the plugin interface is up');
    await waitUntil(
      () => node.status().interfaces.find((i) => i.name === 'Hub')?.peers === 1,
      'the hub peer is up',
    );
    const out = testPacket(1);
    hubPeer.send(out);
    expect(Buffer.from(await uplink.nextPacket(5000)).equals(out), 'hub -> uplink').to.equal(true);
    const back = testPacket(2);
    await uplink.send(back);
    await waitUntil(() => hubPeer.count(back) === 1, 'uplink -> hub');
  }

  it('runs a plugin file from DIR/interfaces (the example plugin), relaying both ways', async () => {
    await fs.copyFile(EXAMPLE_PLUGIN, path.join(dir, 'interfaces', 'ExampleTcpClientInterface.js'));
    const hubPort = await freePort();
    const node = await start(backboneServerConfig([{ name: 'Hub', port: hubPort }]) + uplinkSection());
    expect(node.startupProblems).to.deep.equal([]);
    await expectRelayedBothWays(node, hubPort, await uplink(0));
  });

  it('runs an ES module plugin file (.mjs) and an npm package named in [plugins] modules, found in DIR/node_modules', async () => {
    const example = await fs.readFile(EXAMPLE_PLUGIN, 'utf8');
    // The same plugin as an ES module, under a type name of its own.
    const esm = example
      .replace("const net = require('node:net');", "import net from 'node:net';")
      .replace("const TYPE_NAME = 'ExampleTcpClientInterface';", "const TYPE_NAME = 'EsmClientInterface';")
      .replace('module.exports = (rns) =>', 'export default (rns) =>')
      .replace("'use strict';", '');
    expect(esm).to.contain('export default').and.contain("'EsmClientInterface'");
    await fs.writeFile(path.join(dir, 'interfaces', 'EsmClientInterface.mjs'), esm);
    const pkg = path.join(dir, 'node_modules', 'rns-net-uplink');
    await fs.mkdir(pkg, { recursive: true });
    await fs.writeFile(
      path.join(pkg, 'package.json'),
      JSON.stringify({ name: 'rns-net-uplink', main: 'uplink.js' }),
    );
    await fs.copyFile(EXAMPLE_PLUGIN, path.join(pkg, 'uplink.js'));

    const hubPort = await freePort();
    // [plugins] after [interfaces]: section order does not matter.
    const config =
      backboneServerConfig([{ name: 'Hub', port: hubPort }]) +
      uplinkSection() +
      `  [[Second]]\n    type = EsmClientInterface\n    enabled = yes\n    target_host = 127.0.0.1\n    target_port = ${uplinkPort}\n` +
      '\n[plugins]\n  modules = rns-net-uplink\n';
    const node = await start(config);
    expect(node.startupProblems.map((e) => e.message)).to.deep.equal([]);
    await waitUntil(() => online(node, 'Uplink') && online(node, 'Second'), 'both plugin interfaces are up');
    const hubPeer = await LoopbackPeer.connect(hubPort);
    peers.push(hubPeer);
    await waitUntil(
      () => node.status().interfaces.find((i) => i.name === 'Hub')?.peers === 1,
      'the hub peer is up',
    );
    const out = testPacket(3);
    hubPeer.send(out);
    for (const far of [await uplink(0), await uplink(1)]) {
      expect(Buffer.from(await far.nextPacket(5000)).equals(out), 'hub -> each plugin interface').to.equal(
        true,
      );
    }
  });

  it('reports each broken plugin by file or config line and module, leaves it out, and runs the rest', async () => {
    const files: Record<string, string> = {
      'Broken.js': 'module.exports = {;\n',
      'Misnamed.js':
        "module.exports = (rns) => ({ typeName: 'Other', parseConfig() {}, async start() {} });\n",
      'NoStart.cjs': "module.exports = { typeName: 'NoStart', parseConfig() {} };\n",
      'Future.js':
        "module.exports = { typeName: 'Future', apiVersion: 99, parseConfig() {}, async start() {} };\n",
      'BackboneInterface.js':
        "module.exports = { typeName: 'BackboneInterface', parseConfig() {}, async start() {} };\n",
      'Klass.js': "module.exports = class Klass { get typeName() { return 'Klass'; } };\n",
      'Nothing.mjs': 'export const factory = 1;\n',
      'notes.txt': 'not a plugin: ignored\n',
    };
    for (const [name, text] of Object.entries(files))
      await fs.writeFile(path.join(dir, 'interfaces', name), text);
    const hubPort = await freePort();
    const config =
      backboneServerConfig([{ name: 'Hub', port: hubPort }]) +
      uplinkSection('NoStart') +
      '\n[plugins]\n  modules = rns-net-no-such-plugin, chai\n';
    const node = await start(config);
    const configFile = path.join(dir, 'config');
    const modulesLine = config.split('\n').findIndex((l) => l.trim().startsWith('modules =')) + 1;
    const typeLine = config.split('\n').findIndex((l) => l.trim() === 'type = NoStart') + 1;
    const at = (name: string): string => path.join(dir, 'interfaces', name);
    const bundled = createBundledRegistry().typeNames();
    const knownTypes = bundled.join(', ');
    expect(bundled).to.include.members(['BackboneInterface', 'MemoryInterface']);
    expect(node.startupProblems.map((e) => e.message)).to.deep.equal([
      `${at('BackboneInterface.js')}: interface type 'BackboneInterface' is already served by a bundled plugin; left out`,
      `${at('Broken.js')}: the file does not load: Unexpected token ';'`,
      `${at('Future.js')}: the interface factory of the file targets host API version 99, this host provides version 1`,
      `${at('Klass.js')}: the file exports a class; export an instance (module.exports = new MyFactory()) or a function (rns) => factory`,
      `${at('Misnamed.js')}: serves interface type 'Other', but a plugin file is named after its type: rename it to Other.js`,
      `${at('NoStart.cjs')}: the interface factory of the file has no start() method`,
      `${at('Nothing.mjs')}: the file exports no interface factory: set module.exports (or export default) to a factory object, or to a function (rns) => factory`,
      `${configFile}:${modulesLine} [plugins] 'modules': module 'rns-net-no-such-plugin' is not installed in ${dir} nor where the node runs from; install it with npm install rns-net-no-such-plugin in ${dir}`,
      // Found where the node runs from (a dependency of it), but not a plugin.
      `${configFile}:${modulesLine} [plugins] 'modules': module 'chai' exports no interface factory: set module.exports (or export default) to a factory object, or to a function (rns) => factory`,
      `${configFile}:${typeLine} [Uplink] 'type': unknown interface type 'NoStart'; known types: ${knownTypes}`,
    ]);
    expect(online(node, 'Hub')).to.equal(true);
  });
});
