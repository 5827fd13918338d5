/**
 * Messages between the socket benchmark's orchestrator (main thread) and its load-generator
 * worker threads.
 */

/**
 * What a worker does with the bytes the hub sends to one connection: discard them, count frames
 * (by their flags), count frames and sample their latency, or `route`: decode every frame and
 * count the link frames of the expected sender, the other senders' (misrouted) and others
 * (announces, proofs) apart, sampling latency (the transport benchmarks).
 */
export type ReceiveMode = 'discard' | 'count' | 'latency' | 'route';

/** One connection a worker opens to the hub. */
export interface ConnectionSpec {
  /** Sender id when this connection sends, else null. */
  senderId: number | null;
  /** How received bytes are handled. */
  receive: ReceiveMode;
  /** A sender's 19-byte link packet header: it sends link frames (bench-frames.ts). */
  linkHeader?: Uint8Array;
  /** `route` receivers: the one sender whose frames should reach this connection. */
  expectSender?: number;
}

/** Start-up data of a load worker. */
export interface LoadWorkerData {
  /** Hub port on 127.0.0.1. */
  port: number;
  /** `process.hrtime.bigint()` at the start of the run: the shared clock of timestamps. */
  epochNs: bigint;
  /** Connections to open. */
  connections: ConnectionSpec[];
  /** Frames per write (saturating senders). */
  batchFrames: number;
}

/** Commands from the orchestrator. */
export type WorkerCommand =
  | { cmd: 'warm' }
  | { cmd: 'reset' }
  | { cmd: 'send'; durationMs: number; maxFramesPerSender: number; ratePerSender: number }
  | { cmd: 'report' }
  /** Writes bytes (HDLC frames) on connection `connection` of this worker (a trace's setup). */
  | { cmd: 'write'; connection: number; bytes: Uint8Array }
  | { cmd: 'close' };

/** Receive-side counters of a worker. */
export interface WorkerReport {
  /** Frames written so far by this worker's senders (the current or last send command). */
  txFrames: number;
  /** Frames counted on receiving connections (flags / 2). */
  rxFrames: number;
  /** Bytes received on all connections. */
  rxBytes: number;
  /** Run-clock microseconds of the last received byte, or 0. */
  lastRxUs: number;
  /** Latency histogram (latency connections only), else null. */
  histogram: Uint32Array | null;
  /** Frames whose timestamp straddled a read and was not sampled. */
  unsampled: number;
  /** Connections the hub closed. */
  closedByHub: number;
  /** `route` receivers: frames of a sender other than the expected one. */
  misrouted: number;
  /** `route` receivers: frames that are not the generator's (announces, proofs...). */
  foreign: number;
}

/** Events from a worker. */
export type WorkerEvent =
  | { ev: 'connected'; connected: number; failed: number }
  | { ev: 'warmed'; receiving: number }
  | { ev: 'sent'; frames: number; startUs: number; endUs: number }
  | ({ ev: 'report' } & WorkerReport)
  | { ev: 'error'; message: string };
