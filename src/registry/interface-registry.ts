import { injectable, injectAll } from 'tsyringe';
import { ConfigError } from '../core/errors';
import { describeFactory, factoryProblem } from './factory-check';
import { InterfaceFactory } from './interface-factory';
import { RegistryError } from './registry-error';
import { INTERFACE_FACTORY } from './tokens';

/**
 * Every interface plugin, by exact (case-sensitive) type name. Resolve it from a container in
 * which the plugins registered themselves under {@link INTERFACE_FACTORY} (for example with
 * `registerMemoryPlugin(container)`); a child container with its own registrations sees only
 * those, which is how a test swaps a fake plugin for a real one.
 */
@injectable()
export class InterfaceRegistry {
  private readonly byType = new Map<string, InterfaceFactory>();

  /**
   * @param factories - every registered factory (none registered is an empty registry).
   * @throws {@link RegistryError} when two factories share a type name or a factory targets
   *   another host API version, or is not a factory (see {@link factoryProblem}).
   */
  constructor(@injectAll(INTERFACE_FACTORY, { isOptional: true }) factories: InterfaceFactory[]) {
    for (const factory of factories) {
      const problem = factoryProblem(factory);
      if (problem !== undefined) {
        const typeName = (factory as Partial<InterfaceFactory>).typeName;
        const named =
          typeof typeName === 'string' && typeName !== ''
            ? `interface type '${typeName}'`
            : 'an interface factory';
        throw new RegistryError(`${named} (${describeFactory(factory)}) ${problem}`);
      }
      const typeName = factory.typeName;
      const existing = this.byType.get(typeName);
      if (existing !== undefined) {
        throw new RegistryError(
          `interface type '${typeName}' is registered twice: by ${describeFactory(existing)} and by ${describeFactory(factory)}`,
        );
      }
      this.byType.set(typeName, factory);
    }
  }

  /** The factory for a type name, or undefined. */
  get(typeName: string): InterfaceFactory | undefined {
    return this.byType.get(typeName);
  }

  /**
   * The factory for a type name.
   *
   * @param section - the config section asking, named in the error.
   * @throws {@link ConfigError} (key `type`) listing the known type names when there is none.
   */
  require(typeName: string, section?: string): InterfaceFactory {
    const factory = this.byType.get(typeName);
    if (factory !== undefined) return factory;
    const known = this.typeNames();
    throw new ConfigError(
      `unknown interface type '${typeName}'; known types: ${known.length > 0 ? known.join(', ') : '(none registered)'}`,
      { section, key: 'type' },
    );
  }

  /** Whether a factory serves `typeName`. */
  has(typeName: string): boolean {
    return this.byType.has(typeName);
  }

  /** The registered type names, sorted. */
  typeNames(): string[] {
    return [...this.byType.keys()].sort();
  }
}
