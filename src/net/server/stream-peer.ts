import { Socket } from 'node:net';
import { BufferBudgets, ReceiveClaim, SendClaim } from '../../core/buffer-budgets';
import { Clock, Timer } from '../../core/clock';
import { FrameDecoder, FrameDecoderStats } from '../../core/frame-decoder';
import { InterfaceId } from '../../core/interface-id';
import { Logger } from '../../core/logger';
import { WriteOutcome, Writer } from '../../core/writer';
import { AbuseSettings } from '../abuse/abuse-settings';
import { EARLY_FLUSH_BYTES } from '../net-constants';
import { SendAdmission, SendRefusalCounts } from '../send-admission';
import { StreamLink } from '../stream-link';
import { FlushQueue } from './flush-queue';
import { FrameArena } from './frame-arena';
import { ReadTurn } from '../read-turn';
import { WriteStallWatch } from '../write-stall-watch';
import { ServerRuntime } from './server-config';

/** The decoder statistics of a peer that never sent a byte (it has no decoder yet). */
const NOTHING_DECODED: Readonly<FrameDecoderStats> = Object.freeze({
  frames: 0,
  droppedShort: 0,
  droppedOversize: 0,
  discardedBytes: 0,
  overflows: 0,
});

/** The send refusals of a peer that was never sent a packet. */
const NOTHING_REFUSED: Readonly<SendRefusalCounts> = Object.freeze({
  peerLarge: 0,
  peerSmall: 0,
  nodeLarge: 0,
  nodeSmall: 0,
});

/** Placeholder for the callbacks a peer makes when it first needs them. */
function nothing(): void {}

/**
 * The peer a socket belongs to. The socket listeners are shared functions that find their peer
 * here (as `ws` does), so a connection carries no closures of its own.
 */
const kPeer = Symbol('StreamPeer');

/** A peer's socket, marked with its peer. */
interface PeerSocket extends Socket {
  [kPeer]: StreamPeer;
}

/**
 * Why a peer connection ended: the cause `peer.disconnected` reports, and the basis of what the
 * behaviour tracker is told. `receive_budget`: the node-wide budget for unfinished
 * frames was exceeded and this peer held the largest one.
 */
export type PeerCloseReason =
  | 'remote'
  | 'idle_timeout'
  | 'write_stall'
  | 'partial_frame_timeout'
  | 'receive_budget'
  | 'blacklisted'
  | 'stopped';

/** What a peer needs from the server that accepted it. */
export interface StreamPeerHost {
  /** How the server's links are framed (the peer's decoder and keepalive follow it). */
  readonly link: StreamLink;
  /** The longest frame a peer may send: the link's HW_MTU plus the interface access code. */
  readonly maxFrameLength: number;
  /** The live settings (read on every decision, so runtime changes apply at once). */
  readonly runtime: Readonly<ServerRuntime>;
  /** The live abuse-defence settings (the unfinished-frame deadline is read from here). */
  readonly abuse: Readonly<AbuseSettings>;
  /** The node-wide buffer budgets; the peer holds a claim on each. */
  readonly buffers: BufferBudgets;
  readonly clock: Clock;
  readonly logger: Logger;
  /** Where peers queue their flushes (one per server). */
  readonly flushQueue: FlushQueue<StreamPeer>;
  /** Frames packets, shared by the server's peers so a relayed packet is framed once (optional). */
  readonly frameArena?: FrameArena;
  /** Bounds the reads of one event-loop turn (default: the process's). */
  readonly readTurn?: ReadTurn;
  /** One deframed packet arrived from `peer`. */
  frameReceived(peer: StreamPeer, data: Buffer): void;
  /** `peer`'s socket closed (called exactly once). */
  peerClosed(peer: StreamPeer): void;
}

