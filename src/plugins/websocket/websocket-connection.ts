import { Socket } from 'node:net';
import WebSocket from 'ws';
import { BufferBudgets, ReceiveClaim, SendClaim } from '../../core/buffer-budgets';
import { Clock, Timer } from '../../core/clock';
import { Logger } from '../../core/logger';
import { WriteOutcome, Writer } from '../../core/writer';
import { FlushQueue } from '../../net/server/flush-queue';
import { ReadTurn } from '../../net/read-turn';
import { WriteStallWatch } from '../../net/write-stall-watch';
import { KEEPALIVE_INITIAL_DELAY_MS } from '../../net/net-constants';
import { SendAdmission } from '../../net/send-admission';
import { CLOSE_GOING_AWAY, CLOSE_UNSUPPORTED_DATA } from './websocket-constants';

/**
 * Why a WebSocket connection ended. Besides the stream causes: `text_message` (the peer sent a
 * text message; closed with 1003), `oversize_message` (a message over HW_MTU; `ws` closed it with
 * 1009), `protocol_error` (a frame `ws` refused: bad opcode, unmasked client frame, bad UTF-8).
 */
export type WebSocketCloseReason =
  | 'remote'
  | 'idle_timeout'
  | 'write_stall'
  | 'partial_frame_timeout'
  | 'receive_budget'
  | 'blacklisted'
  | 'stopped'
  | 'text_message'
  | 'oversize_message'
  | 'protocol_error';

/** Messages a connection refused, by reason; summed over a listener's connections. */
export class MessageDrops {
  /** Text messages (each closes its connection with 1003). */
  textMessage = 0;
  /** Messages over HW_MTU (each closes its connection with 1009). */
  oversizeMessage = 0;
  /** Empty binary messages (dropped; the connection stays). */
  emptyMessage = 0;
  /** Frames `ws` refused as malformed (each closes its connection with 1002 or 1007). */
  protocolError = 0;

  /** The counts as `drops()` reports them. */
  read(): Record<string, number> {
    return {
      rx_text_message: this.textMessage,
      rx_message_oversize: this.oversizeMessage,
      rx_message_empty: this.emptyMessage,
      rx_protocol_error: this.protocolError,
    };
  }
}

/** What a {@link WebSocketConnection} needs from the interface that owns it. */
export interface WebSocketConnectionHost {
  readonly clock: Clock;
  readonly logger: Logger;
  /** The node-wide budgets; the connection holds a claim on each. */
  readonly buffers: BufferBudgets;
  /** Where refused messages are counted. */
  readonly messageDrops: MessageDrops;
  /** Coalesces each connection's messages of a turn into one socket write (one per server or client). */
  readonly flushQueue: FlushQueue<WebSocketConnection>;
  /** Bounds the reads of one event-loop turn (default: the process's). */
  readonly readTurn?: ReadTurn;
  /** The live write stall timeout (0 = off). */
  writeStallTimeoutMs(): number;
  /** The live idle timeout: close a connection that sent nothing this long (0 = off). */
  idleTimeoutMs(): number;
  /** The live deadline for an unfinished message (0 = off). */
  partialMessageTimeoutMs(): number;
  /** One binary message (one packet) arrived. */
  packetReceived(connection: WebSocketConnection, data: Buffer): void;
  /** The connection closed (called exactly once, after its socket closed). */
  connectionClosed(connection: WebSocketConnection): void;
}

/** The part of `ws`'s receiver the receive budget reads; absent fields read as 0. */
interface ReceiverState {
  readonly _bufferedBytes?: number;
  readonly _fragments?: readonly Buffer[];
}

/**
 * Bytes `ws` holds for the message being received: unparsed socket bytes (a frame not yet
 * complete) plus the fragments of a fragmented message. `ws` keeps them in private fields, read
 * here as the stall watch reads the socket's `writeQueueSize`; a test pins them to the `ws`
 * version installed.
 */
export function receiverHeldBytes(ws: WebSocket): number {
  const receiver = (ws as unknown as { _receiver?: ReceiverState })._receiver;
  if (receiver === undefined) return 0;
  let held = receiver._bufferedBytes ?? 0;
  const fragments = receiver._fragments;
  if (fragments !== undefined) for (const fragment of fragments) held += fragment.length;
  return held;
}

