import { DEFAULT_RECEIVE_BUDGET_BYTES, DEFAULT_SEND_BUDGET_BYTES } from '../../core/buffer-budgets';
import { ConfigError } from '../../core/errors';
import { DEFAULT_INGRESS_CONTROL, IngressControlConfig } from '../../core/ingress-control';
import { ConfigParamReader, ConfigParams } from '../../registry/config-params';
import { INGRESS_CONTROL_KEY_NAMES, readIngressControl } from './ingress-control-keys';

/** How the node forwards packets: as a transport node, or as a shared-medium (flood) relay. */
export type Routing = 'transport' | 'flood';

/**
 * Python's announce rate defaults for interfaces of a transport node (Interface.py
 * `DEFAULT_AR_TARGET/GRACE/PENALTY`), applied where an interface sets no `announce_rate_*`.
 */
export const TRANSPORT_ANNOUNCE_RATE = Object.freeze({ target: 3600, grace: 5, penalty: 0 });

/** What every interface section inherits from `[reticulum]`. */
export interface InterfaceDefaults {
  /** Whether the node runs the transport engine (the `announce_rate_*`-style keys matter). */
  readonly transport: boolean;
  /** Node-wide `ic_*`/`ec_*`/`egress_control` over Python's defaults. */
  readonly ingressControl: IngressControlConfig;
  /** Announce rate target in seconds (null: none), from `default_ar_target` or Python's default. */
  readonly announceRateTarget: number | null;
  /** From `default_ar_grace` or Python's default. */
  readonly announceRateGrace: number;
  /** From `default_ar_penalty` or Python's default. */
  readonly announceRatePenalty: number;
}

/** The `[reticulum]` section, interpreted. */
export interface ReticulumSettings {
  /** The forwarding mode, or null when the section chose none or both (see `routingError`). */
  readonly routing: Routing | null;
  /** Why `routing` is null: starting the node fails with this error. */
  readonly routingError: ConfigError | null;
  /** Defaults for every interface section. */
  readonly interfaceDefaults: InterfaceDefaults;
  /** Node-wide budget for unfinished incoming frames, bytes (`receive_buffer_budget`, in MiB). */
  readonly receiveBufferBudgetBytes: number;
  /** Node-wide budget for bytes queued for sending, bytes (`send_buffer_budget`, in MiB). */
  readonly sendBufferBudgetBytes: number;
}

/** The defaults when no transport engine runs (relay mode, and tests of interface sections). */
export const RELAY_INTERFACE_DEFAULTS: InterfaceDefaults = Object.freeze({
  transport: false,
  ingressControl: DEFAULT_INGRESS_CONTROL,
  announceRateTarget: null,
  announceRateGrace: 0,
  announceRatePenalty: 0,
});

const MiB = 1024 * 1024;

/**
 * The `[reticulum]` keys rns-net reads, in groups of keys whose setting changes together (a
 * reload compares groups). Python's other `[reticulum]` keys are accepted and reported as unused.
 */
const KEY_GROUPS: ReadonlyArray<{
  readonly keys: readonly string[];
  readonly differs: (a: ReticulumSettings, b: ReticulumSettings) => boolean;
  /**
   * A reload applies the group's change live: the defaults of the interfaces' transport
   * tunables, applied through each interface's `transport.*` settings (a flood relay ignores them).
   */
  readonly live?: true;
}> = [
  { keys: ['enable_transport', 'relay_mode'], differs: (a, b) => a.routing !== b.routing },
  {
    keys: [
      'default_ar_target',
      'default_ar_grace',
      'default_ar_penalty',
      ...[...INGRESS_CONTROL_KEY_NAMES].filter((k) => k !== 'ingress_control'),
    ],
    differs: (a, b) => JSON.stringify(a.interfaceDefaults) !== JSON.stringify(b.interfaceDefaults),
    live: true,
  },
  {
    keys: ['receive_buffer_budget'],
    differs: (a, b) => a.receiveBufferBudgetBytes !== b.receiveBufferBudgetBytes,
  },
  { keys: ['send_buffer_budget'], differs: (a, b) => a.sendBufferBudgetBytes !== b.sendBufferBudgetBytes },
];

/** Every `[reticulum]` key the node owns or reads: the one list of them. */
export const RETICULUM_NODE_KEYS: readonly string[] = KEY_GROUPS.flatMap((g) => g.keys);

const READ_KEYS: ReadonlySet<string> = new Set(RETICULUM_NODE_KEYS);

/**
 * The `[reticulum]` keys whose setting differs between `before` and `after` and takes a restart
 * (a reload applies the interfaces' transport defaults live).
 */
export function changedReticulumKeys(before: ReticulumSettings, after: ReticulumSettings): string[] {
  return KEY_GROUPS.filter((g) => g.live !== true && g.differs(before, after)).map((g) => g.keys.join('/'));
}

const CHOOSE =
  'choose how the node forwards packets in [reticulum]: "enable_transport = yes" routes as a Reticulum ' +
  'transport node (paths, links, announces checked; what rnsd does with enable_transport), or ' +
  '"relay_mode = flood" relays every packet to every other interface as a shared medium would';