/**
 * One admitted connection of a stream server, and its {@link Writer}.
 *
 * Receive: one decoder of the link framing per peer; any received byte exempts the peer from the idle timeout.
 * An unfinished frame (opened, not closed) is bounded twice: a peer that holds one for
 * `partial_frame_timeout` has it discarded and is disconnected; and what its decoder retains is
 * claimed from the node-wide receive budget, which disconnects the largest holder when the
 * total is exceeded. A read that ends past the process's read budget for the event-loop turn
 * pauses the socket until the turn is over ({@link ReadTurn}), so a flood cannot hold the loop.
 *
 * Send: never blocks, never throws. Each packet is framed by the server's {@link FrameArena}
 * (once for all peers) and the peer's batch is the ranges of arena bytes it was given; the batch
 * leaves in a single `socket.write` when the server's {@link FlushQueue} runs: right after the
 * received chunk that produced the packets was relayed, or at the end of the turn for packets
 * from elsewhere. A batch that is one contiguous range (the usual case) is written as a view,
 * without a copy, while the socket has nothing queued; otherwise it is joined into a buffer of
 * its own, so a slow peer's queue never keeps more than one arena slab alive besides its own
 * bytes.
 *
 * Send budget: the peer's pending bytes (batch plus bytes queued in the socket) stay within
 * `MAX_PENDING_BYTES` and within what the node-wide send budget grants, each with a
 * reserve only small frames may use (see {@link SendAdmission}); a packet beyond either is
 * dropped for this peer and refused with `buffer_full` (counted by the driver, and here by
 * reason), and the peer stays connected: a reader that keeps draining is never disconnected. Only a write
 * stall is: while the socket holds unwritten bytes a {@link WriteStallWatch} runs, and a peer
 * whose kernel takes no byte for `write_stall_timeout` is disconnected.
 *
 * Timers come from the injected clock, never `socket.setTimeout` (our own writes would reset it).
 *
 * Memory: a backbone node holds thousands of peers that mostly sit idle, so a peer starts with its
 * socket listeners and a few fields only. The decoder and the receive claim come with the first
 * byte received, the send claim with the first packet sent, the stall watch and the write
 * callback with the first write; timer callbacks are made when a timer is armed.
 */
export class StreamPeer implements Writer {
  /** When the connection was admitted (clock ms). */
  readonly connectedAt: number;
  /** Whether the peer has sent any byte. */
  hadReceivedData = false;
  /** Set once the connection is being closed, with the reason. */
  closeReason: PeerCloseReason | null = null;
  /** Packets refused with `buffer_full` (dropped for this peer). */
  droppedPackets = 0;

  /** Made on the first received byte (see the class comment on memory). */
  private decoder: FrameDecoder | null = null;
  private readonly arena: FrameArena;
  /** The batch's last range of framed bytes, `rangeSlab[rangeStart, rangeEnd)`; null when empty. */
  private rangeSlab: Buffer | null = null;
  private rangeStart = 0;
  private rangeEnd = 0;
  /** Earlier ranges of the batch that the last one does not continue; null when there are none. */
  private parts: Buffer[] | null = null;
  private batchBytes = 0;
  private flushQueued = false;
  private idleTimer: Timer | null = null;
  /** Made with the first write, with {@link written}. */
  private stallWatch: WriteStallWatch | null = null;
  /** The socket write callback: progress for the stall watch, room in the send budget. */
  private written: (error?: Error | null) => void = nothing;
  private socketClosed = false;
  private sendClaim: SendClaim | null = null;
  /** Made with the send claim. */
  private admission: SendAdmission | null = null;
  private receiveClaim: ReceiveClaim | null = null;
  /** Hands the decoder's frames to the host (made with the decoder). */
  private frameSink: (data: Buffer) => void = nothing;
  /** Whether the last packet was refused (a drop episode is logged once). */
  private dropping = false;
  /** The decoder's `partialsStarted` when the current unfinished frame was first seen. */
  private partialSeen = 0;
  /** Clock ms when the current unfinished frame was first seen. */
  private partialSince = 0;
  private partialTimer: Timer | null = null;

