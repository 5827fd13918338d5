import { PeerStateEntry } from '../core/peer-state';
import { RuntimeConfigEntry, RuntimeConfigResult, RuntimeConfigValue } from '../core/runtime-config';
import { ControlTarget } from './control/control-target';
import { NodeStatus } from './node-status';

/**
 * Serves the control endpoint while the node is still starting: the socket is opened first (it
 * is the lock), and requests that arrive before the node is ready get `unsupported`.
 */
export class DeferredControlTarget implements ControlTarget {
  private node: ControlTarget | undefined;

  /** Starts serving `node`. */
  bind(node: ControlTarget): void {
    this.node = node;
  }

  private get ready(): ControlTarget {
    if (this.node === undefined) throw new Error('the node is still starting');
    return this.node;
  }

  status(): NodeStatus {
    return this.ready.status();
  }
  listPeers(interfaceName?: string): RuntimeConfigResult<readonly PeerStateEntry[]> {
    return this.ready.listPeers(interfaceName);
  }
  blacklistPeer(
    interfaceName: string,
    ip: string,
    durationSecs: number,
    reason: string,
  ): RuntimeConfigResult<number> {
    return this.ready.blacklistPeer(interfaceName, ip, durationSecs, reason);
  }
  clearPeer(interfaceName: string, ip: string): RuntimeConfigResult<boolean> {
    return this.ready.clearPeer(interfaceName, ip);
  }
  listRuntimeConfig(): readonly RuntimeConfigEntry[] {
    return this.ready.listRuntimeConfig();
  }
  getRuntimeConfig(key: string): RuntimeConfigEntry | undefined {
    return this.ready.getRuntimeConfig(key);
  }
  setRuntimeConfig(key: string, value: RuntimeConfigValue): RuntimeConfigResult<RuntimeConfigEntry> {
    return this.ready.setRuntimeConfig(key, value);
  }
  resetRuntimeConfig(key: string): RuntimeConfigResult<RuntimeConfigEntry> {
    return this.ready.resetRuntimeConfig(key);
  }
}
