import { IFAC_MAX_SIZE } from '../core/constants';
import { INTERFACE_API_VERSION, InterfaceFactory } from './interface-factory';

/**
 * What keeps `value` from serving as an {@link InterfaceFactory} of this host, in words an
 * author can act on (`declares defaultIfacSize 0; expected ...`), or undefined when nothing
 * does. Checked where plugins enter: the registry, and the loader of third-party plugins.
 */
export function factoryProblem(value: unknown): string | undefined {
  if (typeof value !== 'object' || value === null) {
    return `is ${value === null ? 'null' : `a ${typeof value}`}, not an interface factory object`;
  }
  const factory = value as Partial<Record<keyof InterfaceFactory, unknown>>;
  const { typeName, apiVersion, defaultIfacSize } = factory;
  if (typeof typeName !== 'string' || typeName.trim() === '') return 'has no type name (typeName)';
  for (const method of ['parseConfig', 'start'] as const) {
    if (typeof factory[method] !== 'function') return `has no ${method}() method`;
  }
  if (factory.runtimeStartup !== undefined && typeof factory.runtimeStartup !== 'function') {
    return 'has a runtimeStartup that is not a function';
  }
  if (apiVersion !== undefined && apiVersion !== INTERFACE_API_VERSION) {
    return `targets host API version ${String(apiVersion)}, this host provides version ${INTERFACE_API_VERSION}`;
  }
  if (
    defaultIfacSize !== undefined &&
    !(
      typeof defaultIfacSize === 'number' &&
      Number.isInteger(defaultIfacSize) &&
      defaultIfacSize >= 1 &&
      defaultIfacSize <= IFAC_MAX_SIZE
    )
  ) {
    return `declares defaultIfacSize ${String(defaultIfacSize)}; expected a whole number of bytes, 1..${IFAC_MAX_SIZE}`;
  }
  return undefined;
}

/** Names a factory in errors by its class, so two plugins claiming one name can be told apart. */
export function describeFactory(factory: object): string {
  const ctor = (factory as { constructor?: { name?: unknown } }).constructor;
  return typeof ctor?.name === 'string' && ctor.name !== 'Object' ? ctor.name : 'a factory object';
}
