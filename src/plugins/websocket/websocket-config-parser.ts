import { readFileSync } from 'node:fs';
import { InterfaceId } from '../../core/interface-id';
import { formatHostPort } from '../../core/ip-address';
import { ClientRuntime } from '../../net/client/client-config';
import { nonEmptyString } from '../../net/net-config';
import {
  DEFAULT_CONNECT_TIMEOUT_SECS,
  DEFAULT_RECONNECT_WAIT_SECS,
  DEFAULT_WRITE_STALL_TIMEOUT_SECS,
  MIN_RECONNECT_WAIT_SECS,
} from '../../net/net-constants';
import { secondsToMs } from '../../net/seconds-to-ms';
import { readServerSettings } from '../../net/server/server-settings';
import { ConfigParamReader, ConfigParams } from '../../registry/config-params';
import { TlsFiles, WebSocketClientConfig, WebSocketConfig, WebSocketServerConfig } from './websocket-config';
import { DEFAULT_WEBSOCKET_PATH } from './websocket-constants';

/** Which section kinds a type name allows: MeshChat's names fix the kind, ours chooses by keys. */
export type WebSocketSectionKind = 'server' | 'client' | 'either';

/**
 * Parses a WebSocket interface section: a client when `target_url` or `target_host` is present
 * (or the type is MeshChat's client), a server otherwise. Every value that is present must
 * parse; a bad value is a {@link ConfigError} naming the section and key. The TLS files are read
 * here, so a missing or unreadable file is reported like any bad value.
 *
 * @param kind - what the type name allows (see {@link WebSocketSectionKind}).
 * @throws {@link ConfigError} when a value cannot be used.
 */
export function parseWebSocketConfig(
  name: string,
  id: InterfaceId,
  params: ConfigParams,
  kind: WebSocketSectionKind = 'either',
): WebSocketConfig {
  const reader = new ConfigParamReader(name, params);
  const isClient =
    kind === 'client' || (kind === 'either' && reader.firstPresent('target_url', 'target_host'));
  const config = isClient ? parseClient(reader, name, id) : parseServer(reader, name, id);
  return { ...config, unknownKeys: reader.unusedKeys() };
}

function parseServer(reader: ConfigParamReader, name: string, id: InterfaceId): WebSocketServerConfig {
  const listenIp = nonEmptyString(reader, 'listen_ip');
  if (listenIp === undefined) throw reader.error('listen_ip', 'is required');
  const listenPort = reader.listenPort('listen_port');
  if (listenPort === undefined) throw reader.error('listen_port', 'is required');
  const path = readPath(reader);
  const allowedOrigins = readOrigins(reader);
  const tls = readTlsFiles(reader);
  const { startup, abuse } = readServerSettings(reader);
  return { mode: 'server', name, id, listenIp, listenPort, path, allowedOrigins, tls, startup, abuse };
}

function parseClient(reader: ConfigParamReader, name: string, id: InterfaceId): WebSocketClientConfig {
  const url = readTargetUrl(reader);
  const caPath = nonEmptyString(reader, 'tls_ca');
  const tlsCa = caPath === undefined ? null : readFile(reader, 'tls_ca', caPath);
  const startup: ClientRuntime = {
    reconnectWaitMs: secondsToMs(
      reader.seconds('reconnect_wait', MIN_RECONNECT_WAIT_SECS) ?? DEFAULT_RECONNECT_WAIT_SECS,
    ),
    maxReconnectTries: reader.count('max_reconnect_tries') ?? null,
    connectTimeoutMs: secondsToMs(reader.seconds('connect_timeout') ?? DEFAULT_CONNECT_TIMEOUT_SECS),
    writeStallTimeoutMs: secondsToMs(
      reader.seconds('write_stall_timeout') ?? DEFAULT_WRITE_STALL_TIMEOUT_SECS,
    ),
  };
  return { mode: 'client', name, id, url, tlsCa, startup: Object.freeze(startup) };
}

