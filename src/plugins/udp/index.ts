import { DependencyContainer } from 'tsyringe';
import { registerInterfaceFactory } from '../../registry/register-plugin';
import { UdpInterfaceFactory } from './udp-interface-factory';

/** Registers `UDPInterface` in `container`. Importing this module registers nothing. */
export function registerUdpPlugin(container: DependencyContainer): void {
  registerInterfaceFactory(container, UdpInterfaceFactory);
}

export { UdpInterfaceFactory } from './udp-interface-factory';
export { parseUdpConfig } from './udp-config';
export type { ParseUdpOptions, UdpConfig } from './udp-config';
export { UDP_HW_MTU, UDP_TYPE_NAME } from './udp-constants';