/**
 * Reads `[reticulum]`.
 *
 * - `enable_transport` (boolean) and `relay_mode` (only `flood`) choose the forwarding mode;
 *   choosing both, or neither (Python's default, transport off), leaves `routing` null with a
 *   `routingError` that names both choices.
 * - `default_ar_target/grace/penalty` replace Python's transport defaults for announce rates;
 *   `default_ar_target = 0` turns the per-destination rate limit off (in Python 0 falls back to
 *   the 3600 s default through an `or`, so it cannot be turned off there).
 * - `ic_*`, `ec_pr_freq`, `egress_control`: defaults for every interface. A value of 0 is taken
 *   as 0 (Python falls back to its default for 0 here, through the same `or`).
 * - `receive_buffer_budget`, `send_buffer_budget`: the node-wide buffer budgets, whole MiB.
 *
 * @param lines - the line of each key, for errors.
 * @param errors - where bad values go (each names file, line, section and key); the key's
 *   default is used instead.
 * @returns the settings and the keys it did not read (for the "no effect" notice).
 */
export function readReticulumSection(
  params: ConfigParams,
  where: {
    readonly file: string;
    readonly line: number | undefined;
    readonly lines: ReadonlyMap<string, number>;
  },
  errors: ConfigError[],
): { readonly settings: ReticulumSettings; readonly unread: readonly string[] } {
  const reader = new ConfigParamReader('reticulum', params);
  const attempt = <T>(key: string, read: () => T, fallback: T): T => {
    try {
      return read();
    } catch (e) {
      if (!(e instanceof ConfigError)) throw e;
      errors.push(e.at(where.file, where.lines.get(e.key ?? key) ?? where.line));
      return fallback;
    }
  };

  const transport = attempt('enable_transport', () => reader.boolean('enable_transport') ?? false, false);
  const flood = attempt(
    'relay_mode',
    () => {
      const value = reader.string('relay_mode');
      if (value === undefined) return false;
      if (value.trim().toLowerCase() !== 'flood')
        throw reader.error('relay_mode', `the only relay mode is 'flood', got '${value}'`);
      return true;
    },
    false,
  );
  let routing: Routing | null = null;
  let routingError: ConfigError | null = null;
  const at = (key: string) => ({
    file: where.file,
    line: where.lines.get(key) ?? where.line,
    section: 'reticulum',
    key,
  });
  if (transport && flood) {
    routingError = new ConfigError(
      'enable_transport = yes and relay_mode = flood exclude each other; keep one',
      at('relay_mode'),
    );
  } else if (transport) routing = 'transport';
  else if (flood) routing = 'flood';
  else routingError = new ConfigError(`no forwarding mode set; ${CHOOSE}`, at('enable_transport'));

  const ingressControl = attempt(
    'ic_*',
    () => readIngressControl(reader, DEFAULT_INGRESS_CONTROL, false),
    DEFAULT_INGRESS_CONTROL,
  );
  const arTarget = attempt(
    'default_ar_target',
    () => reader.number('default_ar_target', { min: 0 }),
    undefined,
  );
  const arGrace = attempt('default_ar_grace', () => reader.count('default_ar_grace'), undefined);
  const arPenalty = attempt(
    'default_ar_penalty',
    () => reader.number('default_ar_penalty', { min: 0 }),
    undefined,
  );
  const interfaceDefaults: InterfaceDefaults = Object.freeze({
    transport: routing === 'transport',
    ingressControl,
    announceRateTarget:
      routing !== 'transport'
        ? null
        : arTarget === undefined
          ? TRANSPORT_ANNOUNCE_RATE.target
          : arTarget === 0
            ? null
            : arTarget,
    announceRateGrace: routing === 'transport' ? (arGrace ?? TRANSPORT_ANNOUNCE_RATE.grace) : 0,
    announceRatePenalty: routing === 'transport' ? (arPenalty ?? TRANSPORT_ANNOUNCE_RATE.penalty) : 0,
  });
  // A partial frame is at most 2 MiB (2 x HW_MTU), so less could not hold one; two frames of the
  // largest size (one connection's own send budget) need 4 MiB.
  const mebibytes = (key: string, min: number): number | undefined =>
    attempt(key, () => reader.number(key, { min, max: 65_536, integer: true }), undefined);
  const receiveMiB = mebibytes('receive_buffer_budget', 2);
  const sendMiB = mebibytes('send_buffer_budget', 4);
  return {
    settings: Object.freeze({
      routing,
      routingError,
      interfaceDefaults,
      receiveBufferBudgetBytes: receiveMiB === undefined ? DEFAULT_RECEIVE_BUDGET_BYTES : receiveMiB * MiB,
      sendBufferBudgetBytes: sendMiB === undefined ? DEFAULT_SEND_BUDGET_BYTES : sendMiB * MiB,
    }),
    unread: Object.keys(params).filter((k) => !READ_KEYS.has(k)),
  };
}
