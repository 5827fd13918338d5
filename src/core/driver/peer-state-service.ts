import { RnsError } from '../errors';
import { compareIp, normalizeIp } from '../ip-address';
import { PeerStateEntry, PeerStateHandle } from '../peer-state';
import { RuntimeConfigResult, runtimeConfigError } from '../runtime-config';
import { RNS_ERR_DUPLICATE_INTERFACE } from '../error-codes';

/**
 * Serves the peer-state handles of every attached listener by interface name: list, clear and
 * blacklist, with runtime-config style results (`not_found`, `invalid_value`, `invalid_type`,
 * `apply_failed`) so operator surfaces report every failure the same way.
 */
export class PeerStateService {
  private readonly handles = new Map<string, PeerStateHandle>();

  /**
   * Adds a handle.
   *
   * @throws {@link RnsError} `RNS_ERR_DUPLICATE_INTERFACE` when the name already has one.
   */
  add(handle: PeerStateHandle): void {
    if (this.handles.has(handle.interfaceName)) {
      throw new RnsError(
        RNS_ERR_DUPLICATE_INTERFACE,
        `a peer-state handle for interface '${handle.interfaceName}' is already registered`,
      );
    }
    this.handles.set(handle.interfaceName, handle);
  }

  /** Whether an interface of this name has a handle registered. */
  has(interfaceName: string): boolean {
    return this.handles.has(interfaceName);
  }

  /** Peer state of one interface, or of all; sorted by interface name, then IP. */
  list(interfaceName?: string): PeerStateEntry[] {
    const handles =
      interfaceName === undefined
        ? [...this.handles.values()]
        : [this.handles.get(interfaceName)].filter((h): h is PeerStateHandle => h !== undefined);
    const entries = handles.flatMap((h) => [...h.list()]);
    return entries.sort(
      (a, b) =>
        (a.interfaceName < b.interfaceName ? -1 : a.interfaceName > b.interfaceName ? 1 : 0) ||
        compareIp(a.ip, b.ip),
    );
  }

  /** Forgets an IP's state; `true` when there was any. */
  clear(interfaceName: string, ip: string): RuntimeConfigResult<boolean> {
    const target = this.target(interfaceName, ip);
    if (!target.ok) return target;
    const { handle, address } = target.value;
    try {
      return { ok: true, value: handle.clear(address) };
    } catch (err) {
      return runtimeConfigError(
        'apply_failed',
        `failed to clear ${address} on '${interfaceName}': ${message(err)}`,
      );
    }
  }

  /** Blacklists an IP; the value is the duration the handle applied, in seconds. */
  blacklist(
    interfaceName: string,
    ip: string,
    durationSecs: number,
    reason: string,
  ): RuntimeConfigResult<number> {
    if (typeof durationSecs !== 'number') {
      return runtimeConfigError('invalid_type', 'blacklist duration expects a numeric value');
    }
    if (!Number.isFinite(durationSecs) || durationSecs < 0) {
      return runtimeConfigError(
        'invalid_value',
        `blacklist duration must be a finite number >= 0, got ${durationSecs}`,
      );
    }
    if (typeof reason !== 'string')
      return runtimeConfigError('invalid_type', 'blacklist reason expects a string');
    const target = this.target(interfaceName, ip);
    if (!target.ok) return target;
    const { handle, address } = target.value;
    try {
      return { ok: true, value: handle.blacklist(address, durationSecs, reason) };
    } catch (err) {
      return runtimeConfigError(
        'apply_failed',
        `failed to blacklist ${address} on '${interfaceName}': ${message(err)}`,
      );
    }
  }

  private target(
    interfaceName: string,
    ip: string,
  ): RuntimeConfigResult<{ handle: PeerStateHandle; address: string }> {
    const handle = this.handles.get(interfaceName);
    if (handle === undefined) {
      return runtimeConfigError('not_found', `interface '${interfaceName}' not found or keeps no peer state`);
    }
    const address = typeof ip === 'string' ? normalizeIp(ip) : undefined;
    if (address === undefined) return runtimeConfigError('invalid_value', `invalid peer IP '${String(ip)}'`);
    return { ok: true, value: { handle, address } };
  }
}

function message(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
