import { isatty } from 'node:tty';
import { Writable } from 'node:stream';
import SonicBoom from 'sonic-boom';

/** How many bytes of log lines may wait for a slow destination before lines are dropped (1 MiB). */
export const DEFAULT_MAX_BUFFERED_LOG_BYTES = 1024 * 1024;

/** What the node reports about its log output. */
export interface LogOutputStats {
  /** Lines dropped because the destination did not keep up (or failed). */
  readonly droppedLines: number;
}

/**
 * Where log lines go: written without waiting, and dropped rather than queued without bound. A
 * destination that stops reading (a pipe nobody drains, a terminal paused with Ctrl-S) costs at
 * most `maxBufferedBytes` of memory; past that, whole lines are dropped and counted, and the node
 * carries on relaying. After a write error (EPIPE: the reader went away) every later line is
 * dropped.
 *
 * Node writes process.stdout without blocking when it is a pipe or socket (the bytes wait in
 * the stream, which `writableLength` measures) but synchronously when it is a terminal, so a
 * terminal is written through {@link LogOutput.descriptor} instead: from libuv's thread pool,
 * where a write that blocks holds up a pool thread and not the event loop.
 */
export class LogOutput implements LogOutputStats {
  private dropped = 0;
  private failed = false;
  private readonly send: (line: string) => void;

  /** Writes to `stream`, dropping lines while it holds more than `maxBufferedBytes`. */
  constructor(stream: Writable | SonicBoom, maxBufferedBytes = DEFAULT_MAX_BUFFERED_LOG_BYTES) {
    stream.on('error', () => {
      this.failed = true;
    });
    if (stream instanceof SonicBoom) {
      // SonicBoom drops a line past its maxLength itself and says so.
      stream.on('drop', () => {
        this.dropped += 1;
      });
      this.send = (line) => stream.write(line);
    } else {
      this.send = (line) => {
        if (stream.destroyed || stream.writableLength + line.length > maxBufferedBytes) this.dropped += 1;
        else stream.write(line);
      };
    }
  }

  /** The process's stdout (as Python RNS logs to stdout). */
  static stdout(maxBufferedBytes?: number): LogOutput {
    return isatty(1)
      ? LogOutput.descriptor(1, maxBufferedBytes)
      : new LogOutput(process.stdout, maxBufferedBytes);
  }

  /** An open file descriptor, written asynchronously from libuv's thread pool even when it blocks. */
  static descriptor(fd: number, maxBufferedBytes = DEFAULT_MAX_BUFFERED_LOG_BYTES): LogOutput {
    return new LogOutput(new SonicBoom({ fd, sync: false, maxLength: maxBufferedBytes }), maxBufferedBytes);
  }

  /** Lines dropped so far. */
  get droppedLines(): number {
    return this.dropped;
  }

  /** Queues one line (with its newline); drops and counts it when the destination is behind. */
  write(line: string): void {
    if (this.failed) {
      this.dropped += 1;
      return;
    }
    this.send(line);
  }
}