/** How every packet is sent: one binary, uncompressed message (one shared object, not one per send). */
const BINARY_MESSAGE = { binary: true, compress: false } as const;

/** The most a frame header adds to a binary message of up to HW_MTU bytes (2 + 8 length + 4 mask). */
const FRAME_OVERHEAD = 14;

/**
 * One open WebSocket (a server's peer or a client's connection), and its {@link Writer}: one
 * binary message is one Reticulum packet, no other framing.
 *
 * Receive: a binary message is handed on as a packet; a text message closes the connection with
 * 1003, and `ws` closes one over HW_MTU (`maxPayload`) with 1009; both are counted. What `ws`
 * holds of an unfinished message is claimed from the node-wide receive budget (which cuts the
 * largest holder when it is exceeded) and may be held for `partialMessageTimeoutMs` at most. Any
 * byte received exempts the connection from the idle timeout.
 *
 * Send: never blocks, never throws. Messages are written with the socket corked and leave in one
 * write when the host's {@link FlushQueue} runs: right after the received data that produced
 * them was relayed, or at the end of the turn. What `ws` has queued for the socket stays within
 * `MAX_PENDING_BYTES` (the budget of every stream connection) and what the node-wide send
 * budget grants, with their reserves for small frames (see {@link SendAdmission}); a packet beyond
 * either is refused with `buffer_full` and the connection stays up. A socket that takes no byte
 * for the write stall timeout is cut.
 *
 * `'close'` of the WebSocket is the one teardown path; timers run on the injected clock.
 */
export class WebSocketConnection implements Writer {
  /** When the connection opened (clock ms). */
  readonly connectedAt: number;
  /** Whether the peer has sent any byte since it opened. */
  hadReceivedData = false;
  /** Set once the connection is being closed, with the reason; the first reason wins. */
  closeReason: WebSocketCloseReason | null = null;
  /** Packets refused with `buffer_full`. */
  droppedPackets = 0;

  private readonly stallWatch: WriteStallWatch;
  private readonly sendClaim: SendClaim;
  private readonly admission: SendAdmission;
  private readonly receiveClaim: ReceiveClaim;
  private idleTimer: Timer | null = null;
  private partialTimer: Timer | null = null;
  /** Clock ms since when the connection has held an unfinished message, or -1. */
  private partialSince = -1;
  /** Messages received when {@link partialSince} was set: a completed message restarts the deadline. */
  private partialMark = 0;
  private messages = 0;
  private dropping = false;
  private closed = false;
  private corked = false;

  /**
   * @param ws - the open WebSocket (binary type is set to `nodebuffer`).
   * @param socket - its TCP socket, watched for write progress and incoming bytes.
   * @param host - the interface that owns the connection.
   */
  constructor(
    private readonly ws: WebSocket,
    private readonly socket: Socket,
    private readonly host: WebSocketConnectionHost,
  ) {
    this.connectedAt = host.clock.now();
    this.stallWatch = new WriteStallWatch(socket, host.clock, () => host.writeStallTimeoutMs(), this.onStall);
    this.sendClaim = host.buffers.send.claim();
    this.admission = new SendAdmission(this.sendClaim);
    this.receiveClaim = host.buffers.receive.claim(this.onReceiveBudgetEviction);
    // A peer that vanished without a FIN is found by TCP keepalive, as on a stream connection.
    socket.setKeepAlive(true, KEEPALIVE_INITIAL_DELAY_MS);
    ws.binaryType = 'nodebuffer';
    ws.on('message', this.onMessage);
    ws.on('error', this.onError);
    ws.once('close', this.onClose);
    // Around `ws`'s own listener: the packets a chunk carries are all relayed before any
    // connection writes (see FlushQueue), and the receive budget is updated once it was parsed.
    socket.prependListener('data', this.onSocketDataStart);
    socket.on('data', this.onSocketData);
    this.armIdleTimer();
  }

