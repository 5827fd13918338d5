import * as net from 'node:net';
import { BufferBudgets, ReceiveClaim, SendClaim } from '../../core/buffer-budgets';
import { Clock } from '../../core/clock';
import { RnsError } from '../../core/errors';
import { FrameDecoder, FrameDecoderStats } from '../../core/frame-decoder';
import { StreamFraming } from '../../core/stream-framing';
import { WriteOutcome, Writer } from '../../core/writer';
import { ignoreError } from '../net-constants';
import { SendAdmission, SendRefusalCounts } from '../send-admission';
import { closeSocket } from './connect-attempt';
import { ReadTurn } from '../read-turn';
import { WriteStallWatch } from '../write-stall-watch';
import { RNS_ERR_BUFFER_BUDGET, RNS_ERR_WRITE_STALL } from '../../core/error-codes';

/**
 * The connection was closed because the remote took none of our queued bytes for the write stall
 * timeout; reported through {@link ClientConnectionHandlers.onClosed}.
 */
export class ClientWriteStallError extends RnsError {
  /** The write stall timeout that expired, in milliseconds. */
  readonly timeoutMs: number;
  /** Bytes still queued for the socket when it was closed. */
  readonly pendingBytes: number;

  constructor(timeoutMs: number, pendingBytes: number) {
    super(RNS_ERR_WRITE_STALL, `write stall: remote took no data for ${timeoutMs / 1000}s`);
    this.name = 'ClientWriteStallError';
    this.timeoutMs = timeoutMs;
    this.pendingBytes = pendingBytes;
  }
}

/** What a {@link ClientConnection} needs besides its socket: time, budgets, the live stall timeout. */
export interface ClientConnectionOptions {
  /** Drives the write stall timer. */
  readonly clock: Clock;
  /** The node-wide buffer budgets; the connection holds a claim on each. */
  readonly buffers: BufferBudgets;
  /** How packets are framed on the stream. */
  readonly framing: StreamFraming;
  /** Longest frame accepted from the stream (HW_MTU plus the access code); longer ones are dropped and counted. */
  readonly maxFrameLength: number;
  /** The write stall timeout in milliseconds, read live at every decision; 0 = off. */
  writeStallTimeoutMs(): number;
  /** Bounds the reads of one event-loop turn (default: the process's). */
  readonly readTurn?: ReadTurn;
}

/** What a {@link ClientConnection} reports to its owner. */
export interface ClientConnectionHandlers {
  /** One deframed packet. */
  onFrame(frame: Buffer): void;
  /**
   * The connection ended by itself (EOF, a socket error or a write stall), reported once; `error`
   * is a {@link ClientWriteStallError} after a write stall, else the first socket error, if any.
   * Not called after {@link ClientConnection.close}.
   */
  onClosed(error: Error | undefined): void;
}

/**
 * One established client socket: a fresh decoder of its framing for what arrives, a batching writer for
 * what leaves. A reconnect makes a new connection (and so a new writer and decoder); the writer
 * of a closed connection refuses everything with `offline`.
 *
 * Buffers: what leaves is bounded by `MAX_PENDING_BYTES` (our batch plus Node's write
 * queue) and by the node-wide send budget, each with a reserve for small frames (see
 * {@link SendAdmission}), beyond which packets are refused with `buffer_full`;
 * an unfinished incoming frame is claimed from the node-wide receive budget, which may close the
 * connection (reported like any other end, so the owner reconnects).
 *
 * Write stall ({@link WriteStallWatch}, as on the server's peers): while the socket holds unwritten bytes a stall timer
 * runs on the injected clock; each completed socket write counts as progress, and a connection
 * that makes none for the write stall timeout is closed and reported with a
 * {@link ClientWriteStallError}, so the owner reconnects. Without it a remote that stops reading
 * would hold the writer in `buffer_full` until the kernel's retransmission timeout (~15 min). A
 * packet that would overflow the pending budget is only refused; the timer decides about the
 * connection.
 */
export class ClientConnection {
  /** Sends packets on this socket only; `offline` once the connection has ended. */
  readonly writer: Writer;

  private readonly decoder: FrameDecoder;
  private readonly framing: StreamFraming;
  private open = true;
  private closedByOwner = false;
  private firstError: Error | undefined;
  // Packets accepted in this tick, framed together into one socket write at the end of it.
  private batch: Uint8Array[] = [];
  private batchBytes = 0;
  private flushScheduled = false;
  private closing: Promise<void> | undefined;
  private readonly stallWatch: WriteStallWatch;
  private stallError: ClientWriteStallError | undefined;
  private readonly sendClaim: SendClaim;
  private readonly admission: SendAdmission;
  private readonly receiveClaim: ReceiveClaim;
  private readonly readTurn: ReadTurn;

