import { DependencyContainer } from 'tsyringe';
import { registerInterfaceFactory } from '../../registry/register-plugin';
import { BackboneInterfaceFactory } from './backbone-interface-factory';

/**
 * Registers the `BackboneInterface` factory in `container` under the interface-factory token.
 * Called explicitly by the composition root; importing this module registers nothing.
 */
export function registerBackbonePlugin(container: DependencyContainer): void {
  registerInterfaceFactory(container, BackboneInterfaceFactory);
}

export { BackboneInterfaceFactory } from './backbone-interface-factory';
export { parseBackboneConfig } from './backbone-config-parser';
export type { ParseBackboneConfigOptions } from './backbone-config-parser';
export type { BackboneConfig, BackboneServerConfig, BackboneClientConfig } from './backbone-config';
export {
  BACKBONE_CLIENT_KEY_PREFIX,
  BACKBONE_CLIENT_LINK,
  BACKBONE_SERVER_KEY_PREFIX,
  BACKBONE_SERVER_LINK,
  BACKBONE_TYPE_NAME,
  DEFAULT_BACKBONE_PORT,
} from './backbone-constants';