  /** Bytes queued for the socket and not yet taken by the kernel. */
  get pendingBytes(): number {
    return this.ws.bufferedAmount;
  }

  /** Whether the connection has closed. */
  get isClosed(): boolean {
    return this.closed;
  }

  send(packet: Uint8Array): WriteOutcome {
    if (this.closeReason !== null || this.ws.readyState !== WebSocket.OPEN) return 'offline';
    const pending = this.ws.bufferedAmount;
    const length = packet.length + FRAME_OVERHEAD;
    if (!this.admission.admit(pending, length)) return this.drop(pending);
    this.dropping = false;
    if (!this.corked) {
      this.corked = true;
      this.socket.cork();
      this.host.flushQueue.enqueue(this);
    }
    this.stallWatch.beforeWrite();
    try {
      this.ws.send(packet, BINARY_MESSAGE, this.onWritten);
    } catch (err) {
      // ws reports failures through the callback and 'error'; this only guards the never-throw contract.
      this.host.logger.debug('websocket send failed', { error: (err as Error).message });
      this.disconnect('remote');
      return 'offline';
    }
    this.stallWatch.afterWrite();
    this.sendClaim.update(this.ws.bufferedAmount);
    return 'accepted';
  }

  /** Writes out the messages of this turn in one socket write (called by the flush queue). */
  flush(): void {
    if (!this.corked) return;
    this.corked = false;
    this.socket.uncork();
  }

  /**
   * Closes the connection for `reason`: a polite close frame for `stopped` (1001) and
   * `text_message` (1003), bounded by `ws`'s close timeout; a cut socket for the rest. Events
   * follow on `'close'`.
   */
  disconnect(reason: WebSocketCloseReason): void {
    if (this.closeReason !== null) return;
    this.closeReason = reason;
    this.cancelTimers();
    this.sendClaim.release();
    this.receiveClaim.release();
    if (reason === 'stopped') this.ws.close(CLOSE_GOING_AWAY);
    else if (reason === 'text_message') this.ws.close(CLOSE_UNSUPPORTED_DATA);
    else this.ws.terminate();
  }

  /** Re-arms the idle, stall and unfinished-message timers after a live setting changed. */
  runtimeChanged(): void {
    if (this.closeReason !== null) return;
    this.armIdleTimer();
    this.stallWatch.timeoutChanged();
    this.armPartialTimer();
  }

  private drop(pending: number): WriteOutcome {
    this.droppedPackets++;
    if (!this.dropping) {
      this.dropping = true;
      this.host.logger.debug('websocket send budget full, dropping packets for it', {
        pendingBytes: pending,
      });
    }
    return 'buffer_full';
  }

  private readonly onWritten = (error?: Error | null): void => {
    this.stallWatch.written(error);
    if (this.closeReason === null) this.sendClaim.update(this.ws.bufferedAmount);
  };

  private readonly onMessage = (data: WebSocket.RawData, isBinary: boolean): void => {
    this.messages++;
    if (this.closeReason !== null) return;
    if (!isBinary) {
      this.host.messageDrops.textMessage++;
      this.host.logger.debug('websocket peer sent a text message, closing with 1003');
      this.disconnect('text_message');
      return;
    }
    // binaryType 'nodebuffer': a Buffer, fragments already joined.
    const packet = data as Buffer;
    if (packet.length === 0) {
      this.host.messageDrops.emptyMessage++;
      return;
    }
    this.host.packetReceived(this, packet);
  };

  private readonly onSocketDataStart = (): void => {
    this.host.flushQueue.hold();
  };

  private readonly onSocketData = (): void => {
    this.host.flushQueue.release();
    this.trackReceived();
    // The WebSocket, not its socket: its pause also holds the messages already parsed.
    (this.host.readTurn ?? ReadTurn.process).afterRead(this.ws);
  };

