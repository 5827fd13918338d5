import { BackboneClientConfig, BackboneClientRuntime, BackboneServerConfig } from './backbone-config';
import { BackboneServerState } from './server/backbone-server-state';

/**
 * The live state of every parsed Backbone section, keyed by its config object and created on
 * first use. The handles (asked for before or after start) and the running interface all get the
 * same objects, so a setting changed through a handle is the one the interface reads. Keyed
 * weakly: a config dropped by the node takes its state with it.
 */
export class BackboneStateRegistry {
  private readonly servers = new WeakMap<BackboneServerConfig, BackboneServerState>();
  private readonly clients = new WeakMap<BackboneClientConfig, BackboneClientRuntime>();

  /** The shared state of a server section. */
  server(config: BackboneServerConfig): BackboneServerState {
    let state = this.servers.get(config);
    if (state === undefined) {
      state = new BackboneServerState(config);
      this.servers.set(config, state);
    }
    return state;
  }

  /** The live (mutable) settings of a client section, initialised from its startup values. */
  client(config: BackboneClientConfig): BackboneClientRuntime {
    let runtime = this.clients.get(config);
    if (runtime === undefined) {
      runtime = { ...config.startup };
      this.clients.set(config, runtime);
    }
    return runtime;
  }
}
