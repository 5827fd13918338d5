import { normalizeIp } from '../../core/ip-address';
import { Logger } from '../../core/logger';
import { RuntimeConfigResult, RuntimeConfigValue } from '../../core/runtime-config';
import { ControlErrorCode, ControlOutcome, isControlMethod } from './control-protocol';
import { ControlTarget } from './control-target';

/** The reason used when `peers.blacklist` names none. */
export const DEFAULT_BLACKLIST_REASON = 'operator blacklist';

/** Thrown inside the dispatcher when params do not fit; turned into an error outcome. */
class ParamError extends Error {
  constructor(
    readonly code: ControlErrorCode,
    message: string,
  ) {
    super(message);
  }
}

/** Reads a method's params object, refusing unknown keys so a typo is not silently ignored. */
class Params {
  private readonly fields: Readonly<Record<string, unknown>>;

  constructor(
    private readonly method: string,
    raw: unknown,
    allowed: readonly string[],
  ) {
    if (raw === undefined || raw === null) {
      this.fields = {};
    } else if (typeof raw !== 'object' || Array.isArray(raw)) {
      throw new ParamError('invalid_type', `${method}: params must be an object`);
    } else {
      this.fields = raw as Record<string, unknown>;
    }
    for (const key of Object.keys(this.fields)) {
      if (!allowed.includes(key)) throw new ParamError('invalid_value', `${method}: unknown param '${key}'`);
    }
  }

  /** A required non-empty string. */
  string(key: string): string {
    const value = this.optionalString(key);
    if (value === undefined) throw new ParamError('invalid_value', `${this.method}: missing param '${key}'`);
    return value;
  }

  /** An optional non-empty string. */
  optionalString(key: string): string | undefined {
    const value = this.fields[key];
    if (value === undefined) return undefined;
    if (typeof value !== 'string')
      throw new ParamError('invalid_type', `${this.method}: '${key}' must be a string`);
    if (value.length === 0)
      throw new ParamError('invalid_value', `${this.method}: '${key}' must not be empty`);
    return value;
  }

  /** An IP address (IPv4 or IPv6, without a zone id), in its canonical spelling. */
  ip(key: string): string {
    const value = this.string(key);
    const ip = normalizeIp(value);
    if (ip === undefined)
      throw new ParamError('invalid_value', `${this.method}: '${key}' is not an IP address: ${value}`);
    return ip;
  }

  /** An optional integer. */
  optionalInteger(key: string): number | undefined {
    const value = this.fields[key];
    if (value === undefined) return undefined;
    if (typeof value !== 'number' || !Number.isInteger(value))
      throw new ParamError('invalid_type', `${this.method}: '${key}' must be an integer`);
    return value;
  }

  /** A required positive, finite number. */
  positiveNumber(key: string): number {
    const value = this.fields[key];
    if (value === undefined) throw new ParamError('invalid_value', `${this.method}: missing param '${key}'`);
    if (typeof value !== 'number')
      throw new ParamError('invalid_type', `${this.method}: '${key}' must be a number`);
    if (!Number.isFinite(value) || value <= 0) {
      throw new ParamError('invalid_value', `${this.method}: '${key}' must be a positive number`);
    }
    return value;
  }

  /** A required scalar runtime-config value (number, boolean, string or null). */
  scalar(key: string): RuntimeConfigValue {
    if (!(key in this.fields))
      throw new ParamError('invalid_value', `${this.method}: missing param '${key}'`);
    const value = this.fields[key];
    if (value === null || typeof value === 'boolean' || typeof value === 'string') return value;
    if (typeof value === 'number' && Number.isFinite(value)) return value;
    throw new ParamError(
      'invalid_type',
      `${this.method}: '${key}' must be a number, boolean, string or null`,
    );
  }
}

/** Unwraps a target result into an outcome. */
function fromResult<T>(result: RuntimeConfigResult<T>, map: (value: T) => unknown): ControlOutcome {
  return result.ok ? { ok: true, result: map(result.value) } : { ok: false, error: result.error };
}

