import { execFileSync } from 'node:child_process';
import { closeSync, constants, mkdtempSync, openSync, readSync, rmSync, writeSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

/**
 * A pipe (a FIFO, as a shell pipe) filled to capacity, whose reader reads nothing until told: the
 * "stdout on a pipe nobody reads" of a node run as `rns-net run | stuck-consumer`. POSIX only.
 */
export class FullPipe {
  private constructor(
    private readonly dir: string,
    private readonly readFd: number,
    /** A write end opened without O_NONBLOCK, as a shell hands a pipe to a process. */
    readonly blockingWriteFd: number,
    /** A write end with O_NONBLOCK. */
    readonly nonBlockingWriteFd: number,
  ) {}

  /** Makes the FIFO and fills it until a write would block. */
  static open(): FullPipe {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'rns-net-fifo-'));
    const fifo = path.join(dir, 'pipe');
    execFileSync('mkfifo', [fifo]);
    // Open the reader first (non-blocking, so the open does not wait for a writer), then the
    // writers; a blocking write end opens at once because a reader exists.
    const readFd = openSync(fifo, constants.O_RDONLY | constants.O_NONBLOCK);
    const nonBlockingWriteFd = openSync(fifo, constants.O_WRONLY | constants.O_NONBLOCK);
    const blockingWriteFd = openSync(fifo, constants.O_WRONLY);
    const pipe = new FullPipe(dir, readFd, blockingWriteFd, nonBlockingWriteFd);
    pipe.fill();
    return pipe;
  }

  /** Writes until the pipe is full (bounded: a Linux pipe holds 64 KiB by default, at most 1 MiB). */
  fill(): void {
    const chunk = Buffer.alloc(4096, 0x2e);
    for (let written = 0; written < 16 * 1024 * 1024; written += chunk.length) {
      try {
        writeSync(this.nonBlockingWriteFd, chunk);
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code === 'EAGAIN') return;
        throw err;
      }
    }
    throw new Error('the pipe never filled up');
  }

  /** Reads what the pipe holds now (without waiting); returns the text. */
  drain(): string {
    const parts: Buffer[] = [];
    const buffer = Buffer.alloc(65536);
    for (;;) {
      let n: number;
      try {
        n = readSync(this.readFd, buffer, 0, buffer.length, null);
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code === 'EAGAIN') break;
        throw err;
      }
      if (n === 0) break;
      parts.push(Buffer.from(buffer.subarray(0, n)));
    }
    return Buffer.concat(parts).toString('utf8');
  }

  /** Closes every end and removes the FIFO. */
  close(): void {
    for (const fd of [this.readFd, this.blockingWriteFd, this.nonBlockingWriteFd]) {
      try {
        closeSync(fd);
      } catch {
        // already closed
      }
    }
    rmSync(this.dir, { recursive: true, force: true });
  }
}