  /**
   * @param socket - a connected socket; the connection owns it from now on.
   * @param handlers - where frames and the end of the connection are reported.
   * @param options - the clock and the live write stall timeout.
   */
  constructor(
    private readonly socket: net.Socket,
    private readonly handlers: ClientConnectionHandlers,
    options: ClientConnectionOptions,
  ) {
    this.writer = { send: (packet) => this.send(packet) };
    this.framing = options.framing;
    this.readTurn = options.readTurn ?? ReadTurn.process;
    this.decoder = options.framing.createDecoder({ hwMtu: options.maxFrameLength });
    this.stallWatch = new WriteStallWatch(socket, options.clock, options.writeStallTimeoutMs, this.onStall);
    this.sendClaim = options.buffers.send.claim();
    this.admission = new SendAdmission(this.sendClaim);
    this.receiveClaim = options.buffers.receive.claim(this.onReceiveBudgetEviction);
    socket.on('data', this.onData);
    socket.on('error', this.onError);
    socket.on('close', this.onClose);
  }

  /** Closes the socket without reporting `onClosed`; resolves once it is closed. Idempotent. */
  close(): Promise<void> {
    if (this.closing === undefined) {
      this.closedByOwner = true;
      this.markClosed();
      this.closing = closeSocket(this.socket);
    }
    return this.closing;
  }

  /** What this connection's decoder dropped so far. */
  get decoderStats(): Readonly<FrameDecoderStats> {
    return this.decoder.stats;
  }

  /** Packets refused on this connection so far, by budget and size. */
  get sendRefusals(): Readonly<SendRefusalCounts> {
    return this.admission.refused;
  }

  /** Bytes accepted but not yet handed to the kernel: the batch plus the socket's queue. */
  get pendingBytes(): number {
    return this.batchBytes + this.socket.writableLength;
  }

  /**
   * Re-arms the stall timer after the write stall timeout changed: a lowered timeout counts from
   * the last progress (so it may fire at once), 0 stops the timer.
   */
  writeStallTimeoutChanged(): void {
    if (this.open) this.stallWatch.timeoutChanged();
  }

  private send(packet: Uint8Array): WriteOutcome {
    if (!this.open) return 'offline';
    const length = this.framing.framedLength(packet);
    const pending = this.pendingBytes;
    if (!this.admission.admit(pending, length)) return 'buffer_full';
    this.batch.push(packet);
    this.batchBytes += length;
    if (!this.flushScheduled) {
      this.flushScheduled = true;
      process.nextTick(this.flush);
    }
    return 'accepted';
  }

  // One write per tick: per-frame writes cost a syscall each and make a relay several times slower.
  private readonly flush = (): void => {
    this.flushScheduled = false;
    if (!this.open || this.batch.length === 0) return;
    const out = Buffer.allocUnsafe(this.batchBytes);
    let offset = 0;
    for (const packet of this.batch) offset += this.framing.frameInto(packet, out, offset);
    this.batch = [];
    this.batchBytes = 0;
    this.stallWatch.beforeWrite();
    this.socket.write(out, this.onWritten);
    this.stallWatch.afterWrite();
    this.sendClaim.update(this.socket.writableLength);
  };

  private readonly onWritten = (error?: Error | null): void => {
    this.stallWatch.written(error);
    if (this.open) this.sendClaim.update(this.pendingBytes);
  };

  private readonly onReceiveBudgetEviction = (): void => {
    if (!this.open) return;
    this.firstError ??= new RnsError(
      RNS_ERR_BUFFER_BUDGET,
      'receive buffer budget exceeded: this connection held the largest unfinished frame',
    );
    this.markClosed();
    this.socket.destroy();
  };

  private readonly onStall = (stallMs: number): void => {
    if (!this.open) return;
    // Reported when the socket has closed, like any other end of the connection.
    this.stallError = new ClientWriteStallError(stallMs, this.pendingBytes);
    this.markClosed();
    this.socket.destroy();
  };

  private readonly onData = (chunk: Buffer): void => {
    if (!this.open) return;
    this.decoder.push(chunk, (frame) => {
      // The owner may close the connection from inside onFrame; drop the rest of the chunk.
      if (this.open) this.handlers.onFrame(frame);
    });
    if (!this.open) return;
    this.receiveClaim.update(this.decoder.retainedBytes);
    this.readTurn.afterRead(this.socket);
  };

  private readonly onError = (error: Error): void => {
    this.firstError ??= error;
  };

  private readonly onClose = (): void => {
    this.markClosed();
    this.socket.off('data', this.onData);
    this.socket.off('error', this.onError);
    this.socket.off('close', this.onClose);
    this.socket.on('error', ignoreError);
    if (!this.closedByOwner) this.handlers.onClosed(this.stallError ?? this.firstError);
  };

  private markClosed(): void {
    this.open = false;
    this.stallWatch.stop();
    this.batch = [];
    this.batchBytes = 0;
    this.decoder.reset();
    this.sendClaim.release();
    this.receiveClaim.release();
  }
}
