/**
 * The node-level patterns of the hostile soak (`--node 1`): a real `rns-net run` process whose
 * stdout is a pipe nobody reads, at loglevel 7, so every connection the attacks make asks for log
 * lines it cannot write (the log flood), and a local control client that pipelines requests
 * without reading the answers. The node must go on relaying and answering `status`.
 */
import { promises as fs } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { BufferBudgetLimits } from '../src/core/buffer-budgets';
import { listAllPeers } from '../src/cli/commands/list-peers';
import { ControlClient } from '../src/node/control/control-client';
import { controlSocketPath } from '../src/node/control/control-socket-path';
import { NodeStatus } from '../src/node/node-status';
import { FullPipe } from '../test/helpers/full-pipe';
import { freePort } from '../test/helpers/loopback-port';
import { Scrape } from '../test/helpers/prometheus-scrape';
import { NodeProcess, waitForStatus } from '../test/integration/node/cli-process';

/** A node process under attack, and what the soak asks of it. */
export class SoakNode {
  private constructor(
    private readonly home: string,
    /** The node's config directory. */
    readonly configDir: string,
    /** Its BackboneInterface server port on 127.0.0.1. */
    readonly port: number,
    /** Its metrics endpoint's port on 127.0.0.1 (per-peer series on). */
    readonly metricsPort: number,
    private readonly process: NodeProcess,
    private readonly pipe: FullPipe,
  ) {}

  /**
   * Starts `rns-net run` with one Backbone server, loglevel 7, stdout on a full, unread pipe. The
   * server also gets `serverKeys` (which win over its defaults here: a 2 s write stall timeout),
   * and `[reticulum]` the node-wide buffer budgets (bytes, written in whole MiB).
   */
  static async start(
    serverKeys: Readonly<Record<string, string>> = {},
    budgets: BufferBudgetLimits = {},
  ): Promise<SoakNode> {
    const home = await fs.mkdtemp(path.join(os.tmpdir(), 'rns-net-soak-'));
    const configDir = path.join(home, 'node');
    await fs.mkdir(configDir);
    const port = await freePort();
    const metricsPort = await freePort();
    const MiB = 1024 * 1024;
    // The shared-medium relay: every frame to every peer, so the good pair's loss is the relay's.
    const reticulum = [
      '  relay_mode = flood\n',
      budgets.receiveBytes === undefined ? '' : `  receive_buffer_budget = ${budgets.receiveBytes / MiB}\n`,
      budgets.sendBytes === undefined ? '' : `  send_buffer_budget = ${budgets.sendBytes / MiB}\n`,
    ].join('');
    const keys = {
      listen_ip: '127.0.0.1',
      listen_port: String(port),
      write_stall_timeout: '2',
      ...serverKeys,
    };
    const server = Object.entries(keys)
      .map(([key, value]) => `    ${key} = ${value}\n`)
      .join('');
    await fs.writeFile(
      path.join(configDir, 'config'),
      `[reticulum]\n${reticulum}\n[logging]\n  loglevel = 7\n\n` +
        `[metrics]\n  enabled = yes\n  listen_port = ${metricsPort}\n  per_peer = yes\n\n[interfaces]\n  [[Soak]]\n` +
        `    type = BackboneInterface\n    enabled = yes\n${server}`,
    );
    const pipe = FullPipe.open();
    const child = NodeProcess.spawnWithStdout(home, configDir, pipe.blockingWriteFd);
    if ((await waitForStatus(home, configDir)) !== 0) throw new Error('the soak node did not start');
    return new SoakNode(home, configDir, port, metricsPort, child, pipe);
  }

  /** Peers of the node's Backbone server (0 while the node does not answer). */
  async peers(): Promise<number> {
    return (await this.status())?.interfaces[0]?.peers ?? 0;
  }

  /** The node's status, or undefined when it does not answer within 5 s. */
  async status(): Promise<NodeStatus | undefined> {
    try {
      const client = await ControlClient.connect(controlSocketPath(this.configDir), { timeoutMs: 5000 });
      try {
        return await client.call('status', {}, 5000);
      } finally {
        client.close();
      }
    } catch {
      return undefined;
    }
  }

