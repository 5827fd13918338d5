/**
 * In-process benchmark of the Backbone server's send path: 500-byte packets sent to 9 peers (one
 * FrameArena, the flush queue, the per-peer and node-wide send budgets), their sockets replaced by
 * stand-ins that take every write at once. The figure is deliveries/s: the writer's own cost, the
 * ceiling for the server's fan-out.
 */
import { EventEmitter } from 'node:events';
import { Socket } from 'node:net';
import { performance } from 'node:perf_hooks';
import { BufferBudgets } from '../src/core/buffer-budgets';
import { Clock, Timer } from '../src/core/clock';
import { silentLogger } from '../src/core/logger';
import { DEFAULT_ABUSE_SETTINGS } from '../src/net/abuse/abuse-settings';
import { StreamPeer, StreamPeerHost } from '../src/net/server/stream-peer';
import { FlushQueue } from '../src/net/server/flush-queue';
import { FrameArena } from '../src/net/server/frame-arena';
import { TEST_STREAM_LINK } from '../test/helpers/stream-link';

const FAN_OUT = 9;
const PACKETS_PER_CHUNK = 64;

/** A socket whose kernel takes every write at once (the callback follows on the next tick). */
class InstantSocket extends EventEmitter {
  readonly writableLength = 0;
  setNoDelay(): void {}
  setKeepAlive(): void {}
  write(_data: Buffer, callback: () => void): boolean {
    process.nextTick(callback);
    return true;
  }
  destroy(): void {}
}

const benchClock: Clock = {
  now: () => Date.now(),
  setTimeout(): Timer {
    return { cancel: () => undefined };
  },
  setInterval(): Timer {
    return { cancel: () => undefined };
  },
};

/**
 * Sends chunks of 64 distinct packets to 9 peers, each chunk inside one flush-queue bracket as a
 * received chunk would be, for `timeMs` (a fifth more as warm-up); returns deliveries/s.
 */
export async function runPeerSendBench(options: {
  timeMs: number;
}): Promise<{ name: string; opsPerSec: number }> {
  const host: StreamPeerHost = {
    link: TEST_STREAM_LINK,
    maxFrameLength: TEST_STREAM_LINK.hwMtu,
    runtime: { maxConnections: 0, idleTimeoutMs: 0, writeStallTimeoutMs: 30_000, maxPenaltyDurationMs: 0 },
    abuse: DEFAULT_ABUSE_SETTINGS,
    buffers: new BufferBudgets(),
    clock: benchClock,
    logger: silentLogger,
    flushQueue: new FlushQueue<StreamPeer>(),
    frameArena: new FrameArena(),
    frameReceived: () => undefined,
    peerClosed: () => undefined,
  };
  const peers = Array.from(
    { length: FAN_OUT },
    (_, i) =>
      new StreamPeer(10_000 + i, `10.0.0.${i}`, 4000 + i, new InstantSocket() as unknown as Socket, host),
  );
  const pool = Array.from({ length: 1024 }, (_, i) => {
    const packet = Buffer.alloc(500, i & 0xff);
    packet.writeUInt32BE(i, 2);
    return packet;
  });
  let next = 0;
  const chunk = (): void => {
    host.flushQueue.hold();
    for (let k = 0; k < PACKETS_PER_CHUNK; k++) {
      const packet = pool[next++ & 1023] as Buffer;
      for (const peer of peers) peer.send(packet);
    }
    host.flushQueue.release();
  };
  const run = async (ms: number): Promise<number> => {
    let deliveries = 0;
    const start = performance.now();
    let now = start;
    while (now - start < ms) {
      for (let i = 0; i < 50; i++) chunk();
      deliveries += 50 * PACKETS_PER_CHUNK * FAN_OUT;
      // Let the write callbacks run, as the event loop would between received chunks.
      await new Promise((resolve) => setImmediate(resolve));
      now = performance.now();
    }
    return Math.round((deliveries * 1000) / (now - start));
  };
  await run(options.timeMs / 5);
  const opsPerSec = await run(options.timeMs);
  for (const peer of peers) peer.disconnect('stopped');
  return { name: `backbone peer send 1->${FAN_OUT} (500 B, instant sockets)`, opsPerSec };
}
