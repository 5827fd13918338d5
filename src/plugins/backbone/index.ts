import { DependencyContainer } from 'tsyringe';
import { registerInterfaceFactory } from '../../registry/register-plugin';
import { BackboneClientInterfaceFactory, BackboneInterfaceFactory } from './backbone-interface-factory';

/**
 * Registers the `BackboneInterface` and `BackboneClientInterface` factories in `container` under
 * the interface-factory token. Called explicitly by the composition root; importing this module
 * registers nothing.
 */
export function registerBackbonePlugin(container: DependencyContainer): void {
  registerInterfaceFactory(container, BackboneInterfaceFactory);
  registerInterfaceFactory(container, BackboneClientInterfaceFactory);
}

export { BackboneClientInterfaceFactory, BackboneInterfaceFactory } from './backbone-interface-factory';
export { parseBackboneClientConfig, parseBackboneConfig } from './backbone-config-parser';
export type { ParseBackboneConfigOptions } from './backbone-config-parser';
export type { BackboneConfig, BackboneServerConfig, BackboneClientConfig } from './backbone-config';
export {
  BACKBONE_CLIENT_KEY_PREFIX,
  BACKBONE_CLIENT_TYPE_NAME,
  BACKBONE_CLIENT_LINK,
  BACKBONE_SERVER_KEY_PREFIX,
  BACKBONE_SERVER_LINK,
  BACKBONE_TYPE_NAME,
  DEFAULT_BACKBONE_PORT,
} from './backbone-constants';
