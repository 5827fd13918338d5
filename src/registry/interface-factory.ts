import { BufferBudgets } from '../core/buffer-budgets';
import { Clock } from '../core/clock';
import { BoundAddress } from '../core/driver/attached-interface';
import { EventSink } from '../core/event-sink';
import { InterfaceId } from '../core/interface-id';
import { InterfaceInfo } from '../core/interface-info';
import { InterfaceMode } from '../core/interface-mode';
import { IngressControlConfig } from '../core/ingress-control';
import { Logger } from '../core/logger';
import { PeerStateHandle } from '../core/peer-state';
import { RuntimeConfigHandle, RuntimeStartup } from '../core/runtime-config';
import { Writer } from '../core/writer';
import { ConfigParams } from './config-params';

/** Hands out ids for dynamic (per-peer) interfaces: 10000, 10001, ... shared by all listeners. */
export interface DynamicIdAllocator {
  /** The next unused dynamic id. */
  next(): InterfaceId;
}

/** What a factory gets when it starts an interface. */
export interface StartContext {
  /** Where the interface sends its events. */
  readonly events: EventSink;
  /** Ids for the dynamic interfaces a listener spawns. */
  readonly dynamicIds: DynamicIdAllocator;
  /** The interface mode from the section (`mode`/`interface_mode`). */
  readonly mode: InterfaceMode;
  /** The interface's ingress control settings. */
  readonly ingressControl: IngressControlConfig;
  /** Time and timers. */
  readonly clock: Clock;
  /** A logger bound to this interface. */
  readonly logger: Logger;
  /**
   * The node-wide budgets for buffered bytes (unfinished incoming frames, bytes queued for
   * sending), one instance shared by every interface of the node. Interfaces that buffer per
   * connection take a claim per connection. When absent (library use), interfaces share
   * {@link BufferBudgets.processDefault}.
   */
  readonly buffers?: BufferBudgets;
  /**
   * Bytes of interface access code the node adds to every packet on this interface (absent
   * without IFAC). A frame may carry HW_MTU plus this many bytes, as Python's `check_frame_len`
   * allows: size decoder and message limits with {@link maxFrameLength}.
   */
  readonly ifacSize?: number;
}

/** Warns once, at start, about the keys of a section the plugin does not know. */
export function warnUnknownKeys(
  keys: readonly string[] | undefined,
  ctx: Pick<StartContext, 'logger'>,
): void {
  if (keys !== undefined && keys.length > 0) {
    ctx.logger.warn('unknown config keys ignored', { keys: keys.join(', ') });
  }
}

/** The longest frame an interface with this HW_MTU accepts under `ctx`: HW_MTU plus the IFAC code. */
export function maxFrameLength(hwMtu: number, ctx: Pick<StartContext, 'ifacSize'>): number {
  return hwMtu + (ctx.ifacSize ?? 0);
}

/**
 * What every started interface hands back: how to stop it, and the state it owns that operators
 * reach through the node (live settings, per-IP peer state, the address it bound). The objects
 * belong to this one start: a restarted interface returns new ones.
 */
export interface StartedBase {
  /** Closes the interface's sockets and timers. Idempotent; resolves when all are closed. */
  stop(): Promise<void>;
  /** Its live settings, served as `<keyPrefix>.<section name>.<setting>`; absent when it has none. */
  readonly runtimeConfig?: RuntimeConfigHandle;
  /** A listener's per-IP peer state (admission, blacklist, penalties); absent when it keeps none. */
  readonly peerState?: PeerStateHandle;
  /** The address a listener bound: the port the system chose when the config asked for port 0. */
  readonly boundAddress?: BoundAddress;
  /**
   * What the interface dropped or refused itself, before anything reached the driver (frames that
   * do not deframe, connections refused at admission), by reason (`snake_case`, a few fixed
   * reasons per plugin): counts since start, a listener's including its departed peers. Optional;
   * read by the node's metrics at scrape time, never on the packet path.
   */
  drops?(): Readonly<Record<string, number>>;
}

/**
 * A single interface (a client): the driver registers it at once as offline; the interface
 * sends `InterfaceUp(id)` when it is connected and `InterfaceDown(id)` when it is not.
 */
export interface StartedSingleInterface extends StartedBase {
  /** Discriminant of {@link StartedInterface}. */
  readonly kind: 'single';
  /** The configured id it was started with (the launcher checks they match). */
  readonly id: InterfaceId;
  /** Its description, for the driver's interface table. */
  readonly info: InterfaceInfo;
  /** The writer to use while online (a reconnect may replace it through InterfaceUp). */
  readonly writer: Writer;
}

/** A listener: nothing is registered now; peers arrive as `InterfaceUp(id, writer, info)`. */
export interface StartedListener extends StartedBase {
  /** Discriminant of {@link StartedInterface}. */
  readonly kind: 'listener';
}

/** What {@link InterfaceFactory.start} returns. */
export type StartedInterface = StartedSingleInterface | StartedListener;

/**
 * An interface plugin. Registered in the {@link InterfaceRegistry} under its {@link typeName},
 * the name config sections use (`type = BackboneInterface`).
 *
 * @typeParam C - the plugin's parsed config type.
 */
export interface InterfaceFactory<C = unknown> {
  /** The config `type` this factory serves; matched exactly and case-sensitively. */
  readonly typeName: string;
  /** Host API version this plugin targets; the registry refuses other versions. */
  readonly apiVersion?: number;
  /**
   * The access code length in bytes for a section that sets `networkname` or `passphrase` but no
   * `ifac_size` (Python's `DEFAULT_IFAC_SIZE` of the interface class): 16 on IP and stream media,
   * 8 on slow serial and radio media. Default {@link DEFAULT_IFAC_SIZE}; 1..64.
   */
  readonly defaultIfacSize?: number;
  /**
   * Parses a section's params into a typed config.
   *
   * @param name - the section (interface) name.
   * @param id - the configured interface id.
   * @param params - the section's keys.
   * @throws {@link ConfigError} naming the section and key when a value cannot be used.
   */
  parseConfig(name: string, id: InterfaceId, params: ConfigParams): C;
  /**
   * Starts the interface. Rejects when it cannot (for example the port is in use). What it
   * resolves with owns the interface's live state: its handles and its bound address.
   */
  start(config: C, ctx: StartContext): Promise<StartedInterface>;
  /**
   * The startup values of the live settings an interface started from `config` has (setting
   * name -> value): what its `runtimeConfig` lists as `startup`. Pure: nothing is started. A
   * config reload compares two of them to tell a changed key that moves a live setting (applied
   * at once) from one read only at start (which takes a restart). Omit it when the interface has
   * no live settings; then every changed key takes a restart.
   */
  runtimeStartup?(config: C): RuntimeStartup;
}

/** The access code length of a plugin that declares no {@link InterfaceFactory.defaultIfacSize}. */
export const DEFAULT_IFAC_SIZE = 16;

/** The host API version of this registry; see {@link InterfaceFactory.apiVersion}. */
export const INTERFACE_API_VERSION = 1;
