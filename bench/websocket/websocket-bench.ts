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
import { randomBytes } from 'node:crypto';
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
 * Writes a distinct packet at `offset`: a HEADER_1 data packet whose destination carries the
 * sender and sequence number, with no byte equal to HDLC's FLAG or ESC, so its HDLC frame is
 * exactly PACKET_SIZE + 2 bytes and a receiver counts frames by counting flags.
 */
function fillPacket(target: Buffer, offset: number, sender: number, seq: number): void {
  target.fill(0x55, offset, offset + PACKET_SIZE);
  target[offset] = 0x00;
  target[offset + 1] = 0;
  // Seven bits per byte keeps every byte below 0x7d.
  for (let i = 0; i < 4; i++) target[offset + 2 + i] = (sender >>> (7 * i)) & 0x7f;
  for (let i = 0; i < 5; i++) target[offset + 6 + i] = Math.floor(seq / 2 ** (7 * i)) & 0x7f;
  target[offset + 18] = 0x00;
}

/** A WebSocket frame header for a masked binary message of PACKET_SIZE bytes, mask key 0 (payload as is). */
const WS_HEADER = Buffer.from([0x82, 0xfe, PACKET_SIZE >> 8, PACKET_SIZE & 0xff, 0, 0, 0, 0]);

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

/** A sender over a WebSocket or a TCP Backbone connection; what it receives is discarded unread. */
interface Sender {
  /** Bytes queued and not yet taken by the kernel. */
  readonly queued: number;
  /** Sends packet `seq` of sender `index`. */
  send(index: number, seq: number): void;
  close(): void;
}

/**
 * A WebSocket client on a plain socket: the upgrade handshake, then one binary frame per packet,
 * built in place. The generator must not be the bottleneck: `ws` would parse every message the
 * flood relay sends back (99 for each one sent), and that parsing would be measured instead.
 */
async function webSocketSender(port: number): Promise<Sender> {
  const socket = net.connect({ host: '127.0.0.1', port, noDelay: true });
  socket.on('error', () => undefined);
  await once(socket, 'connect');
  const key = randomBytes(16).toString('base64');
  socket.write(
    `GET / HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n` +
      `Sec-WebSocket-Key: ${key}\r\nSec-WebSocket-Version: 13\r\n\r\n`,
  );
  let head = '';
  await new Promise<void>((resolve, reject) => {
    const onData = (chunk: Buffer): void => {
      head += chunk.toString('latin1');
      const end = head.indexOf('\r\n\r\n');
      if (end === -1) return;
      socket.off('data', onData);
      socket.on('data', () => undefined);
      if (head.startsWith('HTTP/1.1 101')) resolve();
      else reject(new Error(`bench: websocket upgrade refused: ${head.slice(0, head.indexOf('\r\n'))}`));
    };
    socket.on('data', onData);
  });
  return {
    get queued() {
      return socket.writableLength;
    },
    send: (index, seq) => {
      const frame = Buffer.allocUnsafe(WS_HEADER.length + PACKET_SIZE);
      WS_HEADER.copy(frame, 0);
      fillPacket(frame, WS_HEADER.length, index, seq);
      socket.write(frame);
    },
    close: () => socket.destroy(),
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
    send: (index, seq) => {
      const frame = Buffer.allocUnsafe(PACKET_SIZE + 2);
      frame[0] = FLAG;
      fillPacket(frame, 1, index, seq);
      frame[PACKET_SIZE + 1] = FLAG;
      socket.write(frame);
    },
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
): Promise<{
  packetsPerSec: number;
  deliveriesPerSec: number;
  cpuPercent: number;
  generatorCpuPercent: number;
  sent: number;
}> {
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
        sender.send(s, seq++);
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
  const ownBefore = process.cpuUsage();
  const start = performance.now();
  await delay(durationMs);
  const secs = (performance.now() - start) / 1000;
  const firstAfter = receivers[0]!.frames;
  const allAfter = receivers.reduce((sum, r) => sum + r.frames, 0);
  const cpu = readCpuSeconds(hub.pid) - cpuBefore;
  const own = process.cpuUsage(ownBefore);
  running = false;
  // Let the node drain before the next run.
  await delay(500);
  return {
    packetsPerSec: (firstAfter - firstBefore) / secs,
    deliveriesPerSec: (allAfter - allBefore) / secs,
    cpuPercent: (cpu / secs) * 100,
    generatorCpuPercent: ((own.user + own.system) / 1e6 / secs) * 100,
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
              `deliveries/s to those 4); node CPU ${Math.round(r.cpuPercent)} %, ` +
              `generator ${Math.round(r.generatorCpuPercent)} %`,
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
