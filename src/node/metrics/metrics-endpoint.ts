import { ConfigError } from '../../core/errors';
import { Logger } from '../../core/logger';
import { MetricsSettings } from '../config/metrics-section';
import { MetricsServer, MetricsServerLimits } from './metrics-server';

/** Why a bind failed, and which key of `[metrics]` the operator changes about it. */
function bindProblem(
  err: NodeJS.ErrnoException,
  host: string,
  port: number,
): { key: string; detail: string } {
  const where = `${host}:${port}`;
  switch (err.code) {
    case 'EADDRINUSE':
      return {
        key: 'listen_port',
        detail: `cannot serve metrics on ${where}: the port is in use; choose another listen_port`,
      };
    case 'EACCES':
      return {
        key: 'listen_port',
        detail: `cannot serve metrics on ${where}: permission denied (ports below 1024 need privileges)`,
      };
    case 'EADDRNOTAVAIL':
      return {
        key: 'listen_ip',
        detail: `cannot serve metrics on ${where}: ${host} is not an address of this host`,
      };
    case 'EAFNOSUPPORT':
      return {
        key: 'listen_ip',
        detail: `cannot serve metrics on ${where}: this host has no ${host.includes(':') ? 'IPv6' : 'IPv4'}`,
      };
    default:
      return { key: 'listen_port', detail: `cannot serve metrics on ${where}: ${err.message}` };
  }
}

/**
 * Binds the metrics endpoint `[metrics]` asks for. A bind failure is a {@link ConfigError} naming
 * the file, the line and the key to change (`listen_port` for a port in use or privileged,
 * `listen_ip` for an address this host does not have).
 */
export async function openMetricsEndpoint(
  settings: MetricsSettings,
  file: string,
  logger: Logger,
  limits?: Partial<MetricsServerLimits>,
): Promise<MetricsServer> {
  const { listenIp: host, listenPort: port } = settings;
  try {
    return await MetricsServer.listen({ host, port, logger, limits });
  } catch (err) {
    const { key, detail } = bindProblem(err as NodeJS.ErrnoException, host, port);
    throw new ConfigError(
      detail,
      { file, line: settings.lines.get(key) ?? settings.line, section: 'metrics', key },
      { cause: err },
    );
  }
}
