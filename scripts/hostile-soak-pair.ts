/**
 * The healthy pair of the hostile soak in a process of its own: two good peers streaming to each
 * other through the node under attack. In the soak's process they would share an event loop with
 * every attacker, and packets the node drops because that loop fell behind reading would be
 * counted as the node's losses. Here they read as fast as the machine lets them.
 *
 * Counting starts once both peers are connected and a first packet made the round trip (each
 * way): a packet the node never relayed because it had not admitted the other peer yet is not
 * lost by the node. A pair whose first packets do not arrive within 2 s reconnects.
 *
 * The soak talks to the child over IPC: {@link GoodPairProcess} is its side.
 */
import { ChildProcess, fork } from 'node:child_process';
import { GoodPeer } from '../test/robustness/support/good-peer';

/** What the pair reports: counts, and the good packets' delivery delay (ms) both ways. */
export interface PairStats {
  /** Good packets sent by both peers. */
  readonly sent: number;
  /** Sent and not yet received (in flight, or lost). */
  readonly missing: number;
  readonly corrupt: number;
  readonly echoed: number;
  readonly duplicates: number;
  /** A peer's connection closed that the pair did not close. */
  readonly unexpectedClose: boolean;
  /** Delivery delay p99 of either direction, the larger. */
  readonly p99Ms: number;
  /** `p50/p99/max ms` of A -> B and B -> A. */
  readonly delays: { readonly aToB: string; readonly bToA: string };
}

/** A request of the soak to the child. */
type Request = { readonly id: number; readonly type: 'stats' | 'check' | 'stop' };

/** An answer of the child. */
type Reply =
  | { readonly type: 'ready'; readonly ports: [number, number] }
  | { readonly type: 'error'; readonly message: string }
  | { readonly id: number; readonly type: 'stats'; readonly stats: PairStats; readonly error?: string };

/** The soak's handle on the pair's process. */
export class GoodPairProcess {
  private nextId = 1;
  private readonly waiting = new Map<number, (reply: Reply) => void>();

  private constructor(
    private readonly child: ChildProcess,
    /** The local ports of A and B (how the node names them). */
    readonly ports: readonly [number, number],
  ) {
    child.on('message', (reply: Reply) => {
      if ('id' in reply) {
        this.waiting.get(reply.id)?.(reply);
        this.waiting.delete(reply.id);
      }
    });
  }

  /** Starts the pair against `host:port`; resolves once both stream, after a first round trip. */
  static start(port: number, host: string): Promise<GoodPairProcess> {
    const child = fork(__filename, [String(port), host], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
    return new Promise((resolve, reject) => {
      const onExit = (code: number | null): void => reject(new Error(`the good pair exited with ${code}`));
      child.once('exit', onExit);
      child.once('message', (reply: Reply) => {
        child.off('exit', onExit);
        if (reply.type === 'ready') resolve(new GoodPairProcess(child, reply.ports));
        else reject(new Error(`the good pair did not start: ${reply.type === 'error' ? reply.message : ''}`));
      });
    });
  }

  /** The pair's counts now. */
  async stats(): Promise<PairStats> {
    return (await this.ask('stats')).stats;
  }

  /**
   * Waits (up to 30 s) until every packet sent so far arrived; the counts then, and an error
   * message if some did not arrive.
   */
  async check(): Promise<{ stats: PairStats; error?: string }> {
    const { stats, error } = await this.ask('check');
    return { stats, error };
  }

  /** Stops streaming, waits for the last packets, closes the peers; the final counts. */
  async stop(): Promise<{ stats: PairStats; error?: string }> {
    const { stats, error } = await this.ask('stop');
    // 'close': the process exited and its IPC channel is closed (no handle left behind).
    await new Promise<void>((resolve) => {
      if (this.child.exitCode !== null && !this.child.connected) resolve();
      else this.child.once('close', () => resolve());
    });
    return { stats, error };
  }

  private ask(type: Request['type']): Promise<Extract<Reply, { type: 'stats' }>> {
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      const onExit = (): void => reject(new Error('the good pair exited'));
      this.child.once('exit', onExit);
      this.waiting.set(id, (reply) => {
        this.child.off('exit', onExit);
        if (reply.type === 'stats') resolve(reply);
        else reject(new Error(reply.type === 'error' ? reply.message : 'unexpected reply'));
      });
      this.child.send({ id, type } satisfies Request);
    });
  }
}