/**
 * Serves one request against a {@link ControlTarget}: validates params, calls the target and
 * shapes the outcome. Never throws: bad params become `invalid_type`/`invalid_value`, an unknown
 * method `unknown_method`, and a target that throws `internal_error` (logged, as it is a bug).
 */
export function dispatchControlRequest(
  target: ControlTarget,
  method: string,
  params: unknown,
  logger: Logger,
): ControlOutcome {
  if (!isControlMethod(method)) {
    return { ok: false, error: { code: 'unknown_method', message: `unknown method '${method}'` } };
  }
  try {
    switch (method) {
      case 'status':
        new Params(method, params, []);
        return { ok: true, result: target.status() };
      case 'peers.list': {
        const p = new Params(method, params, ['interface', 'cursor', 'limit']);
        const request = {
          interfaceName: p.optionalString('interface'),
          cursor: p.optionalString('cursor'),
          limit: p.optionalInteger('limit'),
        };
        return fromResult(target.listPeers(request), (page) => page);
      }
      case 'peers.blacklist': {
        const p = new Params(method, params, ['interface', 'ip', 'durationSecs', 'reason']);
        const name = p.string('interface');
        const ip = p.ip('ip');
        const duration = p.positiveNumber('durationSecs');
        const reason = p.optionalString('reason') ?? DEFAULT_BLACKLIST_REASON;
        return fromResult(target.blacklistPeer(name, ip, duration, reason), (applied) => ({
          durationSecs: applied,
        }));
      }
      case 'peers.clear': {
        const p = new Params(method, params, ['interface', 'ip']);
        const name = p.string('interface');
        const ip = p.ip('ip');
        const result = target.clearPeer(name, ip);
        if (result.ok && !result.value) {
          return { ok: false, error: { code: 'not_found', message: `no peer state for ${ip} on '${name}'` } };
        }
        return fromResult(result, () => ({ cleared: true }));
      }
      case 'paths.list': {
        const p = new Params(method, params, ['destination', 'interface', 'maxHops', 'cursor', 'limit']);
        const maxHops = p.optionalInteger('maxHops');
        if (maxHops !== undefined && (maxHops < 0 || maxHops > 255)) {
          throw new ParamError('invalid_value', `${method}: 'maxHops' must be 0..255`);
        }
        const request = {
          destination: p.optionalString('destination'),
          interfaceName: p.optionalString('interface'),
          maxHops,
          cursor: p.optionalString('cursor'),
          limit: p.optionalInteger('limit'),
        };
        return fromResult(target.listPaths(request), (page) => page);
      }
      case 'paths.drop': {
        const destination = new Params(method, params, ['destination']).string('destination');
        const result = target.dropPath(destination);
        if (result.ok && !result.value) {
          return { ok: false, error: { code: 'not_found', message: `no path to ${destination}` } };
        }
        return fromResult(result, () => ({ dropped: true }));
      }
      case 'config.list':
        new Params(method, params, []);
        return { ok: true, result: target.listRuntimeConfig() };
      case 'config.get': {
        const key = new Params(method, params, ['key']).string('key');
        const entry = target.getRuntimeConfig(key);
        if (entry === undefined) {
          return {
            ok: false,
            error: { code: 'unknown_key', message: `unknown runtime-config key '${key}'` },
          };
        }
        return { ok: true, result: entry };
      }
      case 'config.set': {
        const p = new Params(method, params, ['key', 'value']);
        const key = p.string('key');
        return fromResult(target.setRuntimeConfig(key, p.scalar('value')), (entry) => entry);
      }
      case 'config.reset': {
        const key = new Params(method, params, ['key']).string('key');
        return fromResult(target.resetRuntimeConfig(key), (entry) => entry);
      }
    }
  } catch (err) {
    if (err instanceof ParamError) return { ok: false, error: { code: err.code, message: err.message } };
    logger.error('control request failed', { method, error: (err as Error).message });
    return {
      ok: false,
      error: { code: 'internal_error', message: `${method} failed: ${(err as Error).message}` },
    };
  }
}
