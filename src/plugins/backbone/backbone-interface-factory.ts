import { injectable } from 'tsyringe';
import { InterfaceId } from '../../core/interface-id';
import { PeerStateHandle } from '../../core/peer-state';
import { RuntimeConfigHandle } from '../../core/runtime-config';
import { ConfigParams } from '../../registry/config-params';
import {
  INTERFACE_API_VERSION,
  InterfaceFactory,
  StartContext,
  StartedInterface,
} from '../../registry/interface-factory';
import { BackboneConfig, BackboneServerConfig } from './backbone-config';
import { parseBackboneConfig } from './backbone-config-parser';
import { BACKBONE_TYPE_NAME } from './backbone-constants';
import { BackboneStateRegistry } from './backbone-state-registry';
import { startBackboneClient } from './client/backbone-client';
import { createClientRuntimeHandle } from './client/client-runtime-handle';
import { startBackboneServer } from './server/backbone-server';
import { createServerPeerStateHandle } from './server/server-peer-state-handle';
import { createServerRuntimeHandle } from './server/server-runtime-handle';

/**
 * The `BackboneInterface` plugin: a TCP server spawning one dynamic interface per peer, or (with
 * `remote`/`target_host`) a client with reconnect. The live state of each parsed section (runtime
 * settings, peer monitor) is created on first use and shared by the handles and the running
 * interface.
 */
@injectable()
export class BackboneInterfaceFactory implements InterfaceFactory<BackboneConfig> {
  readonly typeName = BACKBONE_TYPE_NAME;
  readonly apiVersion = INTERFACE_API_VERSION;

  private readonly states = new BackboneStateRegistry();
  private readonly runtimeHandles = new WeakMap<BackboneConfig, RuntimeConfigHandle>();
  private readonly peerStateHandles = new WeakMap<BackboneServerConfig, PeerStateHandle>();

  parseConfig(name: string, id: InterfaceId, params: ConfigParams): BackboneConfig {
    return parseBackboneConfig(name, id, params);
  }

  async start(config: BackboneConfig, ctx: StartContext): Promise<StartedInterface> {
    // The handles record their startup values when first built: build them before anything runs.
    this.runtimeConfigHandle(config);
    if (config.unknownKeys !== undefined && config.unknownKeys.length > 0) {
      ctx.logger.warn('unknown config keys ignored', { keys: config.unknownKeys.join(', ') });
    }
    if (config.mode === 'server') return startBackboneServer(config, this.states.server(config), ctx);
    return startBackboneClient(config, this.states.client(config), ctx);
  }

  runtimeConfigHandle(config: BackboneConfig): RuntimeConfigHandle | undefined {
    let handle = this.runtimeHandles.get(config);
    if (handle === undefined) {
      handle =
        config.mode === 'server'
          ? createServerRuntimeHandle(this.states.server(config))
          : createClientRuntimeHandle(config, this.states.client(config));
      this.runtimeHandles.set(config, handle);
    }
    return handle;
  }

  peerStateHandle(config: BackboneConfig): PeerStateHandle | undefined {
    if (config.mode !== 'server') return undefined;
    let handle = this.peerStateHandles.get(config);
    if (handle === undefined) {
      handle = createServerPeerStateHandle(this.states.server(config));
      this.peerStateHandles.set(config, handle);
    }
    return handle;
  }
}
