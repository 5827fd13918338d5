import { expect } from 'chai';
import { ChildProcess, spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { systemClock } from '../../../src/core/clock';
import { startBackboneClient } from '../../../src/plugins/backbone/client/backbone-client';
import { StartedSingleInterface } from '../../../src/registry/interface-factory';
import {
  RecordingEventSink,
  RecordingLogger,
  clientConfig,
  clientRuntime,
  refusedPort,
  startContext,
} from '../../unit/plugins/backbone/client/client-fixtures';

// A Python RNS node with a BackboneInterface server; it announces a destination once our client
// is connected, then reports how many bytes it received from us.
const PYTHON_NODE = `
import sys, time, RNS
RNS.Reticulum(sys.argv[1])
print("READY", flush=True)
peer = None
deadline = time.time() + 10
while peer is None and time.time() < deadline:
    peer = next((i for i in RNS.Transport.interfaces if getattr(i, "parent_interface", None) is not None), None)
    time.sleep(0.02)
if peer is None:
    print("NOPEER", flush=True)
    sys.exit(1)
RNS.Destination(RNS.Identity(), RNS.Destination.IN, RNS.Destination.SINGLE, "rnsnet", "interop").announce()
deadline = time.time() + 10
while peer.rxb == 0 and time.time() < deadline:
    time.sleep(0.02)
print("RXB", peer.rxb, flush=True)
time.sleep(30)
`;

/** PYTHONPATH for Python RNS: RNS_PYTHON_PATH, or '' when `import RNS` works as is, else null. */
function locatePythonRns(): string | null {
  const path = process.env.RNS_PYTHON_PATH ?? '';
  const probe = spawnSync('python3', ['-c', 'import RNS'], {
    env: { ...process.env, PYTHONPATH: path },
    timeout: 10_000,
  });
  return probe.status === 0 ? path : null;
}

/** Resolves with the first stdout line of `child` that starts with `prefix`, bounded in time. */
function lineFrom(child: ChildProcess, prefix: string, timeoutMs: number): Promise<string> {
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

describe('Backbone client against a Python RNS BackboneInterface server', function () {
  this.timeout(30_000);
  let pythonPath: string | null = null;
  let python: ChildProcess | undefined;
  let configDir: string | undefined;
  let client: StartedSingleInterface | undefined;

  before(function () {
    pythonPath = locatePythonRns();
    // Optional external tool: skip cleanly without Python RNS (set RNS_PYTHON_PATH to run).
    if (pythonPath === null) this.skip();
  });

  afterEach(async () => {
    await client?.stop();
    if (python !== undefined && python.exitCode === null) {
      const exited = new Promise((resolve) => python?.once('exit', resolve));
      python.kill();
      await exited;
    }
    if (configDir !== undefined) rmSync(configDir, { recursive: true, force: true });
  });

  it('is accepted, receives an announce intact and delivers a frame back', async () => {
    const port = await refusedPort();
    configDir = mkdtempSync(join(tmpdir(), 'rns-net-client-interop-'));
    writeFileSync(
      join(configDir, 'config'),
      [
        '[reticulum]',
        '  enable_transport = False',
        '  share_instance = No',
        '[logging]',
        '  loglevel = 2',
        '[interfaces]',
        '  [[Python Backbone]]',
        '    type = BackboneInterface',
        '    enabled = yes',
        '    listen_on = 127.0.0.1',
        `    port = ${port}`,
        '',
      ].join('\n'),
    );
    writeFileSync(join(configDir, 'node.py'), PYTHON_NODE);
    python = spawn('python3', [join(configDir, 'node.py'), configDir], {
      env: { ...process.env, PYTHONPATH: pythonPath ?? '' },
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    await lineFrom(python, 'READY', 15_000);

    const events = new RecordingEventSink();
    const config = clientConfig(port);
    client = await startBackboneClient(
      config,
      clientRuntime(config),
      startContext(events, systemClock, new RecordingLogger()),
    );
    const up = await events.next('InterfaceUp', 5000);
    const announce = await events.next('Frame', 10_000);
    // An announce: packet type 0b01 in the flags byte, hops 0 as Python sent it.
    expect(announce.data[0] & 0x03).to.equal(0x01);
    expect(announce.data[1]).to.equal(0);
    expect(announce.data.length).to.be.greaterThan(19 + 64);

    const received = lineFrom(python, 'RXB', 10_000);
    expect(up.writer?.send(announce.data)).to.equal('accepted');
    expect(await received).to.equal(`RXB ${announce.data.length}`);
  });
});
