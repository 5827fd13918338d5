import net from 'node:net';
import { Clock, Timer } from '../../core/clock';
import { BoundedLineSplitter } from './bounded-line-splitter';
import { ControlResponse } from './control-protocol';

/** Limits of one control connection. */
export interface ControlConnectionLimits {
  /** Longest request line, in bytes. */
  readonly maxRequestBytes: number;
  /** Longest response line, in bytes; a longer one is replaced by a `response_too_large` error. */
  readonly maxResponseBytes: number;
  /** Requests are not served while more than this many response bytes wait unsent. */
  readonly outputHighWaterBytes: number;
  /** Close a connection that neither sent nor read anything for this long (0: never). */
  readonly idleTimeoutMs: number;
  /** Requests served in one turn of the event loop before yielding to other work. */
  readonly requestsPerTurn: number;
}

/** Serves one request line (never throws). */
export type ControlLineHandler = (line: string) => ControlResponse | Promise<ControlResponse>;

/**
 * One client of the control endpoint, served with backpressure. Requests are answered one at a
 * time, in order. While requests wait or more than `outputHighWaterBytes` of answers wait unsent,
 * the socket is not read, so a client that pipelines without reading fills its own send buffer
 * instead of the node's memory: the node holds at most one unread chunk of requests and
 * `outputHighWaterBytes` plus one response of output per connection. A connection that makes no
 * progress either way for `idleTimeoutMs` is closed.
 */
export class ControlConnection {
  private readonly splitter: BoundedLineSplitter;
  private readonly queue: string[] = [];
  private serving = false;
  private pumpScheduled = false;
  private lastActivity: number;
  private pendingAtLastCheck = 0;
  private idleTimer: Timer | undefined;

  constructor(
    private readonly socket: net.Socket,
    private readonly limits: ControlConnectionLimits,
    private readonly clock: Clock,
    private readonly handle: ControlLineHandler,
  ) {
    this.splitter = new BoundedLineSplitter(limits.maxRequestBytes);
    this.lastActivity = clock.now();
    socket.on('data', (chunk: Buffer) => this.receive(chunk));
    socket.on('drain', () => {
      this.touch();
      this.pump();
    });
    socket.on('close', () => this.idleTimer?.cancel());
    this.armIdleTimer(limits.idleTimeoutMs);
  }

  private receive(chunk: Buffer): void {
    this.touch();
    for (const line of this.splitter.push(chunk)) if (line.trim().length > 0) this.queue.push(line);
    this.pump();
  }

  /** Serves queued requests while the output has room; pauses reading while any wait. */
  private pump(): void {
    let served = 0;
    while (!this.serving && this.queue.length > 0 && !this.outputFull() && this.open()) {
      if (served++ === this.limits.requestsPerTurn) {
        this.schedulePump();
        break;
      }
      const reply = this.handle(this.queue.shift() as string);
      if (reply instanceof Promise) {
        this.serving = true;
        void reply.then((response) => {
          this.serving = false;
          this.send(response);
          this.pump();
        });
        break;
      }
      this.send(reply);
    }
    if (this.queue.length === 0 && !this.serving && this.splitter.overflow) {
      this.refuseOversizedRequest();
      return;
    }
    const waiting = this.queue.length > 0 || this.serving || this.outputFull();
    if (waiting) this.socket.pause();
    else if (this.open()) this.socket.resume();
  }

  private schedulePump(): void {
    if (this.pumpScheduled) return;
    this.pumpScheduled = true;
    setImmediate(() => {
      this.pumpScheduled = false;
      this.pump();
    });
  }

  private send(response: ControlResponse): void {
    if (!this.open()) return;
    let text = JSON.stringify(response);
    if (Buffer.byteLength(text) > this.limits.maxResponseBytes) {
      text = JSON.stringify({
        id: response.id,
        ok: false,
        error: {
          code: 'response_too_large',
          message: `the response exceeds ${this.limits.maxResponseBytes} bytes`,
        },
      } satisfies ControlResponse);
    }
    this.socket.write(`${text}\n`);
  }

  private refuseOversizedRequest(): void {
    if (!this.open()) return;
    this.send({
      id: null,
      ok: false,
      error: {
        code: 'request_too_large',
        message: `request line exceeds ${this.splitter.maxBytes} bytes; closing the connection`,
      },
    });
    this.socket.end();
  }

  private outputFull(): boolean {
    return this.socket.writableLength > this.limits.outputHighWaterBytes;
  }

  private open(): boolean {
    return !this.socket.destroyed && !this.socket.writableEnded;
  }

  private touch(): void {
    this.lastActivity = this.clock.now();
  }

  /**
   * Checks idleness when the timer fires, rather than re-arming a timer on every chunk. Progress
   * is a request received, or answers leaving (the drain event, or fewer bytes waiting than at
   * the previous check).
   */
  private armIdleTimer(ms: number): void {
    if (this.limits.idleTimeoutMs <= 0) return;
    this.idleTimer = this.clock.setTimeout(() => {
      const pending = this.socket.writableLength;
      if (pending < this.pendingAtLastCheck) this.touch();
      this.pendingAtLastCheck = pending;
      const idleFor = this.clock.now() - this.lastActivity;
      if (idleFor < this.limits.idleTimeoutMs) {
        this.armIdleTimer(this.limits.idleTimeoutMs - idleFor);
        return;
      }
      // Nothing left to say to a client that reads nothing; one that reads gets a clean end.
      if (this.socket.writableLength > 0) this.socket.destroy();
      else this.socket.end();
    }, ms);
  }
}
