import { ChildProcessByStdio, spawn } from 'node:child_process';
import { Readable, Writable } from 'node:stream';
import { Timer } from '../../core/clock';
import { HdlcDecoder, frame, framedLength } from '../../core/hdlc';
import { InterfaceEvent } from '../../core/events';
import { makeInterfaceInfo } from '../../core/interface-info';
import { WriteOutcome, Writer } from '../../core/writer';
import { FrameDrops } from '../../net/frame-drops';
import { maxFrameLength, StartContext, StartedSingleInterface } from '../../registry/interface-factory';
import { PipeConfig } from './pipe-config';
import { PIPE_BITRATE, PIPE_HW_MTU, PIPE_KILL_GRACE_MS, PIPE_MAX_PENDING_BYTES } from './pipe-constants';

type Child = ChildProcessByStdio<Writable, Readable, null>;

/**
 * Starts a pipe interface: runs the command (no shell) and speaks HDLC over its stdin and stdout,
 * as Python's PipeInterface does; the child's stderr is the node's. Resolves once the child runs,
 * online (`InterfaceUp`); rejects when it cannot be started (a missing program, say).
 *
 * A frame from the child longer than HW_MTU (1064) is dropped and counted, never cut short. When
 * the child exits the interface goes down and the command is started again after
 * `respawn_delay`, for as long as the interface runs (a failed start is retried the same way).
 * What the child has not read is bounded ({@link PIPE_MAX_PENDING_BYTES}): beyond it packets are
 * refused with `buffer_full`. Stop sends SIGTERM, and SIGKILL after {@link PIPE_KILL_GRACE_MS}.
 */
export async function startPipeInterface(
  config: PipeConfig,
  ctx: StartContext,
): Promise<StartedSingleInterface> {
  const pipe = new PipeInterface(config, ctx);
  await pipe.start();
  return {
    kind: 'single',
    id: config.id,
    info: makeInterfaceInfo({
      id: config.id,
      name: config.name,
      mode: ctx.mode,
      ingressControl: ctx.ingressControl,
      bitrate: PIPE_BITRATE,
      mtu: PIPE_HW_MTU,
      started: ctx.clock.now() / 1000,
    }),
    writer: pipe.writer,
    stop: () => pipe.stop(),
    drops: () => pipe.drops(),
  };
}

class PipeInterface {
  readonly writer: Writer = { send: (packet) => this.send(packet) };

  private child: Child | null = null;
  private decoder: HdlcDecoder;
  private readonly frameDrops = new FrameDrops();
  private respawnTimer: Timer | null = null;
  private stopping: Promise<void> | null = null;

  constructor(
    private readonly config: PipeConfig,
    private readonly ctx: StartContext,
  ) {
    this.decoder = this.newDecoder();
  }

  async start(): Promise<void> {
    this.attach(await this.spawnChild());
  }

  stop(): Promise<void> {
    this.stopping ??= (async () => {
      this.respawnTimer?.cancel();
      this.respawnTimer = null;
      const child = this.child;
      if (child !== null) await this.terminate(child);
    })();
    return this.stopping;
  }

  /** Frames the decoders dropped, for this child and those before it. */
  drops(): Record<string, number> {
    return this.frameDrops.read(this.child === null ? [] : [this.decoder.stats]);
  }

  private spawnChild(): Promise<Child> {
    const [program, ...args] = this.config.argv;
    const child = spawn(program, args, { stdio: ['pipe', 'pipe', 'inherit'] });
    return new Promise((resolve, reject) => {
      const onError = (err: Error): void => reject(new Error(`cannot run '${program}': ${err.message}`));
      child.once('error', onError);
      child.once('spawn', () => {
        child.off('error', onError);
        resolve(child);
      });
    });
  }

  private newDecoder(): HdlcDecoder {
    return new HdlcDecoder({ hwMtu: maxFrameLength(PIPE_HW_MTU, this.ctx) });
  }

  private attach(child: Child): void {
    if (this.stopping !== null) {
      void this.terminate(child);
      return;
    }
    this.child = child;
    this.decoder = this.newDecoder();
    const decoder = this.decoder;
    // A child that exits leaves a broken pipe behind; its 'close' reports the end.
    child.stdin.on('error', () => undefined);
    child.on('error', (err) => this.ctx.logger.warn('subprocess error', { error: err.message }));
    child.stdout.on('data', (chunk: Buffer) => {
      if (this.child !== child) return;
      decoder.push(chunk, (data) => {
        if (this.child === child) this.emit({ type: 'Frame', id: this.config.id, data });
      });
    });
    child.once('close', (code, signal) => this.onChildClosed(child, code, signal));
    this.ctx.logger.info('subprocess pipe connected', { command: this.config.command, pid: child.pid });
    this.emit({ type: 'InterfaceUp', id: this.config.id, writer: this.writer });
  }

  private onChildClosed(child: Child, code: number | null, signal: NodeJS.Signals | null): void {
    if (this.child !== child) return;
    this.child = null;
    this.frameDrops.bank(this.decoder.stats);
    if (this.stopping !== null) return;
    this.ctx.logger.warn(
      `subprocess terminated (${signal ?? `exit code ${code}`}); respawning in ${this.config.respawnDelayMs / 1000}s`,
    );
    if (this.emit({ type: 'InterfaceDown', id: this.config.id })) this.scheduleRespawn();
  }

  private scheduleRespawn(): void {
    this.respawnTimer = this.ctx.clock.setTimeout(() => {
      this.respawnTimer = null;
      if (this.stopping !== null) return;
      this.spawnChild().then(
        (child) => this.attach(child),
        (err: Error) => {
          if (this.stopping !== null) return;
          this.ctx.logger.error(`error while respawning the subprocess: ${err.message}`);
          this.scheduleRespawn();
        },
      );
    }, this.config.respawnDelayMs);
  }

  private send(packet: Uint8Array): WriteOutcome {
    const child = this.child;
    if (child === null || this.stopping !== null || !child.stdin.writable) return 'offline';
    if (child.stdin.writableLength + framedLength(packet) > PIPE_MAX_PENDING_BYTES) return 'buffer_full';
    child.stdin.write(frame(packet));
    return 'accepted';
  }

  /** Sends an event; a closed driver stops the interface. */
  private emit(event: InterfaceEvent): boolean {
    if (this.stopping !== null) return false;
    if (this.ctx.events.send(event)) return true;
    void this.stop();
    return false;
  }

  /** SIGTERM, then SIGKILL after the grace; resolves once the child and its pipes closed. */
  private terminate(child: Child): Promise<void> {
    return new Promise((resolve) => {
      if (child.exitCode !== null || child.signalCode !== null) {
        if (child.stdout.closed && child.stdin.closed) {
          resolve();
          return;
        }
      }
      let grace: Timer | null = null;
      child.once('close', () => {
        grace?.cancel();
        resolve();
      });
      child.stdin.destroy();
      child.kill('SIGTERM');
      grace = this.ctx.clock.setTimeout(() => child.kill('SIGKILL'), PIPE_KILL_GRACE_MS);
    });
  }
}
