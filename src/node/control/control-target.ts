import { PeerPageRequest } from '../../core/driver/peer-state-service';
import { PeerStatePage } from '../../core/peer-state';
import { RuntimeConfigEntry, RuntimeConfigResult, RuntimeConfigValue } from '../../core/runtime-config';
import { NodeStatus, PathListPage, PathListRequest } from '../node-status';

/**
 * What the control endpoint serves: the node (or, in tests, a fake). Operations that can fail
 * return the runtime-config result shape so their error codes reach the client unchanged.
 */
export interface ControlTarget {
  /** Uptime, interfaces and relay counters. */
  status(): NodeStatus;
  /**
   * One page of the peer state of every listener, or of the named one (`not_found` when there is
   * none); see `PeerStateService.listPage`.
   */
  listPeers(request: PeerPageRequest): RuntimeConfigResult<PeerStatePage>;
  /** Blacklists `ip` on a listener; the value is the duration applied, in seconds. */
  blacklistPeer(
    interfaceName: string,
    ip: string,
    durationSecs: number,
    reason: string,
  ): RuntimeConfigResult<number>;
  /** Forgets `ip`'s state on a listener; the value says whether there was any. */
  clearPeer(interfaceName: string, ip: string): RuntimeConfigResult<boolean>;
  /**
   * One page of the path table (`unsupported` in flood mode, `not_found` for an unknown
   * interface name, `invalid_value` for bad filters or cursors).
   */
  listPaths(request: PathListRequest): RuntimeConfigResult<PathListPage>;
  /** Forgets the path to a destination (hex); the value says whether there was one. */
  dropPath(destination: string): RuntimeConfigResult<boolean>;
  /** Every runtime-config setting. */
  listRuntimeConfig(): readonly RuntimeConfigEntry[];
  /** One setting, or `undefined` for an unknown key. */
  getRuntimeConfig(key: string): RuntimeConfigEntry | undefined;
  /** Validates and applies a value. */
  setRuntimeConfig(key: string, value: RuntimeConfigValue): RuntimeConfigResult<RuntimeConfigEntry>;
  /** Restores a setting's startup value. */
  resetRuntimeConfig(key: string): RuntimeConfigResult<RuntimeConfigEntry>;
}
