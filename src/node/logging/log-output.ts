import { Writable } from 'node:stream';

/** How many bytes of log lines may wait for a slow destination before lines are dropped (1 MiB). */
export const DEFAULT_MAX_BUFFERED_LOG_BYTES = 1024 * 1024;

/** What the node reports about its log output. */
export interface LogOutputStats {
  /** Lines dropped because the destination did not keep up (or failed). */
  readonly droppedLines: number;
}

/**
 * Where log lines go: written without waiting, and dropped rather than queued without bound. A
 * destination that stops reading (a pipe nobody drains) costs at most `maxBufferedBytes` of
 * memory; past that, whole lines are dropped and counted, and the node carries on relaying.
 * After a write error (EPIPE: the reader went away) every later line is dropped.
 *
 * On stdout this relies on how Node writes there: to a pipe or socket through libuv without
 * blocking (the bytes wait in the stream, which `writableLength` measures), to a file
 * synchronously (a file takes what it is given). A terminal is written synchronously too, so a
 * terminal paused with flow control (Ctrl-S) pauses the node; run it under a service manager or
 * with its output piped for unattended use.
 */
export class LogOutput implements LogOutputStats {
  private dropped = 0;
  private failed = false;

  constructor(
    private readonly stream: Writable,
    private readonly maxBufferedBytes = DEFAULT_MAX_BUFFERED_LOG_BYTES,
  ) {
    stream.on('error', () => {
      this.failed = true;
    });
  }

  /** The process's stdout (as Python RNS logs to stdout). */
  static stdout(maxBufferedBytes?: number): LogOutput {
    return new LogOutput(process.stdout, maxBufferedBytes);
  }

  /** Lines dropped so far. */
  get droppedLines(): number {
    return this.dropped;
  }

  /** Queues one line (with its newline); drops and counts it when the destination is behind. */
  write(line: string): void {
    const stream = this.stream;
    if (this.failed || stream.destroyed || stream.writableLength + line.length > this.maxBufferedBytes) {
      this.dropped += 1;
      return;
    }
    stream.write(line);
  }
}
