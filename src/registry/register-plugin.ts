import { ClassProvider, DependencyContainer, Lifecycle } from 'tsyringe';
import { InterfaceFactory } from './interface-factory';
import { INTERFACE_FACTORY } from './tokens';

/** A factory class tsyringe can construct (decorated with `@injectable()` if it takes parameters). */
export type InterfaceFactoryClass = ClassProvider<InterfaceFactory>['useClass'];

/**
 * Registers an interface plugin's factory in `container` under {@link INTERFACE_FACTORY}. A class
 * is registered as a singleton of that container (one factory instance, so state a factory
 * keeps, such as the memory plugin's pipes, is per container); an instance is registered as is.
 * Plugins wrap this in their own `registerXPlugin(container)`.
 */
export function registerInterfaceFactory(
  container: DependencyContainer,
  factory: InterfaceFactoryClass | InterfaceFactory,
): void {
  if (isFactoryInstance(factory)) {
    container.register(INTERFACE_FACTORY, { useValue: factory });
  } else {
    container.register(INTERFACE_FACTORY, { useClass: factory }, { lifecycle: Lifecycle.Singleton });
  }
}

function isFactoryInstance(factory: InterfaceFactoryClass | InterfaceFactory): factory is InterfaceFactory {
  return typeof (factory as Partial<InterfaceFactory>).parseConfig === 'function';
}
