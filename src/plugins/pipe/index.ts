import { DependencyContainer } from 'tsyringe';
import { registerInterfaceFactory } from '../../registry/register-plugin';
import { PipeInterfaceFactory } from './pipe-interface-factory';

/** Registers `PipeInterface` in `container`. Importing this module registers nothing. */
export function registerPipePlugin(container: DependencyContainer): void {
  registerInterfaceFactory(container, PipeInterfaceFactory);
}

export { PipeInterfaceFactory } from './pipe-interface-factory';
export { parsePipeConfig } from './pipe-config';
export type { PipeConfig } from './pipe-config';
export { PIPE_HW_MTU, PIPE_TYPE_NAME } from './pipe-constants';
