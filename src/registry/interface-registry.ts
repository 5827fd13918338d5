import { injectable, injectAll } from 'tsyringe';
import { ConfigError } from '../core/errors';
import { INTERFACE_API_VERSION, InterfaceFactory, MAX_IFAC_SIZE } from './interface-factory';
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
   *   another {@link INTERFACE_API_VERSION}.
   */
  constructor(@injectAll(INTERFACE_FACTORY, { isOptional: true }) factories: InterfaceFactory[]) {
    for (const factory of factories) {
      const typeName = factory.typeName;
      if (typeof typeName !== 'string' || typeName.length === 0) {
        throw new RegistryError(`an interface factory (${describe(factory)}) has no type name`);
      }
      if (factory.apiVersion !== undefined && factory.apiVersion !== INTERFACE_API_VERSION) {
        throw new RegistryError(
          `interface type '${typeName}' (${describe(factory)}) targets host API version ${factory.apiVersion}, ` +
            `this host provides version ${INTERFACE_API_VERSION}`,
        );
      }
      const ifacSize = factory.defaultIfacSize;
      if (
        ifacSize !== undefined &&
        !(Number.isInteger(ifacSize) && ifacSize >= 1 && ifacSize <= MAX_IFAC_SIZE)
      ) {
        throw new RegistryError(
          `interface type '${typeName}' (${describe(factory)}) declares defaultIfacSize ${String(ifacSize)}; ` +
            `expected a whole number of bytes, 1..${MAX_IFAC_SIZE}`,
        );
      }
      const existing = this.byType.get(typeName);
      if (existing !== undefined) {
        throw new RegistryError(
          `interface type '${typeName}' is registered twice: by ${describe(existing)} and by ${describe(factory)}`,
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

  /** The registered type names, sorted. */
  typeNames(): string[] {
    return [...this.byType.keys()].sort();
  }
}

/** Names a factory in errors by its class, so two plugins claiming one name can be told apart. */
function describe(factory: InterfaceFactory): string {
  const ctor = (factory as { constructor?: { name?: unknown } }).constructor;
  const name = typeof ctor?.name === 'string' && ctor.name !== 'Object' ? ctor.name : 'a factory object';
  return name;
}
