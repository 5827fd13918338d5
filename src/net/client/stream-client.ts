import { BufferBudgets } from '../../core/buffer-budgets';
import { InterfaceEvent } from '../../core/events';
import { makeInterfaceInfo } from '../../core/interface-info';
import { RuntimeConfigHandle } from '../../core/runtime-config';
import { Writer } from '../../core/writer';
import { maxFrameLength, StartContext, StartedSingleInterface } from '../../registry/interface-factory';
import { FrameDrops } from '../frame-drops';
import { ClientRuntime, StreamClientConfig } from './client-config';
import { ClientConnection, ClientWriteStallError } from './client-connection';
import { createClientRuntimeHandle } from './client-runtime-handle';
import { ConnectAttempt, ConnectOutcome, connectWithTimeout } from './connect-attempt';
import { Reconnector } from './reconnector';

/** A started stream client: a single interface with its live settings. */
export interface StartedStreamClient extends StartedSingleInterface {
  /** The live settings (reconnect, connect timeout, write stall timeout). */
  readonly runtimeConfig: RuntimeConfigHandle;
}

/** Optional dependencies of {@link startStreamClient}, for tests. */
export interface StreamClientOptions {
  /** Source of the backoff jitter, uniform in [0, 1); `Math.random` by default. */
  readonly random?: () => number;
}

/**
 * Starts a stream client. It resolves at once, with the
 * interface offline: connecting happens in the background, so a node whose remote is down keeps
 * running, and a failed first connect is retried like a lost connection (as Python does; rns-net
 * gives up instead).
 *
 * Events: `InterfaceUp(id, writer)` on every successful connect, with the writer of that socket;
 * `Frame(id, data)` per deframed packet (a fresh decoder per connection); `InterfaceDown(id)`
 * once when a connection ends, including when the remote took none of our queued bytes for
 * `write_stall_timeout` (read live; a change through the runtime handle re-arms the timer of the
 * live connection at once). Then it reconnects after `reconnect_wait x 2^min(n, 6)` +/-25 %
 * (or after `reconnect_wait` each time, with `reconnect: 'fixed'`), reading the live settings
 * afresh at each attempt, until `max_reconnect_tries` attempts failed in a row (`null`:
 * unlimited; 0: no attempt at all, as in Python). No event is sent after stop().
 *
 * The live settings start from `config.startup` and are changed through the returned
 * `runtimeConfig` handle.
 *
 * @param config - the parsed client section.
 * @param ctx - events, clock, logger, mode and ingress control.
 * @param options - test hooks (the jitter source).
 */
export function startStreamClient(
  config: StreamClientConfig,
  ctx: StartContext,
  options: StreamClientOptions = {},
): Promise<StartedStreamClient> {
  const runtime: ClientRuntime = { ...config.startup };
  const client = new StreamClient(config, runtime, ctx, options.random ?? Math.random);
  const runtimeConfig = createClientRuntimeHandle(config, runtime, () => client.runtimeChanged());
  client.start();
  return Promise.resolve({
    kind: 'single',
    id: config.id,
    info: makeInterfaceInfo({
      id: config.id,
      name: config.name,
      mode: ctx.mode,
      ingressControl: ctx.ingressControl,
      bitrate: config.link.bitrate,
      mtu: config.link.hwMtu,
      autoconfigureMtu: config.link.autoconfigureMtu,
      fixedMtu: !config.link.autoconfigureMtu,
      wantsTunnel: config.wantsTunnel ?? true,
      started: ctx.clock.now() / 1000,
    }),
    writer: client.writer,
    runtimeConfig,
    stop: () => client.stop(),
    drops: () => client.drops(),
  });
}

/** The connection state machine behind {@link startStreamClient}. */
class StreamClient {
  /**
   * Forwards to the current connection, `offline` between connections. The driver gets it at
   * registration; every InterfaceUp then hands over the writer of the new socket itself.
   */
  readonly writer: Writer = { send: (packet) => this.connection?.writer.send(packet) ?? 'offline' };

  private stopped = false;
  private attempt: ConnectAttempt | null = null;
  private connection: ClientConnection | null = null;
  private readonly frameDrops = new FrameDrops();
  private readonly reconnector: Reconnector;
  private stopping: Promise<void> | undefined;

