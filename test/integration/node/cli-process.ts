import { ChildProcess, execFile, execFileSync, spawn } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';

const ROOT = path.resolve(__dirname, '../../..');
const CLI = path.join(ROOT, 'dist/src/cli/main.js');

/** Newest modification time of any .ts file under `dir`. */
function newestSource(dir: string): number {
  let newest = 0;
  for (const name of readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, name.name);
    if (name.isDirectory()) newest = Math.max(newest, newestSource(full));
    else if (name.name.endsWith('.ts')) newest = Math.max(newest, statSync(full).mtimeMs);
  }
  return newest;
}

/**
 * The built CLI entry point. CI builds before testing; locally a missing or stale build is
 * rebuilt once (as `npm run build` does), because a built CLI starts in ~0.1 s where ts-node
 * needs seconds per process.
 */
export function builtCli(): string {
  if (!existsSync(CLI) || statSync(CLI).mtimeMs < newestSource(path.join(ROOT, 'src'))) {
    execFileSync(
      process.execPath,
      [path.join(ROOT, 'node_modules/typescript/bin/tsc'), '-p', 'tsconfig.json'],
      {
        cwd: ROOT,
        stdio: 'inherit',
      },
    );
  }
  return CLI;
}

/** What a finished CLI command printed and its exit code. */
export interface CliResult {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs `rns-net ...args` to completion. HOME points at `home` so nothing touches the real one. */
export function rnsNet(home: string, ...args: string[]): Promise<CliResult> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [builtCli(), ...args],
      { env: { ...process.env, HOME: home }, timeout: 15000 },
      (error, stdout, stderr) => {
        const code = error === null ? 0 : typeof error.code === 'number' ? error.code : -1;
        resolve({ code, stdout, stderr });
      },
    );
  });
}

/** Polls `status` until the node answers (bounded), returning the last exit code. */
export async function waitForStatus(home: string, dir: string): Promise<number> {
  let code = -1;
  for (let i = 0; i < 50 && code !== 0; i++) code = (await rnsNet(home, 'status', '--config', dir)).code;
  return code;
}

/** A `rns-net run` child process and its JSON log lines. */
export class NodeProcess {
  readonly logs: Record<string, unknown>[] = [];
  stderr = '';
  readonly exited: Promise<number | null>;
  private buffer = '';
  private readonly waiters: (() => void)[] = [];

  private constructor(readonly child: ChildProcess) {
    child.stdout?.setEncoding('utf8');
    child.stderr?.setEncoding('utf8');
    child.stdout?.on('data', (text: string) => {
      this.buffer += text;
      let nl;
      while ((nl = this.buffer.indexOf('\n')) !== -1) {
        const line = this.buffer.slice(0, nl);
        this.buffer = this.buffer.slice(nl + 1);
        try {
          this.logs.push(JSON.parse(line) as Record<string, unknown>);
        } catch {
          this.logs.push({ msg: line, unparsed: true });
        }
      }
      this.wake();
    });
    child.stderr?.on('data', (text: string) => {
      this.stderr += text;
    });
    this.exited = new Promise((resolve) =>
      child.on('exit', (code) => {
        this.wake();
        resolve(code);
      }),
    );
  }

  /**
   * Spawns `rns-net run --config dir --log-format json --no-warm-up ...extra` (the warm-up only
   * delays start-up here; {@link spawnWarm} keeps it).
   */
  static spawn(home: string, dir: string, ...extra: string[]): NodeProcess {
    return NodeProcess.spawnWithStdout(home, dir, 'pipe', '--no-warm-up', ...extra);
  }

  /** Spawns `rns-net run --config dir --log-format json ...extra`, warm-up included. */
  static spawnWarm(home: string, dir: string, ...extra: string[]): NodeProcess {
    return NodeProcess.spawnWithStdout(home, dir, 'pipe', ...extra);
  }

  /**
   * Spawns `rns-net run` as {@link spawn} does, with its stdout on `stdout` (a file descriptor
   * the test holds); {@link logs} stays empty unless it is `'pipe'`.
   */
  static spawnWithStdout(
    home: string,
    dir: string,
    stdout: number | 'pipe',
    ...extra: string[]
  ): NodeProcess {
    const child = spawn(
      process.execPath,
      [builtCli(), 'run', '--config', dir, '--log-format', 'json', ...extra],
      {
        env: { ...process.env, HOME: home },
        stdio: ['ignore', stdout, 'pipe'],
      },
    );
    return new NodeProcess(child);
  }

  /** Resolves with the first log record matching, or rejects when the process exits first or after `ms`. */
  async waitForLog(
    match: (r: Record<string, unknown>) => boolean,
    ms = 10000,
  ): Promise<Record<string, unknown>> {
    const deadline = Date.now() + ms;
    for (;;) {
      const found = this.logs.find(match);
      if (found !== undefined) return found;
      if (this.child.exitCode !== null || this.child.signalCode !== null) {
        throw new Error(
          `node exited (${this.child.exitCode}) before the expected log line; stderr: ${this.stderr}`,
        );
      }
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`no matching log line within ${ms} ms`);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, left);
        this.waiters.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
  }

  /** Waits until the node says it is running. */
  running(): Promise<Record<string, unknown>> {
    return this.waitForLog((r) => r.msg === 'node running');
  }

  /** Kills the process if it still runs (test cleanup). */
  kill(): void {
    if (this.child.exitCode === null && this.child.signalCode === null) this.child.kill('SIGKILL');
  }

  private wake(): void {
    for (const waiter of this.waiters.splice(0)) waiter();
  }
}

/**
 * A config with one BackboneInterface server per given name and port on 127.0.0.1, forwarding as
 * the flood relay unless `forwarding` says `transport`.
 */
export function backboneServerConfig(
  servers: readonly { name: string; port: number }[],
  loglevel = 5,
  forwarding: 'flood' | 'transport' = 'flood',
): string {
  const sections = servers.map(
    (s) =>
      `  [[${s.name}]]\n    type = BackboneInterface\n    enabled = yes\n    listen_ip = 127.0.0.1\n    listen_port = ${s.port}\n`,
  );
  const reticulum = forwarding === 'flood' ? 'relay_mode = flood' : 'enable_transport = yes';
  return `[reticulum]\n  ${reticulum}\n\n[logging]\n  loglevel = ${loglevel}\n\n[interfaces]\n${sections.join('')}`;
}
