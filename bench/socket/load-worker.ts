/**
 * A load-generator worker thread of the socket benchmark. It opens its connections to the hub,
 * then follows the orchestrator's commands: warm up, send (saturating or at a fixed rate),
 * report its receive counters, close.
 *
 * Kept lean because the machine it shares with the hub is small: senders write pre-built
 * batches (fields patched in place, one write per batch, a pool of batches reused after their
 * write completes); receivers read into one reusable buffer (`onread`) and count frames by
 * scanning for 0x7E flags with `Buffer.indexOf` instead of decoding. Every loop is bounded by
 * the command's duration and frame budget.
 */
import * as net from 'node:net';
import { parentPort, workerData } from 'node:worker_threads';
import {
  FLAG,
  FRAME_SIZE,
  FrameBatch,
  LINK_LAYOUT,
  TIMESTAMP_OFFSET,
  frameTimestampUs,
  packetSender,
  packetTimestampUs,
  runClockUs,
} from './bench-frames';
import { newHistogram, recordLatency } from './latency-histogram';
import { ConnectionSpec, LoadWorkerData, WorkerCommand, WorkerEvent } from './worker-protocol';

const CONNECT_TIMEOUT_MS = 10_000;
/** Batches per sending connection; a batch is reused once its write has completed. */
const POOL_SIZE = 16;
/** Writes per turn of a saturating sender before it yields to the event loop. */
const WRITES_PER_TURN = 8;
/** Sender id of warm-up frames. */
const WARM_SENDER_ID = 0x0fffffff;

/** State of one connection. */
interface Connection {
  spec: ConnectionSpec;
  socket: net.Socket | null;
  /** Flags seen so far; an even count before a flag means it opens a frame. */
  flags: number;
  rxBytes: number;
  closed: boolean;
  sender: Sender | null;
  /** `route` receivers: the first bytes of the frame being received, and counts. */
  head: Buffer | null;
  headLength: number;
  /** A frame's opening flag came in an earlier read and its first bytes are not all in yet. */
  pending: boolean;
  routed: number;
  warm: number;
}

/** Bytes of a link frame a `route` receiver looks at: header, magic, sender, sequence, timestamp. */
const ROUTE_HEAD = LINK_LAYOUT.timestamp - 1 + 8;

const data = workerData as LoadWorkerData;
const port = parentPort;
if (!port) throw new Error('load-worker must run in a worker thread');

function post(event: WorkerEvent): void {
  port?.postMessage(event);
}

let lastRxUs = 0;
let unsampled = 0;
let misrouted = 0;
let foreign = 0;
const histogram = data.connections.some((c) => c.receive === 'latency' || c.receive === 'route')
  ? newHistogram()
  : null;
// One read buffer for every socket of this worker: onread callbacks run one at a time.
const readBuffer = Buffer.allocUnsafe(256 * 1024);

function onBytes(conn: Connection, nread: number, buf: Buffer): void {
  conn.rxBytes += nread;
  lastRxUs = runClockUs(data.epochNs);
  if (conn.spec.receive === 'discard') return;
  if (conn.head !== null) return routeBytes(conn, conn.head, buf, nread);
  const latency = conn.spec.receive === 'latency' && histogram !== null;
  let flags = conn.flags;
  let pos = buf.indexOf(FLAG, 0);
  while (pos !== -1 && pos < nread) {
    if (latency && (flags & 1) === 0) {
      // An opening flag: sample its timestamp when the whole field is in this read.
      if (pos + TIMESTAMP_OFFSET + 8 <= nread) {
        recordLatency(histogram, lastRxUs - frameTimestampUs(buf, pos));
      } else {
        unsampled++;
      }
    }
    flags++;
    pos = buf.indexOf(FLAG, pos + 1);
  }
  conn.flags = flags;
}

/**
 * What a `route` receiver got: frames found by their flags (every frame carries both, and the
 * generator's link frames need no escaping, so the bytes after an opening flag are the packet's),
 * each classified by its first bytes, which are carried over when a frame straddles two reads.
 */
function routeBytes(conn: Connection, head: Buffer, read: Buffer, nread: number): void {
  const buf = read.subarray(0, nread);
  let flags = conn.flags;
  let pos = buf.indexOf(FLAG, 0);
  if (conn.pending) {
    // The frame begun in an earlier read: its bytes run to the next flag (or the end of this read).
    const frameEnd = pos === -1 ? nread : pos;
    const take = Math.min(frameEnd, ROUTE_HEAD - conn.headLength);
    buf.copy(head, conn.headLength, 0, take);
    conn.headLength += take;
    if (conn.headLength === ROUTE_HEAD || pos !== -1) {
      classify(conn, head.subarray(0, conn.headLength));
      conn.pending = false;
      conn.headLength = 0;
    }
  }
  while (pos !== -1) {
    if ((flags & 1) === 0) {
      if (pos + 1 + ROUTE_HEAD <= nread) {
        classify(conn, buf.subarray(pos + 1, pos + 1 + ROUTE_HEAD));
      } else {
        const next = buf.indexOf(FLAG, pos + 1);
        if (next !== -1) {
          classify(conn, buf.subarray(pos + 1, next));
        } else {
          buf.copy(head, 0, pos + 1, nread);
          conn.headLength = nread - pos - 1;
          conn.pending = true;
        }
      }
    }
    flags++;
    pos = buf.indexOf(FLAG, pos + 1);
  }
  conn.flags = flags;
}

