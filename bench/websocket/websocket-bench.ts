/**
 * The WebSocket interface beside the Backbone server, in one node child process (flood relay)
 * and one run, driven by a `ws` load generator in this process (the C loadgen speaks no
 * WebSocket):
 *
 * - ingest: `clients` senders (default 100) send distinct 500-byte packets as fast as their
 *   sockets take them for `durationMs`; the node relays each to the other senders and to
 *   {@link TCP_RECEIVERS} raw TCP Backbone peers, which count what arrives. Run once with
 *   WebSocket senders and once with TCP Backbone senders; the figure is packets/s arriving at a
 *   TCP peer.
 * - idle memory: `idleConnections` WebSocket connections opened and left idle, the node's RSS
 *   growth per connection; the same for Backbone connections.
 *
 * Loopback only; every loop is bounded in count and time.
 */
import { once } from 'node:events';
import * as net from 'node:net';
import WebSocket from 'ws';
import { frame } from '../../src/core/hdlc';
import { freePort } from '../../test/helpers/loopback-port';
import { HubProcess, startHub } from '../socket/hub-process';
import { readCpuSeconds, readRssKb } from '../socket/proc-stats';

/** Options of {@link runWebSocketBench}. */
export interface WebSocketBenchOptions {
  /** Sending time of each ingest run, in milliseconds. */
  durationMs: number;
  /** Sending clients in each ingest run (default 100). */
  clients?: number;
  /** Idle connections of each memory run (default 1000). */
  idleConnections?: number;
  /** Progress lines go here (default: nowhere). */
  log?: (line: string) => void;
}

/** One measured figure. */
export interface WebSocketBenchResult {
  name: string;
  value: number;
  unit: string;
  detail: string;
}

/** Raw TCP Backbone peers that receive the relayed packets. */
export const TCP_RECEIVERS = 4;
const PACKET_SIZE = 500;
const FLAG = 0x7e;
/** A sender keeps at most this much queued in its socket. */
const SEND_WINDOW_BYTES = 64 * 1024;
/** Packets one sender sends at most in one run (a bound besides the time). */
const MAX_PACKETS_PER_SENDER = 2_000_000;
const WARM_UP_MS = 300;

function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/**
 * A distinct packet: a HEADER_1 data packet whose destination and payload carry the sender and
 * sequence number, with no byte equal to HDLC's FLAG or ESC, so its frame is exactly
 * PACKET_SIZE + 2 bytes and a receiver counts frames by counting flags.
 */
function benchPacket(sender: number, seq: number): Buffer {
  const packet = Buffer.alloc(PACKET_SIZE, 0x55);
  packet[0] = 0x00;
  packet[1] = 0;
  // Seven bits per byte keeps every byte below 0x7d.
  for (let i = 0; i < 4; i++) packet[2 + i] = (sender >>> (7 * i)) & 0x7f;
  for (let i = 0; i < 5; i++) packet[6 + i] = Math.floor(seq / 2 ** (7 * i)) & 0x7f;
  packet[18] = 0x00;
  return packet;
}

/** A raw TCP peer of the Backbone server that counts the frames it receives. */
class CountingReceiver {
  frames = 0;
  private flags = 0;

  private constructor(readonly socket: net.Socket) {
    socket.on('data', (chunk: Buffer) => {
      let at = chunk.indexOf(FLAG);
      while (at !== -1) {
        this.flags++;
        at = chunk.indexOf(FLAG, at + 1);
      }
      this.frames = this.flags >>> 1;
    });
    socket.on('error', () => undefined);
  }

  static async connect(port: number): Promise<CountingReceiver> {
    const socket = net.connect({ host: '127.0.0.1', port, noDelay: true });
    await once(socket, 'connect');
    return new CountingReceiver(socket);
  }
}

/** A sender over a WebSocket or a TCP Backbone connection. */
interface Sender {
  /** Bytes queued and not yet taken by the kernel. */
  readonly queued: number;
  send(packet: Buffer): void;
  close(): void;
}

async function webSocketSender(port: number): Promise<Sender> {
  const ws = new WebSocket(`ws://127.0.0.1:${port}/`, { perMessageDeflate: false });
  ws.on('error', () => undefined);
  await once(ws, 'open');
  return {
    get queued() {
      return ws.bufferedAmount;
    },
    send: (packet) => ws.send(packet, { binary: true }),
    close: () => ws.terminate(),
  };
}

async function tcpSender(port: number): Promise<Sender> {
  const socket = net.connect({ host: '127.0.0.1', port, noDelay: true });
  socket.on('error', () => undefined);
  socket.on('data', () => undefined);
  await once(socket, 'connect');
  return {
    get queued() {
      return socket.writableLength;
    },
    send: (packet) => socket.write(frame(packet)),
    close: () => socket.destroy(),
  };
}

/**
 * Runs the senders flat out for `durationMs` (after a warm-up) and returns the packets/s that
 * reached the first TCP receiver, the deliveries/s all receivers got together, and the node's
 * CPU use.
 */