/** A delay histogram in microseconds as `p50/p99/max ms`. */
function delays(h: { percentile(p: number): number; max: number; count: number }): string {
  if (h.count === 0) return 'none';
  return `${(h.percentile(50) / 1000).toFixed(2)}/${(h.percentile(99) / 1000).toFixed(2)}/${(h.max / 1000).toFixed(1)} ms`;
}

/** Two peers connected, each having received the other's first packet; null if that failed. */
async function connectPair(port: number, host: string): Promise<[GoodPeer, GoodPeer] | null> {
  const a = await GoodPeer.connect(port, 1, host);
  const b = await GoodPeer.connect(port, 2, host);
  a.sendBurst(1);
  b.sendBurst(1);
  const deadline = Date.now() + 2000;
  while (b.receivedFrom(1) === 0 || a.receivedFrom(2) === 0) {
    if (Date.now() > deadline) {
      await Promise.all([a.close(), b.close()]);
      return null;
    }
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
  return [a, b];
}

async function runChild(port: number, host: string): Promise<void> {
  const send = (reply: Reply): void => void process.send?.(reply);
  let pair: [GoodPeer, GoodPeer] | null = null;
  for (let attempt = 0; attempt < 15 && pair === null; attempt++) pair = await connectPair(port, host);
  if (pair === null) {
    send({ type: 'error', message: 'no first round trip through the node in 15 attempts' });
    process.disconnect?.();
    return;
  }
  const [a, b] = pair;
  a.startStreaming(Number.MAX_SAFE_INTEGER);
  b.startStreaming(Number.MAX_SAFE_INTEGER);
  const stats = (full: boolean): PairStats => {
    const duplicates = full ? a.reportFrom(b).duplicates + b.reportFrom(a).duplicates : 0;
    return {
      sent: a.sent + b.sent,
      missing: a.sent - b.receivedFrom(1) + (b.sent - a.receivedFrom(2)),
      corrupt: a.corrupt + b.corrupt,
      echoed: a.echoed + b.echoed,
      duplicates,
      unexpectedClose: a.unexpectedClose || b.unexpectedClose,
      p99Ms: Math.max(a.delayUs.percentile(99), b.delayUs.percentile(99)) / 1000,
      delays: { aToB: delays(b.delayUs), bToA: delays(a.delayUs) },
    };
  };
  const waitForAll = (): Promise<string | undefined> =>
    Promise.all([b.waitForAllFrom(a, 30_000), a.waitForAllFrom(b, 30_000)]).then(
      () => undefined,
      (error: Error) => error.message,
    );
  process.on('message', (request: Request) => {
    void (async () => {
      if (request.type === 'stats') {
        send({ id: request.id, type: 'stats', stats: stats(false) });
      } else if (request.type === 'check') {
        const error = await waitForAll();
        send({ id: request.id, type: 'stats', stats: stats(true), error });
      } else {
        await Promise.all([a.stopStreaming(), b.stopStreaming()]);
        const error = await waitForAll();
        send({ id: request.id, type: 'stats', stats: stats(true), error });
        await Promise.all([a.close(), b.close()]);
        process.disconnect?.();
      }
    })();
  });
  send({ type: 'ready', ports: [a.localPort, b.localPort] });
}

if (require.main === module) {
  runChild(Number(process.argv[2]), process.argv[3] ?? '127.0.0.1').catch((error: unknown) => {
    process.send?.({ type: 'error', message: String(error) } satisfies Reply);
    process.exitCode = 1;
    process.disconnect?.();
  });
}
