import { expect } from 'chai';
import { Socket } from 'node:net';
import { BufferBudgets } from '../../../src/core/buffer-budgets';
import { InterfaceEntry } from '../../../src/core/driver/interface-entry';
import { frame } from '../../../src/core/hdlc';
import { StreamPeer } from '../../../src/net/server/stream-peer';
import { GOOD_MAGIC, goodPacket, until } from '../../robustness/support/good-peer';
import {
  connectFrom,
  sendBigPackets,
  SteadyReader,
  whenClosed,
} from '../../robustness/support/memory-attacks';
import { RobustHub } from '../../robustness/support/robust-hub';

const MB = 1_000_000;
const MiB = 1024 * 1024;

/** The write-stall defence of docs/operations.md, with nothing exempt (every test client is on loopback). */
const DEFENCES = {
  penalty_exempt: '',
  blacklist_duration: '120',
  write_stall_blacklist_threshold: '2',
  write_stall_blacklist_window: '300',
};

/** The hub's entry for the peer connected from `ip` (undefined once it is gone). */
function entryFrom(hub: RobustHub, ip: string): InterfaceEntry | undefined {
  return hub.peerEntries().find((e) => (e.writer as StreamPeer).ip === ip);
}

/** Resolves once `value()` stopped changing for `quietMs` (bounded by `limitMs`). */
async function settled(value: () => number, quietMs: number, limitMs: number): Promise<void> {
  const deadline = Date.now() + limitMs;
  let last = value();
  let since = Date.now();
  while (Date.now() - since < quietMs && Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 50));
    const now = value();
    if (now !== last) {
      last = now;
      since = Date.now();
    }
  }
}

