/**
 * A one-off Python RNS node for the Backbone interop tests: a Reticulum config and a short
 * script written to a temporary directory, run with the interpreter {@link findPythonRns} found.
 * The script talks to the test through plain stdout lines (`READY`, `RXB ...`).
 */
import { ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PythonRns } from '../../../helpers/python-rns-locator';

/** A running Python node; {@link stop} kills it and removes its directory. */
export interface PythonNode {
  /** The Python process (stdout piped for {@link lineFrom}, stderr inherited). */
  readonly process: ChildProcess;
  /** Kills the process, waits for it to exit and removes the config directory. */
  stop(): Promise<void>;
}

/**
 * Starts `script` with the config directory as its only argument. The config is a Reticulum
 * config without transport or shared instance, logging at warning level, holding `interfaces`
 * (the `[[...]]` subsections, already indented).
 */
export function startPythonNode(rns: PythonRns, interfaces: readonly string[], script: string): PythonNode {
  const configDir = mkdtempSync(join(tmpdir(), 'rns-net-python-node-'));
  writeFileSync(
    join(configDir, 'config'),
    [
      '[reticulum]',
      '  enable_transport = False',
      '  share_instance = No',
      '[logging]',
      '  loglevel = 2',
      '[interfaces]',
      ...interfaces,
      '',
    ].join('\n'),
  );
  writeFileSync(join(configDir, 'node.py'), script);
  const child = spawn(rns.python, [join(configDir, 'node.py'), configDir], {
    env: rns.env,
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  return {
    process: child,
    async stop() {
      if (child.exitCode === null && child.signalCode === null) {
        const exited = new Promise((resolve) => child.once('exit', resolve));
        child.kill();
        await exited;
      }
      rmSync(configDir, { recursive: true, force: true });
    },
  };
}

/** Resolves with the first complete stdout line of `child` starting with `prefix`, bounded in time. */
export function lineFrom(child: ChildProcess, prefix: string, timeoutMs: number): Promise<string> {
  return new Promise((resolve, reject) => {
    let buffered = '';
    const timer = setTimeout(
      () => finish(new Error(`no '${prefix}' from Python within ${timeoutMs} ms`)),
      timeoutMs,
    );
    const onData = (chunk: Buffer): void => {
      buffered += chunk.toString();
      // Only complete lines: a line may arrive split across chunks.
      const line = buffered
        .split('\n')
        .slice(0, -1)
        .find((l) => l.startsWith(prefix));
      if (line !== undefined) finish(undefined, line);
    };
    const onExit = (): void => finish(new Error(`Python exited before '${prefix}'`));
    function finish(error: Error | undefined, line?: string): void {
      clearTimeout(timer);
      child.stdout?.off('data', onData);
      child.off('exit', onExit);
      if (error !== undefined) reject(error);
      else resolve(line as string);
    }
    child.stdout?.on('data', onData);
    child.once('exit', onExit);
  });
}
