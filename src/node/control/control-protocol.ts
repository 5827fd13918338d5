import { PeerStatePage } from '../../core/peer-state';
import { RuntimeConfigEntry, RuntimeConfigErrorCode, RuntimeConfigValue } from '../../core/runtime-config';
import { NodeStatus, PathListPage } from '../node-status';

/**
 * The control protocol: newline-delimited JSON over the node's Unix socket. A client writes one
 * request per line and reads one response per line, in order:
 *
 * - request: `{ "id": 1, "method": "config.get", "params": { "key": "..." } }`
 * - success: `{ "id": 1, "ok": true, "result": ... }`
 * - failure: `{ "id": 1, "ok": false, "error": { "code": "unknown_key", "message": "..." } }`
 *
 * The `id` is echoed so a client may pipeline; it is `null` when the request could not be read.
 * A client that pipelines must read: the node stops reading a connection whose answers wait
 * unsent, and closes one that makes no progress for a minute.
 */

/** Largest request line the node reads (64 KiB); a longer line is answered with `request_too_large`. */
export const MAX_CONTROL_REQUEST_BYTES = 64 * 1024;

/**
 * Largest response line (64 MiB): a peer list of a busy hub can be large. The node answers a
 * longer one with `response_too_large`; a client refuses to buffer more.
 */
export const MAX_CONTROL_RESPONSE_BYTES = 64 * 1024 * 1024;

/** A request id: echoed verbatim in the response. */
export type ControlRequestId = string | number | null;

/** The params and result of every method. */
export interface ControlMethods {
  /** Uptime, interfaces and relay counters. */
  status: { params: Record<string, never>; result: NodeStatus };
  /**
   * One page of the per-IP peer state of every listener, or of one, in no particular order. Ask
   * again with the returned `cursor` (and the same `interface`) until it is null; `limit` is the
   * most entries per page (default 250, at most 1000). Paged so a listing of a large table never
   * holds up the node for long.
   */
  'peers.list': {
    params: { interface?: string; cursor?: string; limit?: number };
    result: PeerStatePage;
  };
  /** Blacklists an IP on a listener (and disconnects it); the result is the duration applied. */
  'peers.blacklist': {
    params: { interface: string; ip: string; durationSecs: number; reason?: string };
    result: { durationSecs: number };
  };
  /** Forgets an IP's state on a listener (lifting its blacklist). */
  'peers.clear': { params: { interface: string; ip: string }; result: { cleared: true } };
  /**
   * One page of the path table (with `enable_transport`), in no particular order; filters:
   * `destination` (hex prefix), `interface` (a configured interface, or a listener and every peer
   * it spawned), `maxHops`. Ask again with the returned `cursor` and the same filters until it is
   * null; `limit` as for `peers.list`. A page may hold fewer paths than the limit before the end.
   */
  'paths.list': {
    params: { destination?: string; interface?: string; maxHops?: number; cursor?: string; limit?: number };
    result: PathListPage;
  };
  /** Forgets the path to a destination (a 32-digit hex hash); `not_found` when there is none. */
  'paths.drop': { params: { destination: string }; result: { dropped: true } };
  /** Every runtime-config setting. */
  'config.list': { params: Record<string, never>; result: readonly RuntimeConfigEntry[] };
  /** One runtime-config setting. */
  'config.get': { params: { key: string }; result: RuntimeConfigEntry };
  /** Changes a runtime-config setting; the result is the setting read back. */
  'config.set': { params: { key: string; value: RuntimeConfigValue }; result: RuntimeConfigEntry };
  /** Restores a setting's startup value; the result is the setting read back. */
  'config.reset': { params: { key: string }; result: RuntimeConfigEntry };
}

/** A method name. */
export type ControlMethod = keyof ControlMethods;

/** Every method name, in the order `rns-net --help` lists them. */
export const CONTROL_METHODS: readonly ControlMethod[] = [
  'status',
  'peers.list',
  'peers.blacklist',
  'peers.clear',
  'paths.list',
  'paths.drop',
  'config.list',
  'config.get',
  'config.set',
  'config.reset',
];

/** Whether `name` is a {@link ControlMethod}. */
export function isControlMethod(name: string): name is ControlMethod {
  return (CONTROL_METHODS as readonly string[]).includes(name);
}

/**
 * Error codes: the runtime-config codes (`unknown_key`, `invalid_type`, `invalid_value`,
 * `unsupported`, `not_found`, `apply_failed`) plus the protocol's own.
 */
export type ControlErrorCode =
  | RuntimeConfigErrorCode
  /** The line is not a JSON object with a string `method`. */
  | 'invalid_request'
  /** No such method. */
  | 'unknown_method'
  /** The request line exceeded {@link MAX_CONTROL_REQUEST_BYTES}; the node closes the connection. */
  | 'request_too_large'
  /** The response would exceed {@link MAX_CONTROL_RESPONSE_BYTES}. */
  | 'response_too_large'
  /** The node serves as many control connections as it allows; this one is closed. */
  | 'too_many_connections'
  /** The node failed while serving the request (a bug; it is logged). */
  | 'internal_error';

/** A failed request's error. */
export interface ControlError {
  /** What went wrong, for programs (the CLI prints it before the message). */
  readonly code: ControlErrorCode;
  /** What went wrong, for people. */
  readonly message: string;
}

/** The outcome of serving one request (before the id is attached). */
export type ControlOutcome =
  { readonly ok: true; readonly result: unknown } | { readonly ok: false; readonly error: ControlError };

/** One response line. */
export type ControlResponse = { readonly id: ControlRequestId } & ControlOutcome;

/** One request line. */
export interface ControlRequest {
  /** Chosen by the client; the response carries it back. */
  readonly id: ControlRequestId;
  /** The operation (`status`, `peers.list`, `config.set`, ...); an unknown one is an error. */
  readonly method: string;
  /** The operation's arguments; checked by the dispatcher, never trusted. */
  readonly params?: unknown;
}
