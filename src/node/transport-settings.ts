import { IngressControlConfig } from '../core/ingress-control';
import { InterfaceSettings, LiveInterfaceSettings } from '../core/interface-settings';
import { RuntimeConfigValue } from '../core/runtime-config';
import { AnyRuntimeSettingSpec, RuntimeSettings } from '../core/runtime-settings';
import { INGRESS_CONTROL_NUMERIC_KEYS } from './config/ingress-control-keys';

/** The key family of the transport tunables: `transport.<interface>.<setting>`. */
export const TRANSPORT_SETTINGS_PREFIX = 'transport';

type Writable<T> = { -readonly [K in keyof T]: T[K] };

/**
 * One live tunable: its config key (the setting has the same name), how it is typed, and how it
 * reads from and writes to the live settings.
 */
interface TunableSpec {
  readonly key: string;
  readonly kind: 'seconds' | 'count' | 'number' | 'boolean';
  readonly description: string;
  read(live: LiveInterfaceSettings): number | boolean;
  write(live: Writable<LiveInterfaceSettings>, value: number | boolean): void;
  validate?(value: number): string | undefined;
}

const ingress = (
  live: Writable<LiveInterfaceSettings>,
  change: (config: Writable<IngressControlConfig>) => void,
): void => {
  const config: Writable<IngressControlConfig> = { ...live.ingressControl };
  change(config);
  live.ingressControl = Object.freeze(config);
};

/**
 * The transport tunables of an interface section that change live: the per-destination announce
 * rate limit, the announce cap, and ingress and egress control. Each is the section key of the
 * same name; a section that leaves one unset has `[reticulum]`'s value (or Python's default).
 */
const TUNABLES: readonly TunableSpec[] = [
  {
    key: 'announce_rate_target',
    kind: 'seconds',
    description:
      'Seconds an announce of a destination must wait after its last before it is rebroadcast again; 0 turns the rate limit off.',
    read: (live) => live.announceRateTarget ?? 0,
    write: (live, value) => {
      live.announceRateTarget = value === 0 ? null : (value as number);
    },
  },
  {
    key: 'announce_rate_grace',
    kind: 'count',
    description: 'Announces over the rate target a destination may send before it is blocked.',
    read: (live) => live.announceRateGrace,
    write: (live, value) => {
      live.announceRateGrace = value as number;
    },
  },
  {
    key: 'announce_rate_penalty',
    kind: 'seconds',
    description: 'Seconds added to the block of a destination that announces too often.',
    read: (live) => live.announceRatePenalty,
    write: (live, value) => {
      live.announceRatePenalty = value as number;
    },
  },
  {
    key: 'announce_cap',
    kind: 'number',
    description: 'Percentage of the bitrate rebroadcast announces may use on the interface.',
    read: (live) => live.announceCap * 100,
    write: (live, value) => {
      live.announceCap = (value as number) / 100;
    },
    validate: (value) => (value > 0 && value <= 100 ? undefined : 'must be a percentage in (0, 100]'),
  },
  {
    key: 'ingress_control',
    kind: 'boolean',
    description: 'Whether announces of unknown destinations are held while the interface sees a burst.',
    read: (live) => live.ingressControl.enabled,
    write: (live, value) => ingress(live, (c) => (c.enabled = value as boolean)),
  },
  {
    key: 'egress_control',
    kind: 'boolean',
    description: 'Whether recursive path requests sent on the interface are limited to ec_pr_freq.',
    read: (live) => live.ingressControl.egressControl,
    write: (live, value) => ingress(live, (c) => (c.egressControl = value as boolean)),
  },
  ...INGRESS_CONTROL_NUMERIC_KEYS.map(({ key, field, kind }): TunableSpec => ({
    key,
    kind: kind === 'rate' ? 'number' : kind,
    description: `Ingress and egress control: ${key} (as in Python RNS; ${kind === 'rate' ? 'per second' : kind === 'seconds' ? 'seconds' : 'a count'}).`,
    read: (live) => live.ingressControl[field],
    write: (live, value) => ingress(live, (c) => (c[field] = value as number)),
  })),
];

/** The section keys whose change a running transport node applies live (through its handles). */
export const LIVE_TRANSPORT_KEYS: ReadonlySet<string> = new Set(TUNABLES.map((t) => t.key));

/** The live part of an interface's settings. */
export function liveSettings(settings: Omit<InterfaceSettings, 'mode'>): LiveInterfaceSettings {
  const { announceCap, announceRateTarget, announceRateGrace, announceRatePenalty, ingressControl } =
    settings;
  return { announceCap, announceRateTarget, announceRateGrace, announceRatePenalty, ingressControl };
}

/** The value of each tunable, by setting name, as the runtime-config keys show it. */
export function tunableValues(live: LiveInterfaceSettings): ReadonlyMap<string, RuntimeConfigValue> {
  return new Map(TUNABLES.map((t) => [t.key, t.read(live)]));
}

/**
 * The runtime-config handle of one configured interface's transport tunables
 * (`transport.<interface>.announce_rate_target`, ...). A change goes to `apply` (the driver puts
 * it in the info of the interface and of every peer it spawned) and takes effect with the next
 * packet.
 */
export function transportSettingsHandle(
  interfaceName: string,
  initial: LiveInterfaceSettings,
  apply: (live: LiveInterfaceSettings) => void,
): RuntimeSettings {
  let current: LiveInterfaceSettings = initial;
  const specs = TUNABLES.map((t): AnyRuntimeSettingSpec => {
    const write = (value: number | boolean) => {
      const next: Writable<LiveInterfaceSettings> = { ...current };
      t.write(next, value);
      apply(next);
      current = Object.freeze(next);
    };
    const common = { name: t.key, applyMode: 'immediate' as const, description: t.description };
    return t.kind === 'boolean'
      ? { ...common, kind: t.kind, read: () => t.read(current) as boolean, write }
      : {
          ...common,
          kind: t.kind,
          read: () => t.read(current) as number,
          write,
          ...(t.validate !== undefined ? { validate: t.validate } : {}),
        };
  });
  return new RuntimeSettings(TRANSPORT_SETTINGS_PREFIX, interfaceName, specs);
}
