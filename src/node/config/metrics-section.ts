import { ConfigError } from '../../core/errors';
import { normalizeIp } from '../../core/ip-address';
import { ConfigParamReader, ConfigParams } from '../../registry/config-params';

/** The Prometheus exporter's port by default (the port OpenTelemetry's exporter registered). */
export const DEFAULT_METRICS_PORT = 9464;

/** Where the exporter listens by default: this host only. */
export const DEFAULT_METRICS_IP = '127.0.0.1';

/** Peers exported one by one at most, when `per_peer` is on and `per_peer_limit` is not set. */
export const DEFAULT_PER_PEER_LIMIT = 100;

/** The highest `per_peer_limit`: each peer is a dozen series, and Prometheus pays for every one. */
export const MAX_PER_PEER_LIMIT = 10_000;

/** The `[metrics]` section: the Prometheus endpoint. */
export interface MetricsSettings {
  /** `enabled`: serve `/metrics` (default no). */
  readonly enabled: boolean;
  /** `listen_ip`: the address to bind (default 127.0.0.1). */
  readonly listenIp: string;
  /** `listen_port`: the TCP port (default 9464). */
  readonly listenPort: number;
  /** `per_peer`: series for each peer of a listener besides the listener's sums (default no). */
  readonly perPeer: boolean;
  /** `per_peer_limit`: the most peers exported one by one; the rest count only in the sums. */
  readonly perPeerLimit: number;
  /** The line of each key, for errors found after parsing (a port that cannot be bound). */
  readonly lines: ReadonlyMap<string, number>;
  /** The line of the `[metrics]` marker, when the section exists. */
  readonly line: number | undefined;
}

/** Metrics off: no section, or a section that does not enable them. */
export const METRICS_OFF: MetricsSettings = Object.freeze({
  enabled: false,
  listenIp: DEFAULT_METRICS_IP,
  listenPort: DEFAULT_METRICS_PORT,
  perPeer: false,
  perPeerLimit: DEFAULT_PER_PEER_LIMIT,
  lines: new Map<string, number>(),
  line: undefined,
});

/** The keys of `[metrics]`, in the order the docs list them. */
export const METRICS_KEYS = ['enabled', 'listen_ip', 'listen_port', 'per_peer', 'per_peer_limit'] as const;

/**
 * Reads `[metrics]`. A bad value is an error naming file, line, section and key; the key's
 * default is used in its place (so a bad `listen_port` never binds the default port silently:
 * the node refuses to start on config errors of this section, see `RnsNode.start`). Keys the
 * section does not know get a notice.
 */
export function readMetricsSection(
  params: ConfigParams,
  where: { readonly file: string; readonly line: number; readonly lines: ReadonlyMap<string, number> },
  errors: ConfigError[],
  notices: string[],
): MetricsSettings {
  const reader = new ConfigParamReader('metrics', params);
  const attempt = <T>(key: string, read: () => T | undefined, fallback: T): T => {
    try {
      return read() ?? fallback;
    } catch (err) {
      if (!(err instanceof ConfigError)) throw err;
      errors.push(err.at(where.file, where.lines.get(key) ?? where.line));
      return fallback;
    }
  };
  const settings: MetricsSettings = Object.freeze({
    enabled: attempt('enabled', () => reader.boolean('enabled'), false),
    listenIp: attempt(
      'listen_ip',
      () => {
        const raw = reader.string('listen_ip');
        if (raw === undefined) return undefined;
        const ip = normalizeIp(raw);
        if (ip === undefined)
          throw reader.error('listen_ip', `expected an IP address such as 127.0.0.1 or ::1, got '${raw}'`);
        return ip;
      },
      DEFAULT_METRICS_IP,
    ),
    listenPort: attempt('listen_port', () => reader.port('listen_port'), DEFAULT_METRICS_PORT),
    perPeer: attempt('per_peer', () => reader.boolean('per_peer'), false),
    perPeerLimit: attempt(
      'per_peer_limit',
      () => reader.number('per_peer_limit', { min: 1, max: MAX_PER_PEER_LIMIT, integer: true }),
      DEFAULT_PER_PEER_LIMIT,
    ),
    lines: where.lines,
    line: where.line,
  });
  for (const key of Object.keys(params)) {
    if (!(METRICS_KEYS as readonly string[]).includes(key)) {
      notices.push(
        `${where.file}:${where.lines.get(key) ?? where.line}: [metrics] '${key}' is not used by rns-net; ignored`,
      );
    }
  }
  return settings;
}

/** The keys whose value differs between two readings of the section (they take a restart). */
export function changedMetricsKeys(before: MetricsSettings, after: MetricsSettings): string[] {
  const value = (s: MetricsSettings): Record<(typeof METRICS_KEYS)[number], unknown> => ({
    enabled: s.enabled,
    listen_ip: s.listenIp,
    listen_port: s.listenPort,
    per_peer: s.perPeer,
    per_peer_limit: s.perPeerLimit,
  });
  const a = value(before);
  const b = value(after);
  return METRICS_KEYS.filter((key) => a[key] !== b[key]);
}
