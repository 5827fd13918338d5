import { expect } from 'chai';
import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ControlClient } from '../../../../src/node/control/control-client';
import { NodeAlreadyRunningError } from '../../../../src/node/control/control-errors';
import { ControlServer } from '../../../../src/node/control/control-server';
import { CONTROL_SOCKET_NAME, controlSocketPath } from '../../../../src/node/control/control-socket-path';
import {
  MAX_UNIX_SOCKET_PATH_BYTES,
  openUnixSocketAddress,
  SocketPathTooLongError,
} from '../../../../src/node/control/unix-socket-address';
import { FakeControlTarget } from './fake-control-target';

/** Every socket file under `dir`, recursively. */
async function socketsUnder(dir: string): Promise<string[]> {
  const found: string[] = [];
  for (const entry of await fs.readdir(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) found.push(...(await socketsUnder(full)));
    else if (entry.isSocket()) found.push(full);
  }
  return found;
}

/** A config directory under `root` whose control socket path is exactly `bytes` long. */
async function configDirWithSocketPathOf(root: string, bytes: number): Promise<string> {
  const fixed = Buffer.byteLength(path.join(root, 'd', CONTROL_SOCKET_NAME));
  const dir = path.join(root, `d${'x'.repeat(bytes - fixed)}`);
  await fs.mkdir(dir);
  expect(Buffer.byteLength(controlSocketPath(dir))).to.equal(bytes);
  return dir;
}

describe('control socket paths longer than a Unix socket address holds', () => {
  let root: string;

  beforeEach(async () => {
    root = await fs.mkdtemp(path.join(os.tmpdir(), 'rns-net-long-'));
  });

  afterEach(async () => {
    await fs.rm(root, { recursive: true, force: true });
  });

  const serveAndCall = async (dir: string): Promise<void> => {
    const socketPath = controlSocketPath(dir);
    const server = await ControlServer.open({ socketPath, configDir: dir, target: new FakeControlTarget() });
    try {
      const stat = await fs.lstat(socketPath);
      expect(stat.isSocket()).to.equal(true);
      expect(stat.mode & 0o777).to.equal(0o600);
      // Only the real path holds a socket: nothing truncated was bound beside it.
      expect(await socketsUnder(root)).to.deep.equal([socketPath]);
      const client = await ControlClient.connect(socketPath, { configDir: dir });
      expect((await client.call('status', {})).pid).to.equal(1);
      client.close();
      const second = await ControlServer.open({ socketPath, configDir: dir }).then(
        () => expect.fail('a second server opened'),
        (e: unknown) => e,
      );
      expect(second).to.be.instanceOf(NodeAlreadyRunningError);
    } finally {
      await server.close();
    }
    expect(await socketsUnder(root)).to.deep.equal([]);
  };

  for (const extra of [0, 1, 60, 3000]) {
    const bytes = MAX_UNIX_SOCKET_PATH_BYTES + extra;
    it(`serves, refuses a second server and cleans up at ${bytes} bytes, again and again`, async function () {
      if (process.platform !== 'linux') this.skip();
      const dir =
        extra < 200
          ? await configDirWithSocketPathOf(root, bytes)
          : path.join(root, ...Array.from({ length: extra / 100 }, (_, i) => `${i}${'y'.repeat(98)}`));
      await fs.mkdir(dir, { recursive: true });
      await serveAndCall(dir);
      await serveAndCall(dir);
    });
  }

  it('refuses a long path clearly, creating nothing, where it cannot be reached another way', async () => {
    const dir = await configDirWithSocketPathOf(root, MAX_UNIX_SOCKET_PATH_BYTES + 1);
    const socketPath = controlSocketPath(dir);
    const err = await openUnixSocketAddress(socketPath, { useProcFd: false }).then(
      () => expect.fail('opened'),
      (e: unknown) => e,
    );
    expect(err).to.be.instanceOf(SocketPathTooLongError);
    expect((err as Error).message).to.equal(
      `the control socket path ${socketPath} is ${MAX_UNIX_SOCKET_PATH_BYTES + 1} bytes, and Unix sockets ` +
        `allow at most ${MAX_UNIX_SOCKET_PATH_BYTES} on this system; use a config directory with a ` +
        `shorter path (--config DIR, for example ~/.rns-net)`,
    );
    expect(await fs.readdir(dir)).to.deep.equal([]);
  });

  it('uses a path that fits as it is', async () => {
    const dir = await configDirWithSocketPathOf(root, MAX_UNIX_SOCKET_PATH_BYTES);
    const address = await openUnixSocketAddress(controlSocketPath(dir), { useProcFd: false });
    expect(address.path).to.equal(controlSocketPath(dir));
    await address.release();
  });

  it('says no node runs when the long directory does not exist', async () => {
    const dir = path.join(root, 'z'.repeat(150));
    const err = await ControlClient.connect(controlSocketPath(dir), { configDir: dir }).then(
      () => expect.fail('connected'),
      (e: Error) => e,
    );
    expect(err.message).to.match(/^no rns-net node is running for /);
  });
});
