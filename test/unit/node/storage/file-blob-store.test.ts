import { expect } from 'chai';
import { mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { FileBlobStore, TRANSPORT_IDENTITY_NAME, loadOrCreateIdentity } from '../../../../src/node/storage';
import { Identity } from '../../../../src/protocol';
import { VECTORS, hex } from '../../../vectors/fixture';

describe('node storage: FileBlobStore', () => {
  let dir: string;
  let store: FileBlobStore;

  beforeEach(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'rns-net-storage-'));
    store = new FileBlobStore(path.join(dir, 'storage'));
  });

  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('reads nothing before the first write, then what was written, from a 0600 file', async () => {
    expect(await store.read('table')).to.equal(undefined);
    await store.write('table', Buffer.from('first'));
    await store.write('table', Buffer.from('second'));
    expect(Buffer.from((await store.read('table'))!).toString()).to.equal('second');
    expect((await stat(store.pathOf('table'))).mode & 0o777).to.equal(0o600);
    expect(await readdir(store.directory)).to.deep.equal(['table'], 'no temporary file is left behind');
  });

  it('writes a blob given in chunks as one file', async () => {
    await store.write('table', [
      Buffer.from('one '),
      Buffer.alloc(0),
      Buffer.alloc(300_000, 0x61),
      Buffer.from(' end'),
    ]);
    const read = Buffer.from((await store.read('table'))!);
    expect(read.length).to.equal(4 + 300_000 + 4);
    expect(read.subarray(0, 4).toString()).to.equal('one ');
    expect(read.subarray(-4).toString()).to.equal(' end');
  });

  it('leaves the old blob and no temporary file when a write fails', async () => {
    await store.write('table', Buffer.from('old'));
    const failing = {
      length: 1,
      [Symbol.iterator]: function* () {
        yield Buffer.from('partial');
        throw new Error('disk full');
      },
    } as unknown as readonly Uint8Array[];
    let error: unknown;
    await store.write('table', failing).catch((e: unknown) => (error = e));
    expect((error as Error).message).to.equal('disk full');
    expect(Buffer.from((await store.read('table'))!).toString()).to.equal('old');
    expect(await readdir(store.directory)).to.deep.equal(['table']);
  });

  it('sets a blob aside under a new name and keeps its bytes', async () => {
    await store.write('table', Buffer.from('damaged'));
    const aside = await store.setAside('table');
    expect(aside).to.match(/^table\.corrupt-/);
    expect(await store.read('table')).to.equal(undefined);
    expect((await readFile(path.join(store.directory, aside!))).toString()).to.equal('damaged');
    expect(await store.setAside('table')).to.equal(undefined);
  });

  it('refuses names that could leave the folder', () => {
    for (const name of ['../x', 'a/b', '', '.hidden', 'a\\b']) {
      expect(() => store.pathOf(name), name).to.throw(RangeError);
    }
  });
});

describe('node storage: identity files', () => {
  let dir: string;

  beforeEach(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'rns-net-identity-'));
  });

  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('creates the transport identity once and loads the same one afterwards', async () => {
    const store = new FileBlobStore(dir);
    const first = await loadOrCreateIdentity(store, TRANSPORT_IDENTITY_NAME);
    expect(first.created).to.equal(true);
    const file = await readFile(path.join(dir, TRANSPORT_IDENTITY_NAME));
    expect(file.length).to.equal(64);
    expect(file.equals(first.identity.privateKey())).to.equal(true);
    const second = await loadOrCreateIdentity(store, TRANSPORT_IDENTITY_NAME);
    expect(second.created).to.equal(false);
    expect(second.identity.hash.equals(first.identity.hash)).to.equal(true);
  });

  it('loads an identity file written by rnid (an rnsd transport id carries over by copying it)', async () => {
    await writeFile(path.join(dir, TRANSPORT_IDENTITY_NAME), hex(VECTORS.rnid_identity.file));
    const { identity, created } = await loadOrCreateIdentity(new FileBlobStore(dir), TRANSPORT_IDENTITY_NAME);
    expect(created).to.equal(false);
    expect(identity.hexHash).to.equal(VECTORS.rnid_identity.hash);
  });

  it('refuses, and never replaces, an identity file of the wrong length', async () => {
    const target = path.join(dir, TRANSPORT_IDENTITY_NAME);
    await writeFile(target, Buffer.alloc(63));
    try {
      await loadOrCreateIdentity(new FileBlobStore(dir), TRANSPORT_IDENTITY_NAME);
      expect.fail('should have thrown');
    } catch (error) {
      expect((error as { code?: string }).code).to.equal('RNS_ERR_IDENTITY');
      expect(String(error)).to.contain('63 bytes');
    }
    expect((await readFile(target)).length).to.equal(63);
    expect(Identity.fromPrivateKey(Buffer.alloc(64, 1)).hash.length).to.equal(16);
  });
});
