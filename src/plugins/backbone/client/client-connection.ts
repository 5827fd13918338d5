import * as net from 'node:net';
import { HdlcDecoder, frameInto, framedLength } from '../../../core/hdlc';
import { WriteOutcome, Writer } from '../../../core/writer';
import { closeSocket } from './connect-attempt';

/**
 * Bound on the bytes a client connection holds for its socket (our batch plus Node's write
 * queue), as the server's per-peer budget: beyond it packets are refused with `buffer_full`
 * rather than queued without bound.
 */
export const CLIENT_MAX_PENDING_BYTES = 512 * 1024;

/** What a {@link ClientConnection} reports to its owner. */
export interface ClientConnectionHandlers {
  /** One deframed packet. */
  onFrame(frame: Buffer): void;
  /**
   * The connection ended by itself (EOF or a socket error), reported once; `error` is the first
   * socket error, if any. Not called after {@link ClientConnection.close}.
   */
  onClosed(error: Error | undefined): void;
}

/** Keeps a late error from a closed socket from becoming an uncaught exception. */
const ignoreError = (): void => undefined;

/**
 * One established client socket: a fresh HDLC decoder for what arrives, a batching writer for
 * what leaves. A reconnect makes a new connection (and so a new writer and decoder); the writer
 * of a closed connection refuses everything with `offline`.
 */
export class ClientConnection {
  /** Sends packets on this socket only; `offline` once the connection has ended. */
  readonly writer: Writer;

  private readonly decoder = new HdlcDecoder();
  private open = true;
  private closedByOwner = false;
  private firstError: Error | undefined;
  // Packets accepted in this tick, framed together into one socket write at the end of it.
  private batch: Uint8Array[] = [];
  private batchBytes = 0;
  private flushScheduled = false;
  private closing: Promise<void> | undefined;

  /**
   * @param socket - a connected socket; the connection owns it from now on.
   * @param handlers - where frames and the end of the connection are reported.
   */
  constructor(
    private readonly socket: net.Socket,
    private readonly handlers: ClientConnectionHandlers,
  ) {
    this.writer = { send: (packet) => this.send(packet) };
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

  private send(packet: Uint8Array): WriteOutcome {
    if (!this.open) return 'offline';
    const length = framedLength(packet);
    const pending = this.batchBytes + this.socket.writableLength;
    // An empty buffer takes any single packet, so frames up to the HW_MTU (1 MiB) still pass.
    if (pending > 0 && pending + length > CLIENT_MAX_PENDING_BYTES) return 'buffer_full';
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
    for (const packet of this.batch) offset += frameInto(packet, out, offset);
    this.batch = [];
    this.batchBytes = 0;
    this.socket.write(out);
  };

  private readonly onData = (chunk: Buffer): void => {
    if (!this.open) return;
    this.decoder.push(chunk, (frame) => {
      // The owner may close the connection from inside onFrame; drop the rest of the chunk.
      if (this.open) this.handlers.onFrame(frame);
    });
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
    if (!this.closedByOwner) this.handlers.onClosed(this.firstError);
  };

  private markClosed(): void {
    this.open = false;
    this.batch = [];
    this.batchBytes = 0;
  }
}