  constructor(
    /** The peer's dynamic interface id. */
    readonly id: InterfaceId,
    /** The peer's normalised IP. */
    readonly ip: string,
    /** The peer's TCP port. */
    readonly port: number,
    private readonly socket: Socket,
    private readonly host: StreamPeerHost,
  ) {
    this.connectedAt = host.clock.now();
    this.arena = host.frameArena ?? new FrameArena(host.link.framing);
    socket.setNoDelay(true);
    socket.setKeepAlive(true, host.link.keepaliveInitialDelayMs);
    (socket as PeerSocket)[kPeer] = this;
    socket.on('data', StreamPeer.socketData);
    socket.on('error', StreamPeer.socketError);
    // A socket emits 'close' once; `on` spares the wrapper `once` would allocate per peer.
    socket.on('close', StreamPeer.socketClose);
    this.armIdleTimer();
  }

  /** What this peer's decoder dropped so far. */
  get decoderStats(): Readonly<FrameDecoderStats> {
    return this.decoder?.stats ?? NOTHING_DECODED;
  }

  /** Bytes accepted but not yet handed to the kernel: the batch plus the socket's queue. */
  get pendingBytes(): number {
    return this.batchBytes + this.socket.writableLength;
  }

  /**
   * Bytes of an unfinished received frame held by this peer's decoder (at most
   * `2 × HW_MTU`); for status output and robustness tests.
   */
  get receiveBufferedBytes(): number {
    return this.decoder?.bufferedBytes ?? 0;
  }

  /** Memory the decoder retains for the unfinished frame (what the receive budget counts). */
  get receiveRetainedBytes(): number {
    return this.decoder?.retainedBytes ?? 0;
  }

  /** Whether the socket has closed. */
  get closed(): boolean {
    return this.socketClosed;
  }

  send(packet: Uint8Array): WriteOutcome {
    if (this.closeReason !== null) return 'offline';
    const arena = this.arena;
    const length = arena.frame(packet);
    const pending = this.batchBytes + this.socket.writableLength;
    const admission = this.admission ?? this.startAdmission();
    if (!admission.admit(pending, length)) return this.drop(pending);
    this.dropping = false;
    if (arena.slab === this.rangeSlab && arena.start === this.rangeEnd) {
      // Framed right after this batch's last packet: the range just grows.
      this.rangeEnd = arena.end;
    } else {
      if (this.rangeSlab !== null) {
        (this.parts ??= []).push(this.rangeSlab.subarray(this.rangeStart, this.rangeEnd));
      }
      this.rangeSlab = arena.slab;
      this.rangeStart = arena.start;
      this.rangeEnd = arena.end;
    }
    this.batchBytes += length;
    if (this.batchBytes >= EARLY_FLUSH_BYTES) {
      this.writeBatch();
    } else if (!this.flushQueued) {
      this.flushQueued = true;
      this.host.flushQueue.enqueue(this);
    }
    return 'accepted';
  }

  /** The first packet sent: the send claim and the admission to the send queue. */
  private startAdmission(): SendAdmission {
    const claim = this.host.buffers.send.claim();
    this.sendClaim = claim;
    this.admission = new SendAdmission(claim);
    return this.admission;
  }

  /** Packets refused for this peer so far, by budget and size. */
  get sendRefusals(): Readonly<SendRefusalCounts> {
    return this.admission?.refused ?? NOTHING_REFUSED;
  }

  /** Refuses a packet for this peer: counted, logged once per run of refusals. */
  private drop(pending: number): WriteOutcome {
    this.droppedPackets++;
    if (!this.dropping) {
      this.dropping = true;
      this.host.logger.debug('peer send budget full, dropping packets for it', {
        peer: this.id,
        ip: this.ip,
        pendingBytes: pending,
      });
    }
    return 'buffer_full';
  }

  /** Writes the batch out in one socket write (called by the flush queue). */
  flush(): void {
    this.flushQueued = false;
    this.writeBatch();
  }