describe('BackboneInterface server: a fast sender and the readers it sends to (loopback)', function () {
  this.timeout(30_000);
  let hub: RobustHub | undefined;
  const sockets: Socket[] = [];

  afterEach(async () => {
    for (const socket of sockets.splice(0)) socket.destroy();
    await hub?.stop();
    hub = undefined;
  });

  it('never disconnects or penalises a reader draining 20 MB/s while another peer sends 1 MiB packets', async () => {
    // 3 s: long enough that a loaded test machine starving this process is not taken for a stall.
    hub = await RobustHub.start({ writeStallTimeoutSecs: 3, params: DEFENCES });
    const h = hub;
    const reader = await SteadyReader.connect(h.port, '127.0.0.2', 20 * MB);
    sockets.push(reader.socket);
    const neverReader = await connectFrom(h.port, '127.0.0.4');
    neverReader.pause();
    sockets.push(neverReader);
    const sender = await connectFrom(h.port, '127.0.0.3');
    sockets.push(sender);
    await until(() => h.peerEntries().length === 3, 'three peers');

    await sendBigPackets(sender, 40, 1_000_000);
    await settled(() => reader.bytes, 1000, 15_000);

    const readerEvents = h.peerEvents.filter(
      (e) => e.name !== 'peer.connected' && e.detail.ip === '127.0.0.2',
    );
    expect(readerEvents, 'no disconnect, stall or penalty for the reader').to.deep.equal([]);
    expect(reader.closedByHub).to.equal(false);
    expect(reader.corrupt).to.equal(0);
    expect(reader.outOfOrder).to.equal(0);
    expect(reader.bigPackets).to.be.at.least(3);
    const stats = entryFrom(h, '127.0.0.2')?.stats;
    expect(stats?.txRefusedFull, 'packets beyond its budget were dropped for it').to.be.greaterThan(0);
    expect(stats?.txPackets).to.be.at.least(reader.bigPackets);

    // A peer that takes nothing at all is still cut for a write stall (once: not penalised).
    await until(
      () => h.closedBy('write_stall').some((d) => d.ip === '127.0.0.4'),
      'the never-reader to stall',
      10_000,
    );
    neverReader.resume(); // so it reads the end of the stream and closes
    await whenClosed(neverReader);
    expect(h.details('peer.penalty')).to.deep.equal([]);
    expect(h.handlerErrors).to.deep.equal([]);
  });

  it('past the node-wide send budget, drops for the peers with the most queued while a reader gets every packet', async () => {
    // 6 MiB: the two never-readers' fair share (3 MiB each) binds before their own 4 MiB.
    const buffers = new BufferBudgets({ sendBytes: 6 * MiB });
    hub = await RobustHub.start({ writeStallTimeoutSecs: 0, params: DEFENCES, buffers });
    const h = hub;
    const reader = await SteadyReader.connect(h.port, '127.0.0.2', 1000 * MB);
    sockets.push(reader.socket);
    const stalled = await Promise.all(['127.0.0.4', '127.0.0.5'].map((ip) => connectFrom(h.port, ip)));
    for (const socket of stalled) socket.pause();
    sockets.push(...stalled);
    const sender = await connectFrom(h.port, '127.0.0.3');
    sockets.push(sender);
    await until(() => h.peerEntries().length === 4, 'four peers');

    let peakHeld = 0;
    const sampler = setInterval(() => (peakHeld = Math.max(peakHeld, buffers.send.totalHeld)), 2);
    try {
      // 10 MB/s: a pace the reader keeps up with even when a busy machine stalls this process
      // for a few hundred milliseconds (its kernel buffers absorb that), while the two
      // never-readers fall further behind with every packet.
      for (let seq = 0; seq < 300; seq += 1) {
        await sendBigPackets(sender, 1, 100_000, seq);
        await new Promise((resolve) => setTimeout(resolve, 10));
      }
      await until(() => reader.bigPackets === 300, 'the reader to receive all 300 packets', 15_000);
    } finally {
      clearInterval(sampler);
    }

    expect(entryFrom(h, '127.0.0.2')?.stats.txRefusedFull, 'nothing dropped for the reader').to.equal(0);
    expect(reader.corrupt + reader.outOfOrder).to.equal(0);
    expect(buffers.send.refusals, 'the node-wide budget refused packets').to.be.greaterThan(0);
    expect(peakHeld).to.be.at.most(6 * MiB);
    for (const ip of ['127.0.0.4', '127.0.0.5']) {
      const peer = entryFrom(h, ip)?.writer as StreamPeer | undefined;
      expect(peer?.closeReason, `${ip} stays connected`).to.equal(null);
      expect(peer?.pendingBytes).to.be.at.most(3 * MiB);
      expect(entryFrom(h, ip)?.stats.txRefusedFull).to.be.greaterThan(0);
    }
    expect(h.peerEvents.filter((e) => e.name !== 'peer.connected')).to.deep.equal([]);
  });
  it('delivers every small packet to a reader that 1 MiB packets flood, dropping only large ones', async () => {
    // 6 MiB: with two peers that read nothing, the node-wide budget binds as well as the reader's own.
    const buffers = new BufferBudgets({ sendBytes: 6 * MiB });
    hub = await RobustHub.start({ writeStallTimeoutSecs: 0, params: DEFENCES, buffers });
    const h = hub;
    const reader = await SteadyReader.connect(h.port, '127.0.0.2', 5 * MB);
    sockets.push(reader.socket);
    const small = new Set<number>();
    reader.onOtherPacket = (packet) => {
      const seq =
        packet.length > 13 && packet.subarray(2, 8).equals(GOOD_MAGIC) ? packet.readUInt32BE(9) : -1;
      if (seq >= 0 && packet.equals(goodPacket(1, seq))) small.add(seq);
    };
    const stalled = await Promise.all(['127.0.0.4', '127.0.0.5'].map((ip) => connectFrom(h.port, ip)));
    for (const socket of stalled) socket.pause();
    const flooder = await connectFrom(h.port, '127.0.0.3');
    const sender = await connectFrom(h.port, '127.0.0.6');
    sockets.push(...stalled, flooder, sender);
    await until(() => h.peerEntries().length === 5, 'five peers');

    let peakHeld = 0;
    const sampler = setInterval(() => (peakHeld = Math.max(peakHeld, buffers.send.totalHeld)), 2);
    const SMALL = 2000;
    const pause = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));
    try {
      // For 2 s: a large packet every 50 ms (20 MB/s, four times what the reader drains, sized so
      // that four of them fill its budget to the last kilobytes), and 10 packets of 100 to 500
      // bytes every 10 ms (0.3 MB/s, well within what it drains).
      await Promise.all([
        (async () => {
          for (let seq = 0; seq < 40; seq++) {
            await sendBigPackets(flooder, 1, 1_040_000, seq);
            await pause(50);
          }
        })(),
        (async () => {
          for (let seq = 0; seq < SMALL; seq += 10) {
            sender.write(Buffer.concat(Array.from({ length: 10 }, (_, i) => frame(goodPacket(1, seq + i)))));
            await pause(10);
          }
        })(),
      ]);
      await until(() => small.size === SMALL, `the reader to receive all ${SMALL} small packets`, 20_000);
    } finally {
      clearInterval(sampler);
    }

    const refused = (entryFrom(h, '127.0.0.2')?.writer as StreamPeer).sendRefusals;
    expect(refused.peerLarge + refused.nodeLarge, 'large packets dropped for the reader').to.be.greaterThan(
      0,
    );
    expect(refused.peerSmall + refused.nodeSmall, 'small packets dropped for the reader').to.equal(0);
    expect(buffers.send.refusals, 'the node-wide budget refused packets').to.be.greaterThan(0);
    expect(peakHeld).to.be.at.most(6 * MiB);
    expect(reader.corrupt + reader.outOfOrder).to.equal(0);
    expect(h.peerEvents.filter((e) => e.name !== 'peer.connected')).to.deep.equal([]);
  });
});
