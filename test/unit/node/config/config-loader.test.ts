import { expect } from 'chai';
import { mkdir, mkdtemp, readdir, readFile, rm, stat, symlink, writeFile } from 'node:fs/promises';
import { homedir, tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigError } from '../../../../src/core/errors';
import { defaultConfigDir, loadNodeConfig } from '../../../../src/node/config/config-loader';
import { DEFAULT_CONFIG_TEXT } from '../../../../src/node/config/default-config';

async function rejection(promise: Promise<unknown>): Promise<ConfigError> {
  try {
    await promise;
  } catch (e) {
    expect(e).to.be.instanceOf(ConfigError);
    return e as ConfigError;
  }
  expect.fail('expected a rejection');
}

describe('loadNodeConfig', () => {
  let base: string;

  beforeEach(async () => {
    base = await mkdtemp(join(tmpdir(), 'rns-net-config-'));
  });

  afterEach(async () => {
    await rm(base, { recursive: true, force: true });
  });

  it('creates a missing directory (mode 0700) with the default config, and uses it', async () => {
    const dir = join(base, 'nested', '.rns-net');
    const { config, created } = await loadNodeConfig(dir);
    expect(created).to.equal(true);
    expect(await readFile(join(dir, 'config'), 'utf8')).to.equal(DEFAULT_CONFIG_TEXT);
    if (process.platform !== 'win32') expect((await stat(dir)).mode & 0o777).to.equal(0o700);
    expect(config.file).to.equal(join(dir, 'config'));
    expect(config.errors).to.deep.equal([]);
    expect(config.interfaces.map((i) => [i.typeName, i.enabled])).to.deep.equal([
      ['BackboneInterface', true],
    ]);
  });

  it('writes the default into an existing empty directory', async () => {
    const { created } = await loadNodeConfig(base);
    expect(created).to.equal(true);
    expect(await readFile(join(base, 'config'), 'utf8')).to.equal(DEFAULT_CONFIG_TEXT);
  });

  it('reads an existing config and never overwrites it', async () => {
    const text =
      '[interfaces]\n  [[Mine]]\n    type = BackboneInterface\n    enabled = yes\n    listen_port = 5000\n';
    await writeFile(join(base, 'config'), text);
    const { config, created } = await loadNodeConfig(base);
    expect(created).to.equal(false);
    expect(config.interfaces.map((i) => i.name)).to.deep.equal(['Mine']);
    expect(await readFile(join(base, 'config'), 'utf8')).to.equal(text);
    // A second load finds the same file, still untouched.
    expect((await loadNodeConfig(base)).created).to.equal(false);
    expect(await readFile(join(base, 'config'), 'utf8')).to.equal(text);
  });

  it('with createDefault false, rejects a missing config naming the file and writes nothing', async () => {
    const err = await rejection(loadNodeConfig(join(base, 'none'), { createDefault: false }));
    expect(err.file).to.equal(join(base, 'none', 'config'));
    expect(err.message).to.contain(join(base, 'none', 'config'));
    const exists = await stat(join(base, 'none')).then(
      () => true,
      () => false,
    );
    expect(exists).to.equal(false);
  });

  it('names the file and line of a syntax error', async () => {
    await writeFile(join(base, 'config'), '[interfaces]\n[[[too deep]]]\n');
    const err = await rejection(loadNodeConfig(base));
    expect(err.message).to.contain(`${join(base, 'config')}:2`);
  });

  it('names the file when it cannot be read', async () => {
    await mkdir(join(base, 'config'));
    const err = await rejection(loadNodeConfig(base));
    expect(err.file).to.equal(join(base, 'config'));
    expect(err.message).to.contain('cannot read');
  });

  it('says so when the config file is a symbolic link to nothing, and writes nothing', async () => {
    await symlink(join(base, 'gone', 'config'), join(base, 'config'));
    for (const createDefault of [true, false]) {
      const err = await rejection(loadNodeConfig(base, { createDefault }));
      expect(err.message).to.equal(
        `${join(base, 'config')}: the config file is a symbolic link to '${join(base, 'gone', 'config')}', which does not exist; fix the link or remove it`,
      );
    }
    expect(await readdir(base)).to.deep.equal(['config']);
  });

  it('says so when the config directory is a symbolic link to nothing', async () => {
    await symlink(join(base, 'gone'), join(base, 'dir'));
    const err = await rejection(loadNodeConfig(join(base, 'dir')));
    expect(err.message).to.equal(
      `${join(base, 'dir', 'config')}: the config directory ${join(base, 'dir')} is a symbolic link to '${join(base, 'gone')}', which does not exist; create that directory or fix the link`,
    );
  });

  it('follows a symbolic link to a config file', async () => {
    await writeFile(join(base, 'real'), '[logging]\n  loglevel = 6\n');
    await symlink(join(base, 'real'), join(base, 'config'));
    const { config, created } = await loadNodeConfig(base);
    expect(created).to.equal(false);
    expect(config.logging.level).to.equal(6);
  });

  it('names the file when the directory path runs through a regular file', async () => {
    // The config dir path runs through a regular file, so it can be neither read nor created.
    await writeFile(join(base, 'file'), 'x');
    const err = await rejection(loadNodeConfig(join(base, 'file', 'sub')));
    expect(err.message).to.contain(join(base, 'file', 'sub', 'config'));
  });
});

describe('defaultConfigDir', () => {
  it('is ~/.rns-net', () => {
    expect(defaultConfigDir()).to.equal(join(homedir(), '.rns-net'));
  });
});