async function ingest(
  hub: HubProcess,
  senders: Sender[],
  receivers: CountingReceiver[],
  durationMs: number,
): Promise<{ packetsPerSec: number; deliveriesPerSec: number; cpuPercent: number; sent: number }> {
  let seq = 0;
  let sent = 0;
  let running = true;
  const pump = (): void => {
    if (!running) return;
    for (let s = 0; s < senders.length; s++) {
      const sender = senders[s]!;
      let budget = 64;
      while (
        budget-- > 0 &&
        sender.queued < SEND_WINDOW_BYTES &&
        sent < MAX_PACKETS_PER_SENDER * senders.length
      ) {
        sender.send(benchPacket(s, seq++));
        sent++;
      }
    }
    setImmediate(pump);
  };
  pump();
  await delay(WARM_UP_MS);
  const firstBefore = receivers[0]!.frames;
  const allBefore = receivers.reduce((sum, r) => sum + r.frames, 0);
  const cpuBefore = readCpuSeconds(hub.pid);
  const start = performance.now();
  await delay(durationMs);
  const secs = (performance.now() - start) / 1000;
  const firstAfter = receivers[0]!.frames;
  const allAfter = receivers.reduce((sum, r) => sum + r.frames, 0);
  const cpu = readCpuSeconds(hub.pid) - cpuBefore;
  running = false;
  // Let the node drain before the next run.
  await delay(500);
  return {
    packetsPerSec: (firstAfter - firstBefore) / secs,
    deliveriesPerSec: (allAfter - allBefore) / secs,
    cpuPercent: (cpu / secs) * 100,
    sent,
  };
}

/** Opens `count` idle connections with `open` and returns the node's RSS growth per connection, in bytes. */
async function idleMemory(hub: HubProcess, count: number, open: () => Promise<Sender>): Promise<number> {
  await delay(300);
  const before = readRssKb(hub.pid);
  const connections: Sender[] = [];
  try {
    for (let i = 0; i < count; i += 50) {
      const batch = Math.min(50, count - i);
      connections.push(...(await Promise.all(Array.from({ length: batch }, open))));
    }
    await delay(1000);
    const after = readRssKb(hub.pid);
    return ((after - before) * 1024) / count;
  } finally {
    for (const c of connections) c.close();
    await delay(300);
  }
}

/** Runs the benchmark against a fresh node child process. */
export async function runWebSocketBench(options: WebSocketBenchOptions): Promise<WebSocketBenchResult[]> {
  const log = options.log ?? (() => undefined);
  const clients = options.clients ?? 100;
  const idle = options.idleConnections ?? 1000;
  const wsPort = await freePort();
  const hub = await startHub('node', {
    extraSections: [
      '[[Bench WebSocket]]',
      'type = WebSocketInterface',
      'enabled = yes',
      'listen_ip = 127.0.0.1',
      `listen_port = ${wsPort}`,
    ],
  });
  const results: WebSocketBenchResult[] = [];
  try {
    log(`websocket: idle memory (${idle} connections each) ...`);
    const wsBytes = await idleMemory(hub, idle, () => webSocketSender(wsPort));
    const tcpBytes = await idleMemory(hub, idle, () => tcpSender(hub.port));
    results.push(
      {
        name: `websocket idle connection memory [node]`,
        value: wsBytes / 1024,
        unit: 'KiB/conn',
        detail: `node RSS growth over ${idle} idle WebSocket connections`,
      },
      {
        name: `backbone idle connection memory [node]`,
        value: tcpBytes / 1024,
        unit: 'KiB/conn',
        detail: `the same over ${idle} idle Backbone TCP connections, same node`,
      },
    );

    const receivers = await Promise.all(
      Array.from({ length: TCP_RECEIVERS }, () => CountingReceiver.connect(hub.port)),
    );
    try {
      for (const kind of ['websocket', 'backbone'] as const) {
        log(`websocket: ingest from ${clients} ${kind} clients ...`);
        const senders: Sender[] = [];
        for (let i = 0; i < clients; i++) {
          senders.push(await (kind === 'websocket' ? webSocketSender(wsPort) : tcpSender(hub.port)));
        }
        try {
          const r = await ingest(hub, senders, receivers, options.durationMs);
          results.push({
            name: `${kind} ingest ${clients} clients -> TCP [node]`,
            value: r.packetsPerSec,
            unit: 'packets/s',
            detail:
              `${PACKET_SIZE}-byte packets, flood relay to the ${clients - 1} other senders and ` +
              `${TCP_RECEIVERS} TCP peers (${Math.round(r.deliveriesPerSec).toLocaleString('en-US')} ` +
              `deliveries/s to those 4); node CPU ${Math.round(r.cpuPercent)} %`,
          });
        } finally {
          for (const s of senders) s.close();
          await delay(300);
        }
      }
    } finally {
      for (const r of receivers) r.socket.destroy();
    }
  } finally {
    await hub.stop();
  }
  return results;
}
