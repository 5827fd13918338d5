import { DependencyContainer } from 'tsyringe';
import { registerInterfaceFactory } from '../../registry/register-plugin';
import { MemoryInterfaceFactory } from './memory-interface-factory';

/**
 * Registers the in-memory reference plugin (`MemoryInterface`) in `container`. The factory is a
 * singleton of that container, so its pipes are shared by the sections started from it and by
 * nothing else.
 */
export function registerMemoryPlugin(container: DependencyContainer): void {
  registerInterfaceFactory(container, MemoryInterfaceFactory);
}
