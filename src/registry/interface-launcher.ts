import { BufferBudgets } from '../core/buffer-budgets';
import { Clock } from '../core/clock';
import { AttachedInterface } from '../core/driver/attached-interface';
import { HostDriver } from '../core/driver/host-driver';
import { ConfigError } from '../core/errors';
import { DEFAULT_INGRESS_CONTROL, IngressControlConfig } from '../core/ingress-control';
import { InterfaceId } from '../core/interface-id';
import { InterfaceMode } from '../core/interface-mode';
import { InterfaceSettings } from '../core/interface-settings';
import { Logger } from '../core/logger';
import { ConfigParams } from './config-params';
import { DynamicIdAllocator, StartContext, StartedInterface } from './interface-factory';
import { InterfaceRegistry } from './interface-registry';
import { RegistryError } from './registry-error';

/** One enabled interface section, as the node hands it to {@link launchInterface}. */
export interface InterfaceSection {
  /** The section (interface) name. */
  readonly name: string;
  /** The configured id (1, 2, ... in config order). */
  readonly id: InterfaceId;
  /** The section's `type`. */
  readonly typeName: string;
  /** The section's mode (`mode`/`interface_mode`, parsed). */
  readonly mode: InterfaceMode;
  /** The section's keys minus those the node consumed. */
  readonly params: ConfigParams;
  /** Ingress control settings; Python RNS's defaults when absent. */
  readonly ingressControl?: IngressControlConfig;
  /**
   * The node-owned settings of the section; when given, the driver applies them to the
   * interface's info and to every peer it spawns (and `mode`/`ingressControl` must match them).
   */
  readonly settings?: InterfaceSettings;
  /** Bytes of interface access code the node adds to each packet on it; absent without IFAC. */
  readonly ifacSize?: number;
}

/** What {@link launchInterface} needs. */
export interface LaunchArgs {
  /** Where the section's `type` is looked up. */
  readonly registry: InterfaceRegistry;
  /** The driver the started interface is attached to and sends its events into. */
  readonly driver: HostDriver;
  /** The parsed config section to start. */
  readonly section: InterfaceSection;
  /** Ids for dynamic (per-peer) interfaces; one allocator shared by every listener. */
  readonly dynamicIds: DynamicIdAllocator;
  /** Time source handed to the interface. */
  readonly clock: Clock;
  /** Parent logger; the interface gets a child bound to its name. */
  readonly logger: Logger;
  /** The node-wide buffer budgets, shared by every interface; absent = the process default. */
  readonly buffers?: BufferBudgets;
}

/**
 * Starts one configured interface and attaches it to the driver: resolves the factory by type
 * name, parses the params, starts it with a context whose sink is `driver.sinkFor(id)`, checks
 * what `start` resolved with and attaches it (with the handles and bound address it returned).
 *
 * @returns the attached record (its `stop()` stops the interface).
 * @throws {@link ConfigError} naming the section (and key) for an unknown type or a bad value;
 *   whatever `start` rejects with (for example a port in use); a driver error when the
 *   interface cannot be attached (the started interface is stopped again first).
 */
export async function launchInterface(args: LaunchArgs): Promise<AttachedInterface> {
  const { registry, driver, section, dynamicIds, clock, logger, buffers } = args;
  const factory = registry.require(section.typeName, section.name);
  let config: unknown;
  try {
    config = factory.parseConfig(section.name, section.id, section.params);
  } catch (err) {
    if (err instanceof ConfigError) throw err;
    // A plugin that throws something else still gets its section named.
    throw new ConfigError(
      `invalid config: ${err instanceof Error ? err.message : String(err)}`,
      {
        section: section.name,
      },
      { cause: err },
    );
  }
  const ctx: StartContext = {
    events: driver.sinkFor(section.id, factory.typeName, section.settings),
    dynamicIds,
    mode: section.mode,
    ingressControl: section.ingressControl ?? DEFAULT_INGRESS_CONTROL,
    clock,
    logger: logger.child({ interface: section.name }),
    buffers: buffers ?? BufferBudgets.processDefault(),
    ...(section.ifacSize !== undefined ? { ifacSize: section.ifacSize } : {}),
  };
  const started = await factory.start(config, ctx);
  try {
    checkStarted(section, factory.typeName, started);
    const attached = toAttached(section, factory.typeName, started);
    driver.attach(attached);
    return attached;
  } catch (err) {
    // Never leave a started interface behind that nothing can stop.
    await Promise.resolve()
      .then(() => started.stop())
      .catch(() => undefined);
    throw err;
  }
}

/**
 * Checks what a plugin's `start` resolved with against the contract (a plugin written in
 * JavaScript has no compiler to do it): the kind, the id of a single interface, and handles
 * that name the section they were started for (their keys are served under that name).
 */
function checkStarted(section: InterfaceSection, typeName: string, started: StartedInterface): void {
  const problem = (what: string) =>
    new RegistryError(`interface '${section.name}' (${typeName}): start() resolved with ${what}`);
  if (typeof started !== 'object' || started === null || typeof started.stop !== 'function') {
    throw problem('no stop() function');
  }
  if (started.kind !== 'single' && started.kind !== 'listener') {
    throw problem(
      `kind ${JSON.stringify((started as { kind?: unknown }).kind)}, expected 'single' or 'listener'`,
    );
  }
  if (started.kind === 'single' && started.id !== section.id) {
    throw problem(`id ${started.id}, expected ${section.id}`);
  }
  for (const [what, handle] of [
    ['a runtime-config handle', started.runtimeConfig],
    ['a peer-state handle', started.peerState],
  ] as const) {
    if (handle !== undefined && handle.interfaceName !== section.name) {
      throw problem(`${what} for interface '${handle.interfaceName}', expected '${section.name}'`);
    }
  }
}

function toAttached(
  section: InterfaceSection,
  typeName: string,
  started: StartedInterface,
): AttachedInterface {
  const common = {
    id: section.id,
    name: section.name,
    typeName,
    stop: () => started.stop(),
    ...(started.runtimeConfig !== undefined ? { runtimeConfig: started.runtimeConfig } : {}),
    ...(started.peerState !== undefined ? { peerState: started.peerState } : {}),
    ...(started.boundAddress !== undefined ? { boundAddress: started.boundAddress } : {}),
    ...(started.drops !== undefined ? { drops: () => started.drops?.() ?? {} } : {}),
  };
  return started.kind === 'single'
    ? { ...common, kind: 'single', info: started.info, writer: started.writer }
    : { ...common, kind: 'listener' };
}