function classify(conn: Connection, packet: Buffer): void {
  const sender = packetSender(packet, LINK_LAYOUT);
  if (sender === -1) {
    foreign++;
  } else if (sender === WARM_SENDER_ID) {
    conn.warm++;
  } else if (sender !== conn.spec.expectSender) {
    misrouted++;
  } else {
    conn.routed++;
    if (histogram !== null) recordLatency(histogram, lastRxUs - packetTimestampUs(packet, LINK_LAYOUT));
  }
}

/** Sends one connection's frames, saturating or at a fixed rate. */
class Sender {
  private readonly pool: FrameBatch[] = [];
  private readonly free: FrameBatch[] = [];
  private seq = 0;
  private warmSeq = 0;
  private sent = 0;
  private budget = 0;
  private rate = 0;
  private startUs = 0;
  private endUs = 0;
  private deadlineUs = 0;
  private running = false;
  private waitingDrain = false;
  private warmTimer: NodeJS.Timeout | null = null;
  private onDone: (() => void) | null = null;

  constructor(
    private readonly conn: Connection,
    private readonly senderId: number,
  ) {
    for (let i = 0; i < POOL_SIZE; i++) {
      const batch = new FrameBatch(senderId, data.batchFrames, i, conn.spec.linkHeader);
      this.pool.push(batch);
      this.free.push(batch);
    }
  }

  /** Sends one warm-up frame every 50 ms until {@link stopWarm}. */
  startWarm(): void {
    const tick = (): void => {
      const socket = this.conn.socket;
      if (!socket || this.conn.closed) return;
      // A fresh buffer each time: a queued write must not see later patches.
      const batch = new FrameBatch(WARM_SENDER_ID, 1, this.senderId, this.conn.spec.linkHeader);
      batch.stamp(this.senderId * 1_000_000 + this.warmSeq++, runClockUs(data.epochNs));
      socket.write(batch.buffer);
    };
    tick();
    this.warmTimer = setInterval(tick, 50);
  }

  stopWarm(): void {
    if (this.warmTimer) clearInterval(this.warmTimer);
    this.warmTimer = null;
  }

  start(durationMs: number, maxFrames: number, rate: number, onDone: () => void): void {
    this.stopWarm();
    this.budget = maxFrames;
    this.rate = rate;
    this.sent = 0;
    this.onDone = onDone;
    this.running = true;
    this.startUs = runClockUs(data.epochNs);
    this.deadlineUs = this.startUs + durationMs * 1000;
    if (rate > 0) this.rateTick();
    else this.pump();
  }

  get framesSent(): number {
    return this.sent;
  }

  get window(): { startUs: number; endUs: number } {
    return { startUs: this.startUs, endUs: this.endUs };
  }

  private finish(): void {
    if (!this.running) return;
    this.running = false;
    this.endUs = runClockUs(data.epochNs);
    const done = this.onDone;
    this.onDone = null;
    done?.();
  }

  /** Writes `count` frames from a free batch; false when the socket asks to wait. */
  private writeFrames(batch: FrameBatch, count: number, nowUs: number): boolean {
    const socket = this.conn.socket as net.Socket;
    batch.stamp(this.seq, nowUs, count);
    this.seq += count;
    this.sent += count;
    const bytes = count === batch.count ? batch.buffer : batch.buffer.subarray(0, count * FRAME_SIZE);
    return socket.write(bytes, () => this.free.push(batch));
  }

  private readonly pump = (): void => {
    if (!this.running) return;
    const socket = this.conn.socket;
    if (!socket || this.conn.closed) return this.finish();
    for (let i = 0; i < WRITES_PER_TURN; i++) {
      const nowUs = runClockUs(data.epochNs);
      if (nowUs >= this.deadlineUs || this.sent >= this.budget) return this.finish();
      const batch = this.free.pop();
      if (!batch) break; // every batch is still queued; wait for write callbacks
      const count = Math.min(batch.count, this.budget - this.sent);
      if (!this.writeFrames(batch, count, nowUs)) {
        if (!this.waitingDrain) {
          this.waitingDrain = true;
          socket.once('drain', () => {
            this.waitingDrain = false;
            this.pump();
          });
          // The deadline must hold even when the hub stops reading.
          setTimeout(this.pump, Math.max(1, (this.deadlineUs - nowUs) / 1000 + 1)).unref();
        }
        return;
      }
    }
    setImmediate(this.pump);
  };

  private readonly rateTick = (): void => {
    if (!this.running) return;
    const socket = this.conn.socket;
    if (!socket || this.conn.closed) return this.finish();
    const nowUs = runClockUs(data.epochNs);
    if (nowUs >= this.deadlineUs || this.sent >= this.budget) return this.finish();
    const due = Math.min(this.budget, Math.floor(((nowUs - this.startUs) * this.rate) / 1e6) + 1);
    while (this.sent < due) {
      const batch = this.free.pop();
      if (!batch) break;
      this.writeFrames(batch, Math.min(batch.count, due - this.sent), nowUs);
    }
    setTimeout(this.rateTick, 1);
  };

