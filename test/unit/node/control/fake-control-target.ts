import { PeerPageRequest } from '../../../../src/core/driver/peer-state-service';
import { PeerStateEntry, PeerStatePage } from '../../../../src/core/peer-state';
import {
  RuntimeConfigEntry,
  RuntimeConfigResult,
  RuntimeConfigValue,
  runtimeConfigError,
} from '../../../../src/core/runtime-config';
import { ControlTarget } from '../../../../src/node/control/control-target';
import { NodeStatus, PathListEntry, PathListPage, PathListRequest } from '../../../../src/node/node-status';

/** A control target with one listener `Public`, one setting and recorded calls. */
export class FakeControlTarget implements ControlTarget {
  readonly calls: string[] = [];
  idleTimeout: RuntimeConfigValue = 60;
  peers: PeerStateEntry[] = [
    {
      interfaceName: 'Public',
      ip: '192.0.2.7',
      connectedCount: 1,
      rejectCount: 0,
      blacklistedRemainingSecs: null,
      blacklistReason: null,
      penaltyLevel: 0,
      windowCounts: {},
    },
  ];

  status(): NodeStatus {
    this.calls.push('status');
    return {
      configDir: '/tmp/x',
      pid: 1,
      startedAt: '2026-01-01T00:00:00.000Z',
      uptimeSecs: 5,
      interfaces: [],
      forwarding: 'flood',
      relay: { received: 3 },
      process: {
        rssBytes: 50 * 1024 * 1024,
        heapUsedBytes: 8 * 1024 * 1024,
        eventLoopDelayMs: { p50: 0.02, p99: 1.5, max: 3 },
      },
      logging: { droppedLines: 0, suppressedLines: 0 },
      buffers: {
        receiveHeldBytes: 0,
        receiveLimitBytes: 64 * 1024 * 1024,
        receiveEvictions: 0,
        sendHeldBytes: 2048,
        sendLimitBytes: 256 * 1024 * 1024,
        sendRefusals: 0,
      },
    };
  }

  /** Serves {@link peers} one entry per page, the cursor being the index of the next one. */
  listPeers(request: PeerPageRequest): RuntimeConfigResult<PeerStatePage> {
    const { interfaceName, cursor } = request;
    this.calls.push(`listPeers ${interfaceName ?? '*'}${cursor !== undefined ? ` ${cursor}` : ''}`);
    if (interfaceName !== undefined && interfaceName !== 'Public')
      return runtimeConfigError('not_found', `interface '${interfaceName}' not found`);
    const index = Number(cursor ?? 0);
    const next = index + 1 < this.peers.length ? String(index + 1) : null;
    return { ok: true, value: { peers: this.peers.slice(index, index + 1), cursor: next } };
  }

  blacklistPeer(
    interfaceName: string,
    ip: string,
    durationSecs: number,
    reason: string,
  ): RuntimeConfigResult<number> {
    this.calls.push(`blacklist ${interfaceName} ${ip} ${durationSecs} ${reason}`);
    if (interfaceName !== 'Public')
      return runtimeConfigError('not_found', `interface '${interfaceName}' not found`);
    return { ok: true, value: Math.min(durationSecs, 3600) };
  }

  clearPeer(interfaceName: string, ip: string): RuntimeConfigResult<boolean> {
    this.calls.push(`clear ${interfaceName} ${ip}`);
    if (interfaceName !== 'Public')
      return runtimeConfigError('not_found', `interface '${interfaceName}' not found`);
    return { ok: true, value: this.peers.some((p) => p.ip === ip) };
  }

  paths: PathListEntry[] = [
    {
      destination: 'ab'.repeat(16),
      hops: 2,
      nextHop: 'cd'.repeat(16),
      interfaceId: 10_000,
      interfaceName: 'BackboneInterface/10000',
      parentId: 1,
      listener: 'Public',
      timestamp: Date.UTC(2026, 0, 1),
      expires: Date.UTC(2026, 0, 8),
      state: 'unknown',
      linked: false,
    },
  ];

  /** Serves {@link paths} one entry per page, the cursor being the index of the next one. */
  listPaths(request: PathListRequest): RuntimeConfigResult<PathListPage> {
    const { interfaceName, cursor, destination, maxHops } = request;
    this.calls.push(
      `listPaths ${interfaceName ?? '*'} ${destination ?? '*'} ${maxHops ?? '*'}${cursor !== undefined ? ` ${cursor}` : ''}`,
    );
    if (interfaceName !== undefined && interfaceName !== 'Public')
      return runtimeConfigError('not_found', `interface '${interfaceName}' not found`);
    const index = Number(cursor ?? 0);
    const next = index + 1 < this.paths.length ? String(index + 1) : null;
    return { ok: true, value: { paths: this.paths.slice(index, index + 1), cursor: next } };
  }

  dropPath(destination: string): RuntimeConfigResult<boolean> {
    this.calls.push(`dropPath ${destination}`);
    const before = this.paths.length;
    this.paths = this.paths.filter((p) => p.destination !== destination);
    return { ok: true, value: this.paths.length < before };
  }

  listRuntimeConfig(): readonly RuntimeConfigEntry[] {
    return [this.entry()];
  }

  getRuntimeConfig(key: string): RuntimeConfigEntry | undefined {
    return key === 'backbone.Public.idle_timeout_secs' ? this.entry() : undefined;
  }

  setRuntimeConfig(key: string, value: RuntimeConfigValue): RuntimeConfigResult<RuntimeConfigEntry> {
    if (key === 'explode') throw new Error('boom');
    if (key !== 'backbone.Public.idle_timeout_secs')
      return runtimeConfigError('unknown_key', `unknown runtime-config key '${key}'`);
    if (typeof value !== 'number')
      return runtimeConfigError('invalid_type', `${key} expects a numeric value`);
    if (value < 0) return runtimeConfigError('invalid_value', `${key} must be >= 0`);
    this.idleTimeout = value;
    return { ok: true, value: this.entry() };
  }

  resetRuntimeConfig(key: string): RuntimeConfigResult<RuntimeConfigEntry> {
    if (key !== 'backbone.Public.idle_timeout_secs')
      return runtimeConfigError('unknown_key', `unknown runtime-config key '${key}'`);
    this.idleTimeout = 60;
    return { ok: true, value: this.entry() };
  }

  private entry(): RuntimeConfigEntry {
    return {
      key: 'backbone.Public.idle_timeout_secs',
      value: this.idleTimeout,
      default: 60,
      source: this.idleTimeout === 60 ? 'startup' : 'runtime_override',
      applyMode: 'immediate',
      description: 'Disconnect silent inbound peers after this many seconds; 0 disables the timeout.',
    };
  }
}
