import { expect } from 'chai';
import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ConfigError } from '../../../src/core/errors';
import { parseNodeConfig } from '../../../src/node/config/node-config';
import { loadPluginFile, loadPluginModule, pluginFilesIn } from '../../../src/registry/plugin-loader';

const FACTORY =
  "{ typeName: 'Thing', parseConfig() { return {}; }, async start() { throw new Error('unused'); } }";

describe('plugin loader', () => {
  let dir: string;

  beforeEach(async () => {
    dir = await fs.mkdtemp(path.join(os.tmpdir(), 'rns-net-loader-'));
  });

  afterEach(async () => {
    await fs.rm(dir, { recursive: true, force: true });
  });

  async function write(relative: string, text: string): Promise<string> {
    const file = path.join(dir, relative);
    await fs.mkdir(path.dirname(file), { recursive: true });
    await fs.writeFile(file, text);
    return file;
  }

  async function rejection(promise: Promise<unknown>): Promise<ConfigError> {
    const error = await promise.then(
      () => undefined,
      (err: unknown) => err,
    );
    expect(error).to.be.instanceOf(ConfigError);
    return error as ConfigError;
  }

  it('lists the .js, .mjs and .cjs files of a folder by name, and none for a missing folder', async () => {
    for (const name of ['b.mjs', 'a.js', 'c.cjs', 'd.ts', 'e.json', 'README'])
      await write(`interfaces/${name}`, '');
    await fs.mkdir(path.join(dir, 'interfaces', 'f.js'));
    expect(await pluginFilesIn(path.join(dir, 'interfaces'))).to.deep.equal(
      ['a.js', 'b.mjs', 'c.cjs'].map((n) => path.join(dir, 'interfaces', n)),
    );
    expect(await pluginFilesIn(path.join(dir, 'missing'))).to.deep.equal([]);
  });

  it('takes a factory object, a function of the host API (also async), and TypeScript-compiled default exports', async () => {
    const host = { marker: 42 };
    const files = [
      await write('a/Thing.js', `module.exports = ${FACTORY};`),
      await write('b/Thing.mjs', `export default ${FACTORY};`),
      await write(
        'c/Thing.cjs',
        `module.exports = async (rns) => ({ ...${FACTORY}, apiVersion: rns.marker - 41 });`,
      ),
      await write(
        'd/Thing.js',
        `Object.defineProperty(exports, '__esModule', { value: true }); exports.default = ${FACTORY};`,
      ),
    ];
    for (const file of files) {
      const loaded = await loadPluginFile(file, host);
      expect(loaded.file).to.equal(file);
      expect(loaded.factory.typeName, file).to.equal('Thing');
    }
  });

  it('names the file and the problem when the exported function throws or the factory is not valid', async () => {
    const thrower = await write('Thing.js', "module.exports = () => { throw new Error('no config'); };");
    expect((await rejection(loadPluginFile(thrower, {}))).message).to.equal(
      `${thrower}: the function the file exports threw: no config`,
    );
    const badSize = await write('x/Thing.js', `module.exports = { ...${FACTORY}, defaultIfacSize: 0 };`);
    expect((await rejection(loadPluginFile(badSize, {}))).message).to.equal(
      `${badSize}: the interface factory of the file declares defaultIfacSize 0; expected a whole number of bytes, 1..64`,
    );
  });

  it('resolves a module from the config directory first, then from the node', async () => {
    const where = { file: 'config', line: 3, section: 'plugins', key: 'modules' };
    // A package in DIR/node_modules that shadows one the node has (chai): DIR wins.
    await write('node_modules/chai/package.json', JSON.stringify({ name: 'chai', main: 'main.js' }));
    const shadow = await write('node_modules/chai/main.js', `module.exports = ${FACTORY};`);
    const loaded = await loadPluginModule('chai', dir, {}, where);
    expect(loaded.file).to.equal(shadow);
    expect(loaded.factory.typeName).to.equal('Thing');
    // Without it, the node's own chai is found (and is no plugin).
    const elsewhere = await fs.mkdtemp(path.join(os.tmpdir(), 'rns-net-loader-empty-'));
    try {
      const error = await rejection(loadPluginModule('chai', elsewhere, {}, where));
      expect(error.message).to.match(
        /^config:3 \[plugins\] 'modules': module 'chai' exports no interface factory/,
      );
    } finally {
      await fs.rm(elsewhere, { recursive: true, force: true });
    }
  });

  it('loads an ES module package through its default export condition, and says what an import-only one lacks', async () => {
    const where = { section: 'plugins', key: 'modules' };
    await write(
      'node_modules/rns-esm/package.json',
      JSON.stringify({ name: 'rns-esm', type: 'module', exports: { default: './plugin.js' } }),
    );
    await write('node_modules/rns-esm/plugin.js', `export default (rns) => (${FACTORY});`);
    expect((await loadPluginModule('rns-esm', dir, {}, where)).factory.typeName).to.equal('Thing');

    await write(
      'node_modules/rns-import-only/package.json',
      JSON.stringify({ name: 'rns-import-only', type: 'module', exports: { import: './plugin.js' } }),
    );
    await write('node_modules/rns-import-only/plugin.js', `export default ${FACTORY};`);
    const error = await rejection(loadPluginModule('rns-import-only', dir, {}, where));
    expect(error.message).to.match(
      /^\[plugins\] 'modules': module 'rns-import-only' cannot be resolved \(.+\): its package.json needs "main", or "exports" with a "default" or "require" condition$/,
    );
  });

  it('refuses a module entry that is not an npm package name', async () => {
    for (const name of ['../evil', '/abs/path', 'Upper', './here']) {
      const error = await rejection(loadPluginModule(name, dir, {}, { section: 'plugins', key: 'modules' }));
      expect(error.message, name).to.equal(
        `[plugins] 'modules': '${name}' is not an npm package name (such as rns-foo or @scope/rns-foo)`,
      );
    }
  });
});

describe('[plugins] section', () => {
  it('reads modules as a list; none without the section', () => {
    const config = parseNodeConfig('[plugins]\n  modules = rns-a, @scope/rns-b\n', 'cfg');
    expect(config.plugins.modules).to.deep.equal(['rns-a', '@scope/rns-b']);
    expect(config.plugins.line).to.equal(2);
    expect(parseNodeConfig('[logging]\n  loglevel = 4\n', 'cfg').plugins.modules).to.deep.equal([]);
    expect(config.notices.join('\n')).to.not.contain('[plugins] is not used');
  });

  it('reports a module listed twice by file, line, section and key, and a key it does not know', () => {
    const config = parseNodeConfig('[plugins]\n  modules = rns-a, rns-a\n  module = rns-b\n', 'cfg');
    expect(config.plugins.modules).to.deep.equal(['rns-a']);
    expect(config.errors.map((e) => e.message)).to.deep.equal([
      "cfg:2 [plugins] 'modules': module 'rns-a' is listed twice",
    ]);
    expect(config.notices).to.contain("cfg:3: [plugins] 'module' is not used by rns-net; ignored");
  });
});
