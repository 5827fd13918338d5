import { DependencyContainer } from 'tsyringe';
import { registerInterfaceFactory } from '../../registry/register-plugin';
import { TcpClientInterfaceFactory, TcpServerInterfaceFactory } from './tcp-interface-factories';

/**
 * Registers `TCPServerInterface` and `TCPClientInterface` in `container`. Called explicitly by
 * the composition root; importing this module registers nothing.
 */
export function registerTcpPlugin(container: DependencyContainer): void {
  registerInterfaceFactory(container, TcpServerInterfaceFactory);
  registerInterfaceFactory(container, TcpClientInterfaceFactory);
}

export { TcpClientInterfaceFactory, TcpServerInterfaceFactory } from './tcp-interface-factories';
export { parseTcpClientConfig, parseTcpServerConfig } from './tcp-config-parser';
export type { ParseTcpServerOptions } from './tcp-config-parser';
export type { TcpClientConfig, TcpServerConfig } from './tcp-config';
export { TCP_CLIENT_TYPE_NAME, TCP_HW_MTU, TCP_SERVER_TYPE_NAME } from './tcp-constants';