  close(): void {
    this.stopWarm();
    this.running = false;
    this.pool.length = 0;
    this.free.length = 0;
  }
}

const connections: Connection[] = data.connections.map((spec) => ({
  spec,
  socket: null,
  flags: 0,
  rxBytes: 0,
  closed: false,
  sender: null,
  head: spec.receive === 'route' ? Buffer.alloc(ROUTE_HEAD) : null,
  headLength: 0,
  pending: false,
  routed: 0,
  warm: 0,
}));

function connectAll(): Promise<void> {
  let connected = 0;
  let failed = 0;
  return new Promise<void>((resolve) => {
    const timer = setTimeout(() => {
      failed = connections.length - connected;
      resolve();
    }, CONNECT_TIMEOUT_MS);
    const settle = (): void => {
      if (connected + failed === connections.length) {
        clearTimeout(timer);
        resolve();
      }
    };
    for (const conn of connections) {
      const socket = net.connect({
        host: '127.0.0.1',
        port: data.port,
        noDelay: true,
        onread: {
          buffer: readBuffer,
          callback: (nread: number, buf: Uint8Array): boolean => {
            onBytes(conn, nread, buf as Buffer);
            return true;
          },
        },
      });
      conn.socket = socket;
      let isConnected = false;
      socket.once('connect', () => {
        isConnected = true;
        connected++;
        settle();
      });
      socket.on('error', () => {
        if (!isConnected && !conn.closed) {
          failed++;
          settle();
        }
      });
      socket.on('close', () => {
        conn.closed = true;
      });
      if (conn.spec.senderId !== null) conn.sender = new Sender(conn, conn.spec.senderId);
    }
  }).then(() => post({ ev: 'connected', connected, failed }));
}

function report(): void {
  let rxFrames = 0;
  let rxBytes = 0;
  let closedByHub = 0;
  let txFrames = 0;
  for (const conn of connections) {
    txFrames += conn.sender?.framesSent ?? 0;
    rxFrames += conn.head !== null ? conn.routed : conn.flags >>> 1;
    rxBytes += conn.rxBytes;
    if (conn.closed) closedByHub++;
  }
  post({
    ev: 'report',
    txFrames,
    rxFrames,
    rxBytes,
    lastRxUs,
    histogram,
    unsampled,
    closedByHub,
    misrouted,
    foreign,
  });
}

let warmPoll: NodeJS.Timeout | null = null;

function handle(command: WorkerCommand): void {
  switch (command.cmd) {
    case 'warm': {
      for (const conn of connections) conn.sender?.startWarm();
      // Report how many receiving connections have seen a frame, until the orchestrator moves on.
      warmPoll = setInterval(() => {
        let receiving = 0;
        for (const conn of connections) {
          if (conn.head !== null ? conn.warm > 0 : conn.spec.receive !== 'discard' && conn.flags >= 2)
            receiving++;
        }
        post({ ev: 'warmed', receiving });
      }, 25);
      break;
    }
    case 'reset': {
      if (warmPoll) clearInterval(warmPoll);
      warmPoll = null;
      for (const conn of connections) {
        conn.sender?.stopWarm();
        // Keep the parity of the flag count: a frame may be half read.
        conn.flags &= 1;
        conn.rxBytes = 0;
        conn.routed = 0;
        conn.warm = 0;
      }
      lastRxUs = 0;
      unsampled = 0;
      misrouted = 0;
      foreign = 0;
      histogram?.fill(0);
      break;
    }
    case 'send': {
      const senders = connections.filter((c) => c.sender !== null);
      let pending = senders.length;
      let frames = 0;
      let startUs = Number.MAX_SAFE_INTEGER;
      let endUs = 0;
      if (pending === 0) post({ ev: 'sent', frames: 0, startUs: 0, endUs: 0 });
      for (const conn of senders) {
        const sender = conn.sender as Sender;
        sender.start(command.durationMs, command.maxFramesPerSender, command.ratePerSender, () => {
          frames += sender.framesSent;
          startUs = Math.min(startUs, sender.window.startUs);
          endUs = Math.max(endUs, sender.window.endUs);
          if (--pending === 0) post({ ev: 'sent', frames, startUs, endUs });
        });
      }
      break;
    }
    case 'report':
      report();
      break;
    case 'write': {
      const conn = connections[command.connection];
      if (conn?.socket && !conn.closed) conn.socket.write(Buffer.from(command.bytes));
      break;
    }
    case 'close':
      if (warmPoll) clearInterval(warmPoll);
      for (const conn of connections) {
        conn.sender?.close();
        conn.socket?.destroy();
      }
      port?.close();
      break;
  }
}

port.on('message', (command: WorkerCommand) => {
  try {
    handle(command);
  } catch (error) {
    post({ ev: 'error', message: error instanceof Error ? error.message : String(error) });
  }
});

connectAll().catch((error: unknown) => post({ ev: 'error', message: String(error) }));
