/** Where a command writes: normal output and diagnostics, one line (or block) per call. */
export interface CliIo {
  /** Writes `text` and a newline to standard output. */
  out(text: string): void;
  /** Writes `text` and a newline to standard error. */
  err(text: string): void;
}

/** The process's stdout and stderr. */
export const processIo: CliIo = {
  out: (text) => void process.stdout.write(`${text}\n`),
  err: (text) => void process.stderr.write(`${text}\n`),
};

/** Exit codes of `rns-net`. */
export const ExitCode = {
  /** Success. */
  Ok: 0,
  /** The node reported an error, no node runs, or the node failed to start. */
  Error: 1,
  /** Bad arguments. */
  Usage: 2,
} as const;

/** One of the {@link ExitCode} values. */
export type ExitCode = (typeof ExitCode)[keyof typeof ExitCode];

/** Ends a command with an exit code and a message for standard error. */
export class CliExit extends Error {
  constructor(
    /** The process exit code. */
    readonly exitCode: ExitCode,
    message: string,
  ) {
    super(message);
    this.name = 'CliExit';
  }
}
