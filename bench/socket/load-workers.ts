/**
 * The orchestrator's handle on load-generator worker threads: start them, send commands, wait
 * (bounded) for their events.
 */
import * as path from 'node:path';
import { Worker } from 'node:worker_threads';
import { LoadWorkerData, WorkerCommand, WorkerEvent, WorkerReport } from './worker-protocol';

/** A load worker with a queue of the events it has posted. */
export class LoadWorker {
  private readonly worker: Worker;
  private readonly events: WorkerEvent[] = [];
  private waiter: (() => void) | null = null;
  private failure: Error | null = null;
  /** The latest 'warmed' count. */
  warmedReceiving = 0;

  constructor(data: LoadWorkerData) {
    const file = path.join(__dirname, `load-worker${path.extname(__filename)}`);
    // From source (tests), the worker needs ts-node too; compiled, it is plain JS.
    this.worker = file.endsWith('.ts')
      ? new Worker(`require('ts-node/register/transpile-only'); require(${JSON.stringify(file)});`, {
          eval: true,
          workerData: data,
        })
      : new Worker(file, { workerData: data });
    this.worker.on('message', (event: WorkerEvent) => {
      if (event.ev === 'warmed') {
        this.warmedReceiving = event.receiving;
      } else if (event.ev === 'error') {
        this.failure = new Error(`load worker: ${event.message}`);
      } else {
        this.events.push(event);
      }
      this.wake();
    });
    this.worker.on('error', (error) => {
      this.failure = error;
      this.wake();
    });
    this.worker.on('exit', () => this.wake());
  }

  private wake(): void {
    const waiter = this.waiter;
    this.waiter = null;
    waiter?.();
  }

  /** Sends a command. */
  send(command: WorkerCommand): void {
    this.worker.postMessage(command);
  }

  /** Waits for the next event named `ev` (bounded by `timeoutMs`). */
  async next<E extends WorkerEvent['ev']>(
    ev: E,
    timeoutMs: number,
  ): Promise<Extract<WorkerEvent, { ev: E }>> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      if (this.failure) throw this.failure;
      const index = this.events.findIndex((e) => e.ev === ev);
      if (index !== -1) return this.events.splice(index, 1)[0] as Extract<WorkerEvent, { ev: E }>;
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`load worker: no '${ev}' within ${timeoutMs} ms`);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, left);
        this.waiter = () => {
          clearTimeout(timer);
          resolve();
        };
      });
    }
  }

  /** Asks for and returns the receive counters. */
  async report(timeoutMs = 5000): Promise<WorkerReport> {
    this.send({ cmd: 'report' });
    return this.next('report', timeoutMs);
  }

  /** Closes its sockets and ends the thread (terminated if it does not exit in time). */
  async close(): Promise<void> {
    this.send({ cmd: 'close' });
    const exited = new Promise<void>((resolve) => this.worker.once('exit', () => resolve()));
    const timer = setTimeout(() => void this.worker.terminate(), 2000);
    await exited;
    clearTimeout(timer);
  }
}

/**
 * Warm-up: every sender sends a frame each 50 ms until `receiving` receiving connections (over
 * all workers) have seen one, so the hub has brought every peer up; then counters are reset
 * (twice, around a pause that lets trailing warm-up frames arrive).
 */
export async function warmUp(workers: LoadWorker[], receiving: number, timeoutMs = 10_000): Promise<void> {
  if (receiving > 0) {
    for (const w of workers) w.send({ cmd: 'warm' });
    const end = Date.now() + timeoutMs;
    while (workers.reduce((n, w) => n + w.warmedReceiving, 0) < receiving) {
      if (Date.now() > end) throw new Error('warm-up: the hub did not relay to every peer');
      await new Promise((resolve) => setTimeout(resolve, 25));
    }
  }
  for (const w of workers) w.send({ cmd: 'reset' });
  await new Promise((resolve) => setTimeout(resolve, 300));
  for (const w of workers) w.send({ cmd: 'reset' });
}
