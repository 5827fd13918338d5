import { randomBytes } from 'node:crypto';
import { once } from 'node:events';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, connect, AddressInfo, Socket } from 'node:net';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { frame } from '../core/hdlc';
import { RnsNode } from './rns-node';

/** Options of {@link warmUp}. */
export interface WarmUpOptions {
  /** Frames the sender sends (default 20,000). */
  readonly frames?: number;
  /** Peers that receive every frame (default 8). */
  readonly receivers?: number;
  /** Gives up after this long, in ms (default 4,000); the warm-up never fails the caller. */
  readonly timeoutMs?: number;
  /** Where the private node's temporary config directory goes (default the OS's). */
  readonly parentDir?: string;
  /** Ends the warm-up early (a stop requested meanwhile, say). */
  readonly signal?: AbortSignal;
}

/** What a {@link warmUp} did. */
export interface WarmUpResult {
  /** Frames sent into the private node. */
  readonly framesSent: number;
  /** Bytes the receivers got, against the bytes they should get. */
  readonly bytesDelivered: number;
  readonly bytesExpected: number;
  /** Wall-clock ms it took, start and stop of the private node included. */
  readonly elapsedMs: number;
  /** False when it stopped at its time limit (or on an error) before every frame arrived. */
  readonly completed: boolean;
}

/** The longest burst of frames one sender write carries (bursts cycle from 1 up to this). */
const MAX_FRAMES_PER_WRITE = 8;
/** Every this many writes, the write is cut in two inside a frame (its rest follows a turn later). */
const SPLIT_EVERY = 7;
/** Rounds of fresh peers the frames are spread over. */
const ROUNDS = 3;
/** Writes between yields to the event loop, so the node reads small chunks as it will live. */
const WRITES_PER_TURN = 2;

/**
 * Warms the relay path up: a private node (flood relay, one Backbone server on a free loopback
 * port, in a temporary directory, logging nothing) relays frames from one sender to several
 * receivers over real loopback sockets, in bursts of one to eight frames, some cut inside a
 * frame, with fresh peers each round, then stops. `rns-net run` calls it once the real node has
 * started (see there why).
 *
 * Why: a fresh process runs its hot path in V8's interpreter until enough calls have tiered it
 * up to optimised code, which takes a few seconds of traffic; on a loaded machine those seconds
 * of slow relaying queue frames and show as a tail of tens to hundreds of milliseconds in the
 * first run. The private node runs the very classes the real one will (socket reads and writes,
 * HDLC decoder, driver, relay, dedup, frame arena, flush queue), so their type feedback and
 * compiled code are in place when the first real frame arrives. It shares nothing else with the
 * real node: its own driver, relay, budgets and peer tables, all gone when it returns.
 *
 * Bounded in frames and in time; an error or the time limit ends it early, and it always cleans
 * up after itself.
 */
export async function warmUp(options: WarmUpOptions = {}): Promise<WarmUpResult> {
  const started = Date.now();
  const frames = options.frames ?? 20_000;
  const receivers = options.receivers ?? 8;
  const deadline = started + (options.timeoutMs ?? 4000);
  const goOn = (): boolean => Date.now() <= deadline && options.signal?.aborted !== true;
  const configDir = mkdtempSync(path.join(options.parentDir ?? tmpdir(), 'rns-net-warm-up-'));
  const sockets: Socket[] = [];
  let node: RnsNode | undefined;
  let framesSent = 0;
  let bytesDelivered = 0;
  let bytesExpected = 0;
  try {
    const port = await freeLoopbackPort();
    writeFileSync(path.join(configDir, 'config'), warmUpConfig(port));
    node = await RnsNode.start({ configDir, createDefaultConfig: false });
    const driver = node.driver;
    const peersOnline = (): number => driver.onlineInterfaces().filter((e) => e.dynamic).length;
    let writes = 0;
    for (let round = 1; round <= ROUNDS; round++) {
      // Fresh peers each round: a peer's first packet takes paths of its own (its send queue,
      // its write watch), and only peers that arrive once the hot code has type feedback teach
      // the compiler those paths; otherwise the first real peers would throw the code away.
      for (const socket of sockets.splice(0)) socket.destroy();
      while (peersOnline() > 0) {
        if (!goOn()) return result();
        await turn();
      }
      for (let i = 0; i < receivers; i++) {
        const socket = await connectLoopback(port);
        socket.on('data', (chunk: Buffer) => (bytesDelivered += chunk.length));
        sockets.push(socket);
      }
      const sender = await connectLoopback(port);
      sockets.push(sender);
      // Every peer online: only then does a frame reach all receivers.
      while (peersOnline() < receivers + 1) {
        if (!goOn()) return result();
        await turn();
      }
      const roundEnd = Math.round((frames * round) / ROUNDS);
      while (framesSent < roundEnd && goOn()) {
        const batch: Buffer[] = [];
        const burst = Math.min(1 + (writes % MAX_FRAMES_PER_WRITE), roundEnd - framesSent);
        for (let i = 0; i < burst; i++) batch.push(frame(dataPacket(framesSent++)));
        const bytes = Buffer.concat(batch);
        bytesExpected += bytes.length * receivers;
        if (++writes % SPLIT_EVERY === 0) {
          // A frame cut across two reads: the decoder's partial-frame path.
          const cut = bytes.length >> 1;
          sender.write(bytes.subarray(0, cut));
          await turn();
          if (!sender.write(bytes.subarray(cut))) await once(sender, 'drain');
        } else if (!sender.write(bytes)) {
          await once(sender, 'drain');
        }
        if (writes % WRITES_PER_TURN === 0) await turn();
      }
      while (bytesDelivered < bytesExpected && goOn()) await turn();
    }
    return result();
  } catch {
    return result();
  } finally {
    for (const socket of sockets) socket.destroy();
    await node?.stop().catch(() => undefined);
    rmSync(configDir, { recursive: true, force: true });
  }

  function result(): WarmUpResult {
    return {
      framesSent,
      bytesDelivered,
      bytesExpected,
      elapsedMs: Date.now() - started,
      completed: bytesExpected > 0 && bytesDelivered >= bytesExpected,
    };
  }
}

/** The private node's config: the flood relay and one Backbone server on loopback. */
function warmUpConfig(port: number): string {
  return [
    '[reticulum]',
    '  relay_mode = flood',
    '',
    '[logging]',
    '  loglevel = 0',
    '',
    '[interfaces]',
    '  [[Warm-up Backbone]]',
    '    type = BackboneInterface',
    '    enabled = yes',
    '    listen_ip = 127.0.0.1',
    `    listen_port = ${port}`,
    '',
  ].join('\n');
}

/**
 * A HEADER_1 DATA packet with a destination hash of its own (so the relay's dedup passes it) and
 * random payload bytes (so some need HDLC escaping), 100 to 500 bytes long.
 */
function dataPacket(n: number): Buffer {
  const packet = randomBytes(100 + ((n * 37) % 401));
  packet[0] = 0x00; // HEADER_1, broadcast, single destination, DATA
  packet[1] = 0; // hops
  packet.writeUInt32BE(n, 2);
  packet[18] = 0x00; // context NONE
  return packet;
}

function turn(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

/** A free TCP port on 127.0.0.1 (asked of the kernel, released at once). */
function freeLoopbackPort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

function connectLoopback(port: number): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const socket = connect({ host: '127.0.0.1', port, noDelay: true });
    socket.once('error', reject);
    socket.once('connect', () => {
      socket.off('error', reject);
      socket.on('error', () => socket.destroy());
      resolve(socket);
    });
  });
}