  /**
   * An operator's `rns-net peers`: every page of the node's peer tables (one entry per IP);
   * how many entries it listed, or undefined when the node did not answer within 30 s.
   */
  async listPeers(): Promise<number | undefined> {
    try {
      const client = await ControlClient.connect(controlSocketPath(this.configDir), { timeoutMs: 5000 });
      try {
        return (
          await Promise.race([
            listAllPeers(client),
            new Promise<undefined>((resolve) => setTimeout(() => resolve(undefined), 30_000).unref()),
          ])
        )?.length;
      } finally {
        client.close();
      }
    } catch {
      return undefined;
    }
  }

  /**
   * What the node dropped for its peers at 127.0.0.1 `ports`, by the reasons of
   * `rnsnet_peer_dropped_total` that are not zero; undefined when the endpoint does not answer.
   */
  async peerDrops(ports: readonly number[]): Promise<Record<string, number> | undefined> {
    try {
      const scrape = await Scrape.of(`http://127.0.0.1:${this.metricsPort}/metrics`);
      const drops: Record<string, number> = {};
      for (const port of ports) {
        for (const sample of scrape.all('rnsnet_peer_dropped_total', { peer: `127.0.0.1:${port}` })) {
          if (sample.value > 0) drops[`${port} ${sample.labels.reason}`] = sample.value;
        }
      }
      return drops;
    } catch {
      return undefined;
    }
  }

  /**
   * The node's peer disconnections by cause and penalties by reason, from its metrics (empty when
   * the endpoint does not answer).
   */
  async disconnections(): Promise<Record<string, number>> {
    try {
      const scrape = await Scrape.of(`http://127.0.0.1:${this.metricsPort}/metrics`);
      const counts: Record<string, number> = {};
      for (const sample of scrape.all('rnsnet_interface_peer_disconnections_total')) {
        counts[`disconnected ${sample.labels.cause}`] = sample.value;
      }
      for (const sample of scrape.all('rnsnet_interface_penalties_total')) {
        counts[`penalised ${sample.labels.reason}`] = sample.value;
      }
      return counts;
    } catch {
      return {};
    }
  }

  /**
   * Pipelines `requests` status requests on one control connection without reading an answer,
   * holds the connection for `holdMs`, then drops it.
   */
  async pipelineControl(requests: number, holdMs = 2000): Promise<void> {
    const socket = net.createConnection(controlSocketPath(this.configDir));
    socket.on('error', () => undefined);
    await new Promise<void>((resolve) => socket.once('connect', resolve).once('close', resolve));
    socket.pause();
    const line = '{"id":1,"method":"status"}\n';
    socket.write(line.repeat(requests));
    await new Promise((resolve) => setTimeout(resolve, holdMs));
    socket.destroy();
  }

  /** One line about the node: memory, loop delay, log lines dropped and suppressed. */
  describe(status: NodeStatus): string {
    const delay = status.process.eventLoopDelayMs;
    return (
      `node rss=${(status.process.rssBytes / 1024 / 1024).toFixed(1)}MB loopDelay p99=${delay.p99}ms max=${delay.max}ms` +
      ` peers=${status.interfaces[0]?.peers ?? 0} logDropped=${status.logging.droppedLines}` +
      ` logSuppressed=${status.logging.suppressedLines} receiveBudget=${(status.buffers.receiveHeldBytes / 1024 / 1024).toFixed(1)}MB` +
      ` (evictions ${status.buffers.receiveEvictions}) sendBudget=${(status.buffers.sendHeldBytes / 1024 / 1024).toFixed(1)}MB` +
      ` (refusals ${status.buffers.sendRefusals})`
    );
  }

  /** Stops the node with SIGTERM; resolves with its exit code. Removes its directory. */
  async stop(): Promise<number | null> {
    this.process.child.kill('SIGTERM');
    const timer = setTimeout(() => this.process.kill(), 15_000);
    const code = await this.process.exited;
    clearTimeout(timer);
    this.pipe.close();
    await fs.rm(this.home, { recursive: true, force: true });
    return code;
  }
}