  /** After each socket read: the idle exemption, the receive claim, the unfinished-message deadline. */
  private trackReceived(): void {
    if (!this.hadReceivedData) {
      this.hadReceivedData = true;
      this.idleTimer?.cancel();
      this.idleTimer = null;
    }
    if (this.closeReason !== null) return;
    const held = receiverHeldBytes(this.ws);
    // May evict this connection (then closeReason is set) or another one.
    this.receiveClaim.update(held);
    if (held === 0 || this.closeReason !== null) {
      this.partialSince = -1;
      return;
    }
    if (this.partialSince < 0 || this.partialMark !== this.messages) {
      this.partialSince = this.host.clock.now();
      this.partialMark = this.messages;
      if (this.partialTimer === null) this.armPartialTimer();
    }
  }

  private armIdleTimer(): void {
    this.idleTimer?.cancel();
    this.idleTimer = null;
    const idleMs = this.host.idleTimeoutMs();
    if (this.hadReceivedData || idleMs <= 0 || this.closeReason !== null) return;
    const remaining = this.connectedAt + idleMs - this.host.clock.now();
    this.idleTimer = this.host.clock.setTimeout(this.onIdleTimeout, Math.max(0, remaining));
  }

  private armPartialTimer(): void {
    this.partialTimer?.cancel();
    this.partialTimer = null;
    const timeoutMs = this.host.partialMessageTimeoutMs();
    if (timeoutMs <= 0 || this.closeReason !== null || this.partialSince < 0) return;
    const remaining = this.partialSince + timeoutMs - this.host.clock.now();
    this.partialTimer = this.host.clock.setTimeout(this.onPartialDeadline, Math.max(0, remaining));
  }

  private readonly onPartialDeadline = (): void => {
    this.partialTimer = null;
    if (this.closeReason !== null || this.partialSince < 0) return;
    const timeoutMs = this.host.partialMessageTimeoutMs();
    if (timeoutMs <= 0) return;
    if (this.host.clock.now() - this.partialSince < timeoutMs) {
      this.armPartialTimer();
      return;
    }
    this.host.logger.info('websocket peer held an unfinished message too long, disconnecting', {
      heldBytes: receiverHeldBytes(this.ws),
      timeoutMs,
    });
    this.disconnect('partial_frame_timeout');
  };

  private readonly onIdleTimeout = (): void => {
    this.idleTimer = null;
    if (this.hadReceivedData || this.closeReason !== null) return;
    this.host.logger.info('websocket peer disconnected due to idle timeout');
    this.disconnect('idle_timeout');
  };

  private readonly onStall = (stallMs: number): void => {
    if (this.closeReason !== null) return;
    this.host.logger.warn('websocket peer disconnected due to write stall timeout', {
      timeoutMs: stallMs,
      pendingBytes: this.ws.bufferedAmount,
    });
    this.disconnect('write_stall');
  };

  private readonly onReceiveBudgetEviction = (): void => {
    if (this.closeReason !== null) return;
    this.host.logger.warn(
      'receive buffer budget exceeded, disconnecting the peer with the largest unfinished message',
      {
        heldBytes: receiverHeldBytes(this.ws),
      },
    );
    this.disconnect('receive_budget');
  };

  private readonly onError = (err: Error & { code?: string }): void => {
    // 'close' always follows; the error explains it. ws has sent the close frame (1009, 1002, 1007).
    if (err.code === 'WS_ERR_UNSUPPORTED_MESSAGE_LENGTH') {
      this.host.messageDrops.oversizeMessage++;
      this.closeReason ??= 'oversize_message';
    } else if (err.code !== undefined && err.code.startsWith('WS_ERR_')) {
      this.host.messageDrops.protocolError++;
      this.closeReason ??= 'protocol_error';
    }
    this.host.logger.debug('websocket error', { error: err.message, code: err.code ?? null });
  };

  private cancelTimers(): void {
    this.idleTimer?.cancel();
    this.idleTimer = null;
    this.partialTimer?.cancel();
    this.partialTimer = null;
    this.stallWatch.stop();
  }

  private readonly onClose = (): void => {
    if (this.closed) return;
    this.closed = true;
    this.closeReason ??= 'remote';
    this.cancelTimers();
    this.sendClaim.release();
    this.receiveClaim.release();
    this.socket.off('data', this.onSocketDataStart);
    this.socket.off('data', this.onSocketData);
    this.flush();
    this.host.connectionClosed(this);
  };
}
