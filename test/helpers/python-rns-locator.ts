/**
 * The one place tests find Python Reticulum (RNS), the wire reference. Every test that needs it
 * calls {@link findPythonRns} in its `before` hook and skips cleanly (mocha `this.skip()`) when
 * it resolves to undefined, so `npm test` passes on a machine without Python RNS.
 *
 * - `RNS_PYTHON_PATH` may point at an unpacked Reticulum source tree (the directory holding
 *   `RNS/`) or at the `RNS` package directory itself; it is put first on `PYTHONPATH`.
 * - Without it, an `RNS` the interpreter can already import is used.
 * - `RNS_PYTHON` overrides the interpreter (default `python3`).
 */
import { ChildProcess, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import * as path from 'node:path';

/** A Python interpreter that can `import RNS`, and the environment that makes it so. */
export interface PythonRns {
  /** The interpreter to run (`python3` unless `RNS_PYTHON` names another). */
  python: string;
  /**
   * Process environment for Python children: PYTHONPATH includes the RNS tree, output is
   * unbuffered (tests read it line by line) and no bytecode is written into the RNS tree.
   */
  env: NodeJS.ProcessEnv;
  /** Where `RNS/__init__.py` was found, for messages. */
  rnsModulePath: string;
  /** `RNS.__version__` as reported by the library. */
  version: string;
}

/** Bound on the import probe: a cold `import RNS` (cryptography and all) takes about a second. */
const PROBE_TIMEOUT_MS = 20_000;

let pythonRnsProbe: Promise<PythonRns | undefined> | undefined;

/**
 * Locates Python RNS (see the module comment for the variables it reads). Resolves to undefined
 * when nothing importable is found, so tests can skip. The probe runs once per process.
 */
export function findPythonRns(): Promise<PythonRns | undefined> {
  pythonRnsProbe ??= probePythonRns();
  return pythonRnsProbe;
}

async function probePythonRns(): Promise<PythonRns | undefined> {
  const python = process.env.RNS_PYTHON ?? 'python3';
  const env: NodeJS.ProcessEnv = { ...process.env, PYTHONUNBUFFERED: '1', PYTHONDONTWRITEBYTECODE: '1' };
  const configured = process.env.RNS_PYTHON_PATH;
  if (configured) {
    // Accept both the tree root and the package directory itself.
    const root =
      path.basename(path.resolve(configured)) === 'RNS' && existsSync(path.join(configured, '__init__.py'))
        ? path.dirname(path.resolve(configured))
        : path.resolve(configured);
    env.PYTHONPATH = env.PYTHONPATH ? `${root}${path.delimiter}${env.PYTHONPATH}` : root;
  }
  const probe = await runToCompletion(
    python,
    ['-c', 'import json, RNS; print(json.dumps({"file": RNS.__file__, "version": RNS.__version__}))'],
    env,
    PROBE_TIMEOUT_MS,
  );
  if (probe.code !== 0) return undefined;
  try {
    const parsed = JSON.parse(probe.stdout.trim().split('\n').pop() ?? '') as {
      file: string;
      version: string;
    };
    return { python, env, rnsModulePath: parsed.file, version: parsed.version };
  } catch {
    return undefined;
  }
}

interface Completed {
  code: number | null;
  stdout: string;
}

function runToCompletion(
  cmd: string,
  args: string[],
  env: NodeJS.ProcessEnv,
  timeoutMs: number,
): Promise<Completed> {
  return new Promise((resolve) => {
    let stdout = '';
    let child: ChildProcess;
    try {
      child = spawn(cmd, args, { env, stdio: ['ignore', 'pipe', 'ignore'] });
    } catch {
      resolve({ code: null, stdout });
      return;
    }
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.stdout?.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    // A missing interpreter surfaces as 'error' (ENOENT) and then no 'close' may follow.
    child.on('error', () => {
      clearTimeout(timer);
      resolve({ code: null, stdout });
    });
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout });
    });
  });
}
