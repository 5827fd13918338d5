import { expect } from 'chai';
import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { warmUp } from '../../../src/node/warm-up';

describe('warmUp: the relay path run on a private loopback node beside the real one', function () {
  this.timeout(30_000);
  let parentDir: string;

  beforeEach(async () => {
    parentDir = await fs.mkdtemp(path.join(os.tmpdir(), 'rns-net-warm-up-test-'));
  });

  afterEach(async () => {
    await fs.rm(parentDir, { recursive: true, force: true });
  });

  it('relays every frame to every receiver over real sockets, then removes its directory', async () => {
    const result = await warmUp({ frames: 300, receivers: 3, timeoutMs: 20_000, parentDir });
    expect(result.framesSent).to.equal(300);
    // 300 framed packets of 100..500 bytes to each of 3 receivers.
    expect(result.bytesExpected).to.be.greaterThan(3 * 300 * 100);
    expect(result.bytesDelivered).to.equal(result.bytesExpected);
    expect(result.completed).to.equal(true);
    expect(await fs.readdir(parentDir)).to.deep.equal([]);
  });

  it('ends early when its signal aborts (a stop requested meanwhile), and still cleans up', async () => {
    const stopping = new AbortController();
    stopping.abort();
    const result = await warmUp({ frames: 1_000_000, timeoutMs: 20_000, parentDir, signal: stopping.signal });
    expect(result.completed).to.equal(false);
    expect(result.framesSent).to.equal(0);
    expect(await fs.readdir(parentDir)).to.deep.equal([]);
  });

  it('stops at its time limit without failing, and still cleans up', async () => {
    const result = await warmUp({ frames: 1_000_000, timeoutMs: 1, parentDir });
    expect(result.completed).to.equal(false);
    expect(result.framesSent).to.be.lessThan(1_000_000);
    expect(await fs.readdir(parentDir)).to.deep.equal([]);
  });
});
