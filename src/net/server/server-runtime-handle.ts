import { RuntimeConfigHandle } from '../../core/runtime-config';
import { AnyRuntimeSettingSpec, RuntimeSettings } from '../../core/runtime-settings';
import {
  BLOCK_FAST_FLAPPING_KEY,
  NUMERIC_ABUSE_KEYS,
  PENALTY_EXEMPT_KEY,
  runtimeSettingName,
} from '../abuse/abuse-setting-keys';
import { formatExemptionList, parseExemptionText } from '../abuse/exemption-list';
import { msToSeconds, secondsToMs } from '../seconds-to-ms';
import { StreamServerState } from './server-state';

/**
 * The runtime-config handle of a stream server, under its link's key family
 * (`<settingsPrefix>.<interface>.<setting>`): the four live settings of rns-net, with its
 * descriptions, value rules and apply modes, then every abuse-defence setting (durations as
 * `<key>_secs`, counts by their config key, `block_fast_flapping`, `penalty_exempt` as a comma
 * list). Durations are seconds here and milliseconds in the shared runtime. Changes apply at once;
 * the three timeouts also reach connected peers (their idle and stall timers are re-armed, lowered
 * caps shorten existing blacklists); abuse settings apply from the next event the tracker sees.
 */
export function createServerRuntimeHandle(state: StreamServerState): RuntimeConfigHandle {
  const changed = (): void => state.notifyRuntimeChanged();
  return new RuntimeSettings(state.config.link.settingsPrefix, state.config.name, [
    ...coreSettings(state, changed),
    ...abuseSettings(state),
  ]);
}

/** rns-net's four server settings. */
function coreSettings(state: StreamServerState, changed: () => void): AnyRuntimeSettingSpec[] {
  const runtime = state.runtime;
  return [
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
      description: 'Maximum accepted blacklist duration; 0 means no cap.',
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
      description: 'Maximum simultaneous inbound connections; 0 disables the cap.',
      read: () => runtime.maxConnections,
      write: (count: number) => {
        runtime.maxConnections = count;
      },
    },
  ];
}

/** The abuse-defence settings (the per-IP cap and unfinished-frame deadline among them), from the same table the config parser reads. */
function abuseSettings(state: StreamServerState): AnyRuntimeSettingSpec[] {
  const abuse = state.abuse;
  const numeric: AnyRuntimeSettingSpec[] = NUMERIC_ABUSE_KEYS.map((entry) =>
    entry.unit === 'count'
      ? {
          name: runtimeSettingName(entry),
          kind: 'count',
          applyMode: 'immediate',
          description: entry.description,
          read: () => abuse[entry.field],
          validate: (value: number) => (value < entry.min ? `must be >= ${entry.min}` : undefined),
          write: (value: number) => {
            abuse[entry.field] = value;
            // A running server works a lowered table cap off at once, a step at a time.
            if (entry.field === 'maxTrackedIps') state.notifyRuntimeChanged();
          },
        }
      : {
          name: runtimeSettingName(entry),
          kind: 'seconds',
          applyMode: 'immediate',
          description: entry.description,
          min: entry.min,
          read: () => msToSeconds(abuse[entry.field]),
          write: (secs: number) => {
            abuse[entry.field] = secondsToMs(secs);
            // Connected peers re-arm their unfinished-frame deadline.
            if (entry.field === 'partialFrameTimeoutMs') state.notifyRuntimeChanged();
          },
        },
  );
  return [
    ...numeric,
    {
      name: BLOCK_FAST_FLAPPING_KEY,
      kind: 'boolean',
      applyMode: 'immediate',
      description: 'Block IPs whose connections keep closing within fast_flapping_threshold (Python RNS).',
      read: () => abuse.blockFastFlapping,
      write: (on: boolean) => {
        abuse.blockFastFlapping = on;
      },
    },
    {
      name: PENALTY_EXEMPT_KEY,
      kind: 'string',
      applyMode: 'immediate',
      description:
        'Comma-separated addresses and CIDR ranges never penalised automatically; empty exempts nothing.',
      read: () => formatExemptionList(abuse.penaltyExempt),
      validate: (text: string) => {
        try {
          parseExemptionText(text);
          return undefined;
        } catch (err) {
          return `has an invalid entry: ${(err as Error).message}`;
        }
      },
      write: (text: string) => {
        abuse.penaltyExempt = Object.freeze(parseExemptionText(text));
      },
    },
  ];
}