  constructor(
    private readonly config: StreamClientConfig,
    private readonly runtime: ClientRuntime,
    private readonly ctx: StartContext,
    random: () => number,
  ) {
    this.reconnector = new Reconnector({
      clock: ctx.clock,
      logger: ctx.logger,
      runtime,
      policy: config.reconnect === 'fixed' ? 'fixed' : 'backoff',
      random,
      target: `${config.targetHost}:${config.targetPort}`,
      dial: () => this.connect(),
    });
  }

  start(): void {
    this.reconnector.start();
  }

  /** A setting that applies at once changed (the write stall timeout): re-arm the live connection's timer. */
  runtimeChanged(): void {
    if (!this.stopped) this.connection?.writeStallTimeoutChanged();
  }

  stop(): Promise<void> {
    if (this.stopping === undefined) {
      this.stopped = true;
      this.reconnector.cancel();
      const closing: Promise<void>[] = [];
      if (this.attempt !== null) closing.push(this.attempt.cancel());
      if (this.connection !== null) {
        this.frameDrops.bank(this.connection.decoderStats);
        closing.push(this.connection.close());
      }
      this.attempt = null;
      this.connection = null;
      this.stopping = Promise.all(closing).then(() => undefined);
    }
    return this.stopping;
  }

  private connect(): void {
    // Read live: a connect_timeout_secs change applies from the next attempt on.
    const target = {
      host: this.config.targetHost,
      port: this.config.targetPort,
      timeoutMs: this.runtime.connectTimeoutMs,
      keepaliveInitialDelayMs: this.config.link.keepaliveInitialDelayMs,
    };
    const attempt = connectWithTimeout(target, this.ctx.clock, (outcome) => {
      if (this.attempt !== attempt) return;
      this.attempt = null;
      this.onConnectOutcome(outcome);
    });
    this.attempt = attempt;
  }

  private onConnectOutcome(outcome: ConnectOutcome): void {
    // stop() cancels the attempt, so no outcome arrives after it; checked anyway for safety.
    if (this.stopped) {
      if (outcome.ok) outcome.socket.destroy();
      return;
    }
    if (!outcome.ok) {
      this.reconnector.failed(outcome.error);
      return;
    }
    this.reconnector.connected();
    const connection: ClientConnection = new ClientConnection(
      outcome.socket,
      {
        onFrame: (data) => {
          if (this.connection === connection) this.emit({ type: 'Frame', id: this.config.id, data });
        },
        onClosed: (error) => {
          if (this.connection === connection) this.onConnectionClosed(error);
        },
      },
      {
        clock: this.ctx.clock,
        buffers: this.ctx.buffers ?? BufferBudgets.processDefault(),
        framing: this.config.link.framing,
        maxFrameLength: maxFrameLength(this.config.link.hwMtu, this.ctx),
        writeStallTimeoutMs: () => this.runtime.writeStallTimeoutMs ?? 0,
      },
    );
    this.connection = connection;
    this.emit({ type: 'InterfaceUp', id: this.config.id, writer: connection.writer });
  }

  /** Frames the decoders of this client's connections dropped, past and current (see {@link FrameDrops}). */
  drops(): Record<string, number> {
    return this.frameDrops.read(this.connection === null ? [] : [this.connection.decoderStats]);
  }

  private onConnectionClosed(error: Error | undefined): void {
    if (this.connection !== null) this.frameDrops.bank(this.connection.decoderStats);
    this.connection = null;
    if (error instanceof ClientWriteStallError) {
      this.ctx.logger.warn(`write stall: remote took no data for ${error.timeoutMs / 1000}s, reconnecting`);
    } else if (error === undefined) this.ctx.logger.warn('connection closed');
    else this.ctx.logger.warn(`read error: ${error.message}`);
    if (!this.emit({ type: 'InterfaceDown', id: this.config.id })) return;
    this.reconnector.lost();
  }

  /** Sends an event; a closed driver (send returns false) stops the client, as in rns-net. */
  private emit(event: InterfaceEvent): boolean {
    if (this.stopped) return false;
    if (this.ctx.events.send(event)) return true;
    void this.stop();
    return false;
  }
}
