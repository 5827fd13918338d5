import { injectable } from 'tsyringe';
import { InterfaceId } from '../../core/interface-id';
import { RuntimeStartup, runtimeStartupOf } from '../../core/runtime-config';
import { ConfigParams } from '../../registry/config-params';
import {
  INTERFACE_API_VERSION,
  InterfaceFactory,
  StartContext,
  StartedInterface,
  warnUnknownKeys,
} from '../../registry/interface-factory';
import { BackboneClientConfig, BackboneConfig } from './backbone-config';
import { parseBackboneClientConfig, parseBackboneConfig } from './backbone-config-parser';
import { BACKBONE_CLIENT_TYPE_NAME, BACKBONE_IFAC_SIZE, BACKBONE_TYPE_NAME } from './backbone-constants';
import { createClientRuntimeHandle } from '../../net/client/client-runtime-handle';
import { startStreamClient } from '../../net/client/stream-client';
import { createServerRuntimeHandle } from '../../net/server/server-runtime-handle';
import { StreamServerState } from '../../net/server/server-state';
import { startStreamServer } from '../../net/server/stream-server';

/**
 * The `BackboneInterface` plugin: a TCP server spawning one dynamic interface per peer, or (with
 * `remote`/`target_host`) a client with reconnect. Each start creates the interface's live state
 * and returns it with its handles; the factory itself keeps nothing per section.
 */
@injectable()
export class BackboneInterfaceFactory implements InterfaceFactory<BackboneConfig> {
  readonly typeName = BACKBONE_TYPE_NAME;
  readonly apiVersion = INTERFACE_API_VERSION;
  readonly defaultIfacSize = BACKBONE_IFAC_SIZE;

  parseConfig(name: string, id: InterfaceId, params: ConfigParams): BackboneConfig {
    return parseBackboneConfig(name, id, params);
  }

  async start(config: BackboneConfig, ctx: StartContext): Promise<StartedInterface> {
    warnUnknownKeys(config.unknownKeys, ctx);
    if (config.mode === 'server') return startStreamServer(config, ctx);
    return startStreamClient(config, ctx);
  }

  runtimeStartup(config: BackboneConfig): RuntimeStartup {
    // A handle over fresh state reads exactly what a started interface's handle starts with.
    return runtimeStartupOf(
      config.mode === 'server'
        ? createServerRuntimeHandle(new StreamServerState(config))
        : createClientRuntimeHandle(config, { ...config.startup }),
    );
  }
}

/**
 * The `BackboneClientInterface` plugin: a Backbone client whatever its keys, as Python maps the
 * type (`target_host`/`remote`, `target_port`/`port`, and the client keys of BackboneInterface).
 */
@injectable()
export class BackboneClientInterfaceFactory implements InterfaceFactory<BackboneClientConfig> {
  readonly typeName = BACKBONE_CLIENT_TYPE_NAME;
  readonly apiVersion = INTERFACE_API_VERSION;
  readonly defaultIfacSize = BACKBONE_IFAC_SIZE;
  private readonly backbone = new BackboneInterfaceFactory();

  parseConfig(name: string, id: InterfaceId, params: ConfigParams): BackboneClientConfig {
    return parseBackboneClientConfig(name, id, params);
  }

  start(config: BackboneClientConfig, ctx: StartContext): Promise<StartedInterface> {
    return this.backbone.start(config, ctx);
  }

  runtimeStartup(config: BackboneClientConfig): RuntimeStartup {
    return this.backbone.runtimeStartup(config);
  }
}