/**
 * `target_url` (`ws://` or `wss://`) wins, as MeshChat reads it; otherwise the URL is built from
 * `target_type` (`ws`, the default, or `wss`), `target_host`, `target_port` (default 80 for ws,
 * 443 for wss) and `path`.
 */
function readTargetUrl(reader: ConfigParamReader): string {
  const target = nonEmptyString(reader, 'target_url');
  if (target !== undefined) {
    let url: URL;
    try {
      url = new URL(target);
    } catch {
      throw reader.error('target_url', `'${target}' is not a URL`);
    }
    if (url.protocol !== 'ws:' && url.protocol !== 'wss:') {
      throw reader.error('target_url', `must be a ws:// or wss:// URL, got '${target}'`);
    }
    if (url.hash !== '') throw reader.error('target_url', `must not have a fragment, got '${target}'`);
    return url.href;
  }
  const host = nonEmptyString(reader, 'target_host');
  if (host === undefined) throw reader.error('target_url', 'is required (or target_host)');
  const type = (nonEmptyString(reader, 'target_type') ?? 'ws').toLowerCase();
  if (type !== 'ws' && type !== 'wss') {
    throw reader.error('target_type', `must be ws or wss, got '${type}'`);
  }
  const port = reader.port('target_port') ?? (type === 'wss' ? 443 : 80);
  const url = `${type}://${formatHostPort(host, port)}${readPath(reader)}`;
  try {
    return new URL(url).href;
  } catch {
    throw reader.error('target_host', `'${host}' does not make a valid URL`);
  }
}

/** `path`: an absolute request path, without query or fragment. */
function readPath(reader: ConfigParamReader): string {
  const path = nonEmptyString(reader, 'path') ?? DEFAULT_WEBSOCKET_PATH;
  if (!path.startsWith('/') || /[?#\s]/.test(path)) {
    throw reader.error('path', `must be an absolute path such as /rns, got '${path}'`);
  }
  return path;
}

/** `allowed_origins`: a comma list of `scheme://host[:port]`, compared in their canonical form. */
function readOrigins(reader: ConfigParamReader): ReadonlySet<string> | null {
  const list = reader.list('allowed_origins');
  if (list === undefined) return null;
  if (list.length === 0) throw reader.error('allowed_origins', 'must list at least one origin');
  const origins = new Set<string>();
  for (const entry of list) {
    const origin = canonicalOrigin(entry);
    if (origin === undefined) {
      throw reader.error('allowed_origins', `'${entry}' is not an origin such as https://example.org`);
    }
    origins.add(origin);
  }
  return origins;
}

/**
 * The canonical form of an origin (`scheme://host[:port]`, lower case, default port left out),
 * or undefined when `text` is not one (a path, a query or user info makes it no origin).
 */
export function canonicalOrigin(text: string): string | undefined {
  let url: URL;
  try {
    url = new URL(text.trim());
  } catch {
    return undefined;
  }
  if (url.origin === 'null' || url.username !== '' || url.password !== '') return undefined;
  if ((url.pathname !== '/' && url.pathname !== '') || url.search !== '' || url.hash !== '') return undefined;
  return url.origin;
}

/** `tls_cert` and `tls_key`: both or neither. */
function readTlsFiles(reader: ConfigParamReader): TlsFiles | null {
  const certPath = nonEmptyString(reader, 'tls_cert');
  const keyPath = nonEmptyString(reader, 'tls_key');
  if (certPath === undefined && keyPath === undefined) return null;
  if (certPath === undefined) throw reader.error('tls_cert', 'is required with tls_key');
  if (keyPath === undefined) throw reader.error('tls_key', 'is required with tls_cert');
  return { cert: readFile(reader, 'tls_cert', certPath), key: readFile(reader, 'tls_key', keyPath) };
}

function readFile(reader: ConfigParamReader, key: string, path: string): Buffer {
  try {
    return readFileSync(path);
  } catch (err) {
    throw reader.error(key, `cannot read '${path}': ${(err as Error).message}`);
  }
}