  private writeBatch(): void {
    const slab = this.rangeSlab;
    if (slab === null || this.closeReason !== null) return;
    const last = this.arena.view(slab, this.rangeStart, this.rangeEnd);
    let out: Buffer;
    if (this.parts === null) {
      // Zero copy while the kernel is likely to take it all. Behind queued bytes the write will
      // wait, and a view would keep its whole slab alive that long: copy out what is ours.
      out = this.socket.writableLength === 0 ? last : Buffer.from(last);
    } else {
      this.parts.push(last);
      out = Buffer.concat(this.parts, this.batchBytes);
    }
    this.clearBatch();
    const stallWatch = this.stallWatch ?? this.startStallWatch();
    stallWatch.beforeWrite();
    try {
      this.socket.write(out, this.written);
    } catch (err) {
      // Node reports write failures through 'error'; this only guards the never-throw contract.
      this.host.logger.debug('peer write failed', { peer: this.id, error: (err as Error).message });
      this.disconnect('remote');
      return;
    }
    stallWatch.afterWrite();
    this.sendClaim?.update(this.socket.writableLength);
  }

  /** The first write: its stall watch and write callback. */
  private startStallWatch(): WriteStallWatch {
    const stallWatch = new WriteStallWatch(
      this.socket,
      this.host.clock,
      () => this.host.runtime.writeStallTimeoutMs,
      (stallMs) => this.stalled(stallMs),
    );
    this.stallWatch = stallWatch;
    this.written = (error?: Error | null): void => {
      stallWatch.written(error);
      if (this.closeReason === null) this.sendClaim?.update(this.batchBytes + this.socket.writableLength);
    };
    return stallWatch;
  }

  private clearBatch(): void {
    this.rangeSlab = null;
    this.parts = null;
    this.batchBytes = 0;
  }

  /** Closes the connection for `reason` (the first reason wins); events follow on 'close'. */
  disconnect(reason: PeerCloseReason): void {
    if (this.closeReason !== null) return;
    this.closeReason = reason;
    this.clearBatch();
    this.cancelTimers();
    this.sendClaim?.release();
    this.receiveClaim?.release();
    this.socket.destroy();
  }

  /** Re-arms the idle, stall and unfinished-frame timers after a runtime setting changed. */
  runtimeChanged(): void {
    if (this.closeReason !== null) return;
    this.armIdleTimer();
    this.stallWatch?.timeoutChanged();
    this.armPartialTimer();
  }

  private armIdleTimer(): void {
    this.idleTimer?.cancel();
    this.idleTimer = null;
    const idleMs = this.host.runtime.idleTimeoutMs;
    if (this.hadReceivedData || idleMs <= 0 || this.closeReason !== null) return;
    const remaining = this.connectedAt + idleMs - this.host.clock.now();
    this.idleTimer = this.host.clock.setTimeout(() => this.idleTimeout(), Math.max(0, remaining));
  }

  private cancelTimers(): void {
    this.idleTimer?.cancel();
    this.idleTimer = null;
    this.partialTimer?.cancel();
    this.partialTimer = null;
    this.stallWatch?.stop();
  }

  private static socketData(this: PeerSocket, chunk: Buffer): void {
    this[kPeer].received(chunk);
  }

  private static socketError(this: PeerSocket, err: Error): void {
    // 'close' always follows; the error only explains it.
    const peer = this[kPeer];
    peer.host.logger.debug('peer socket error', { peer: peer.id, ip: peer.ip, error: err.message });
  }

  private static socketClose(this: PeerSocket): void {
    this[kPeer].afterClose();
  }

  /** A chunk from the socket. */
  private received(chunk: Buffer): void {
    if (!this.hadReceivedData) {
      this.hadReceivedData = true;
      this.idleTimer?.cancel();
      this.idleTimer = null;
    }
    if (this.closeReason !== null) return;
    // Every frame of the chunk is relayed before any peer writes, then each peer the chunk
    // produced frames for writes them in one go, still inside this callback (see FlushQueue).
    const decoder = this.decoder ?? this.startDecoder();
    const flushQueue = this.host.flushQueue;
    flushQueue.hold();
    try {
      decoder.push(chunk, this.frameSink);
    } finally {
      flushQueue.release();
    }
    this.trackPartialFrame(decoder);
    (this.host.readTurn ?? ReadTurn.process).afterRead(this.socket);
  }

