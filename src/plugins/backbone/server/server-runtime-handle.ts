import { RuntimeConfigHandle } from '../../../core/runtime-config';
import { RuntimeSettings } from '../../../core/runtime-settings';
import { msToSeconds, secondsToMs } from '../seconds-to-ms';
import { BackboneServerState } from './backbone-server-state';

/** The key family of Backbone server settings: `backbone.<interface>.<setting>`. */
export const BACKBONE_SERVER_KEY_PREFIX = 'backbone';

/**
 * The runtime-config handle of a Backbone server: the four live settings of rns-net, with its
 * descriptions, value rules and apply modes. Durations are seconds here and milliseconds in the
 * shared runtime. Changes apply at once; the three timeouts also reach connected peers (their
 * idle and stall timers are re-armed, lowered caps shorten existing blacklists).
 */
export function createServerRuntimeHandle(state: BackboneServerState): RuntimeConfigHandle {
  const runtime = state.runtime;
  const changed = (): void => state.notifyRuntimeChanged();
  return new RuntimeSettings(BACKBONE_SERVER_KEY_PREFIX, state.config.name, [
    {
      name: 'idle_timeout_secs',
      kind: 'seconds',
      applyMode: 'immediate',
      description: 'Disconnect silent inbound peers after this many seconds; 0 disables the timeout.',
      read: () => msToSeconds(runtime.idleTimeoutMs),
      write: (secs: number) => {
        runtime.idleTimeoutMs = secondsToMs(secs);
        changed();
      },
    },
    {
      name: 'write_stall_timeout_secs',
      kind: 'seconds',
      applyMode: 'immediate',
      description:
        'Disconnect peers whose send buffer remains unwritable for this many seconds; 0 disables the timeout.',
      read: () => msToSeconds(runtime.writeStallTimeoutMs),
      write: (secs: number) => {
        runtime.writeStallTimeoutMs = secondsToMs(secs);
        changed();
      },
    },
    {
      name: 'max_penalty_duration_secs',
      kind: 'seconds',
      applyMode: 'immediate',
      description: 'Maximum accepted backbone blacklist duration; 0 means no cap.',
      read: () => msToSeconds(runtime.maxPenaltyDurationMs),
      write: (secs: number) => {
        runtime.maxPenaltyDurationMs = secondsToMs(secs);
        if (runtime.maxPenaltyDurationMs > 0) state.monitor.capBlacklists(runtime.maxPenaltyDurationMs);
        changed();
      },
    },
    {
      name: 'max_connections',
      kind: 'count',
      applyMode: 'new_connections_only',
      description: 'Maximum simultaneous inbound backbone connections; 0 disables the cap.',
      read: () => runtime.maxConnections,
      write: (count: number) => {
        runtime.maxConnections = count;
      },
    },
  ]);
}
