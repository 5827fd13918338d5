/**
 * BASELINE ONLY, not the node: a minimal Node relay hub, like the "minimal Node 20 relay" row of
 * the loadgen reference figures (net, Buffer.indexOf framing, SHA-256 dedup, one write per peer
 * per incoming chunk). The socket benchmark runs it as a child process beside the real node, so
 * the table shows what the node's production features cost against a bare relay, and so the
 * benchmark itself can be developed and tested without the node.
 *
 * Run: `node dist/bench/socket/baseline-hub.js [--port N]`; prints `listening <port>` when ready.
 */
import { createHash } from 'node:crypto';
import * as net from 'node:net';

const FLAG = 0x7e;
/** Beyond this many queued bytes a peer's writes are dropped (a bare relay's only guard). */
const MAX_QUEUED_BYTES = 4 * 1024 * 1024;
/** Dedup generations rotate at this size, so memory stays bounded. */
const DEDUP_GENERATION_SIZE = 500_000;

/** One connected peer. */
interface Peer {
  socket: net.Socket;
  /** Bytes of an unfinished frame (starting with its opening flag), or null. */
  pending: Buffer | null;
}

/** Two-generation set of packet hashes: bounded, and recent entries survive a rotation. */
class DedupSet {
  private current = new Set<string>();
  private previous = new Set<string>();

  /** True when `key` was not seen recently (and remembers it). */
  add(key: string): boolean {
    if (this.current.has(key) || this.previous.has(key)) return false;
    this.current.add(key);
    if (this.current.size >= DEDUP_GENERATION_SIZE) {
      this.previous = this.current;
      this.current = new Set();
    }
    return true;
  }
}

/**
 * Starts the baseline relay on 127.0.0.1:`port` (0 = any free port).
 *
 * @returns the listening server
 */
export function startBaselineHub(port: number): Promise<net.Server> {
  const peers = new Set<Peer>();
  const seen = new DedupSet();

  function forward(from: Peer, bytes: Buffer): void {
    for (const peer of peers) {
      if (peer === from || peer.socket.writableLength > MAX_QUEUED_BYTES) continue;
      peer.socket.write(bytes);
    }
  }

  function onData(peer: Peer, chunk: Buffer): void {
    const buf = peer.pending ? Buffer.concat([peer.pending, chunk]) : chunk;
    peer.pending = null;
    let start = buf.indexOf(FLAG);
    if (start === -1) return;
    const regionStart = start;
    // End (exclusive) of the last complete frame: everything before it is dealt with.
    let consumed = start;
    let kept: Buffer[] | null = null;
    for (;;) {
      const end = buf.indexOf(FLAG, start + 1);
      if (end === -1) break;
      // Back-to-back frames put two flags together; the empty "frame" between them is skipped.
      if (end - start > 1) {
        // Hash the escaped bytes: escaping is a bijection, so equal packets give equal keys.
        const key = createHash('sha256')
          .update(buf.subarray(start + 1, end))
          .digest('base64');
        if (seen.add(key)) {
          if (kept) kept.push(buf.subarray(start, end + 1));
        } else if (!kept) {
          // First duplicate in this chunk: from here on collect the accepted frames one by one.
          kept = [buf.subarray(regionStart, consumed)];
        }
        consumed = end + 1;
      }
      start = end;
    }
    // An unfinished frame waits for its end; one larger than 1 MiB is dropped.
    if (consumed < buf.length && buf.length - consumed <= 1024 * 1024) {
      peer.pending = Buffer.from(buf.subarray(consumed));
    }
    if (kept) {
      const joined = Buffer.concat(kept);
      if (joined.length > 0) forward(peer, joined);
    } else if (consumed > regionStart) {
      forward(peer, buf.subarray(regionStart, consumed));
    }
  }

  const server = net.createServer({ noDelay: true }, (socket) => {
    const peer: Peer = { socket, pending: null };
    peers.add(peer);
    socket.on('data', (chunk: Buffer) => onData(peer, chunk));
    socket.on('error', () => socket.destroy());
    socket.on('close', () => peers.delete(peer));
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen({ host: '127.0.0.1', port, backlog: 4096 }, () => resolve(server));
  });
}

if (require.main === module) {
  const index = process.argv.indexOf('--port');
  const port = index === -1 ? 0 : Number(process.argv[index + 1]);
  startBaselineHub(port).then(
    (server) => {
      const address = server.address() as net.AddressInfo;
      process.stdout.write(`listening ${address.port}\n`);
      const stop = (): void => {
        server.close();
        process.exit(0);
      };
      process.on('SIGTERM', stop);
      process.on('SIGINT', stop);
    },
    (error: unknown) => {
      console.error(error);
      process.exit(1);
    },
  );
}