  /** The first received byte: the decoder, its frame callback and the receive claim. */
  private startDecoder(): FrameDecoder {
    // Socket chunks are fresh buffers nobody reads after the decoder: unescape them in place.
    const decoder = this.host.link.framing.createDecoder({
      hwMtu: this.host.maxFrameLength,
      unescapeInPlace: true,
    });
    this.decoder = decoder;
    this.frameSink = (data: Buffer): void => {
      if (this.closeReason === null) this.host.frameReceived(this, data);
    };
    this.receiveClaim = this.host.buffers.receive.claim(() => this.evictedForReceiveBudget());
    return decoder;
  }

  /**
   * After each chunk: tells the receive budget what the decoder retains (which may evict this
   * peer or another), and starts the deadline when a new unfinished frame appeared. A chunk that
   * changes neither costs two comparisons.
   */
  private trackPartialFrame(decoder: FrameDecoder): void {
    if (this.closeReason !== null) {
      // Closed while relaying this chunk (a penalty, say): whatever the decoder kept goes too.
      decoder.reset();
      return;
    }
    // May evict this peer (then the decoder is empty) or another one.
    this.receiveClaim?.update(decoder.retainedBytes);
    if (decoder.bufferedBytes === 0 || decoder.partialsStarted === this.partialSeen) return;
    this.partialSeen = decoder.partialsStarted;
    this.partialSince = this.host.clock.now();
    // One timer per deadline, not per frame: a running one re-arms itself for the frame it finds.
    if (this.partialTimer === null) this.armPartialTimer();
  }

  private armPartialTimer(): void {
    this.partialTimer?.cancel();
    this.partialTimer = null;
    const timeoutMs = this.host.abuse.partialFrameTimeoutMs;
    if (timeoutMs <= 0 || this.closeReason !== null || this.receiveBufferedBytes === 0) return;
    const remaining = this.partialSince + timeoutMs - this.host.clock.now();
    this.partialTimer = this.host.clock.setTimeout(() => this.partialDeadline(), Math.max(0, remaining));
  }

  private partialDeadline(): void {
    this.partialTimer = null;
    const decoder = this.decoder;
    if (this.closeReason !== null || decoder === null || decoder.bufferedBytes === 0) return;
    const timeoutMs = this.host.abuse.partialFrameTimeoutMs;
    if (timeoutMs <= 0) return;
    if (this.host.clock.now() - this.partialSince < timeoutMs) {
      this.armPartialTimer();
      return;
    }
    this.host.logger.info('peer held an unfinished frame too long, disconnecting', {
      peer: this.id,
      ip: this.ip,
      bufferedBytes: decoder.bufferedBytes,
      timeoutMs,
    });
    decoder.reset();
    this.disconnect('partial_frame_timeout');
  }

  /** The node-wide receive budget was exceeded and this peer holds the largest unfinished frame. */
  private evictedForReceiveBudget(): void {
    if (this.closeReason !== null) return;
    this.host.logger.warn(
      'receive buffer budget exceeded, disconnecting the peer with the largest unfinished frame',
      {
        peer: this.id,
        ip: this.ip,
        bufferedBytes: this.receiveBufferedBytes,
      },
    );
    this.decoder?.reset();
    this.disconnect('receive_budget');
  }

  private idleTimeout(): void {
    this.idleTimer = null;
    if (this.hadReceivedData || this.closeReason !== null) return;
    this.host.logger.info('peer disconnected due to idle timeout', { peer: this.id, ip: this.ip });
    this.disconnect('idle_timeout');
  }

  private stalled(stallMs: number): void {
    if (this.closeReason !== null) return;
    this.host.logger.warn('peer disconnected due to write stall timeout', {
      peer: this.id,
      ip: this.ip,
      timeoutMs: stallMs,
      pendingBytes: this.socket.writableLength,
    });
    this.disconnect('write_stall');
  }

  /** The socket closed. */
  private afterClose(): void {
    this.socketClosed = true;
    if (this.closeReason === null) this.closeReason = 'remote';
    this.cancelTimers();
    this.clearBatch();
    this.decoder?.reset();
    this.sendClaim?.release();
    this.receiveClaim?.release();
    this.host.peerClosed(this);
  }
}
