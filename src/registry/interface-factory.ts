import { BufferBudgets } from '../core/buffer-budgets';
import { Clock } from '../core/clock';
import { EventSink } from '../core/event-sink';
import { InterfaceId } from '../core/interface-id';
import { InterfaceInfo } from '../core/interface-info';
import { InterfaceMode } from '../core/interface-mode';
import { IngressControlConfig } from '../core/ingress-control';
import { Logger } from '../core/logger';
import { PeerStateHandle } from '../core/peer-state';
import { RuntimeConfigHandle } from '../core/runtime-config';
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
}

/** Stops a started interface: closes its sockets. Idempotent; resolves when all are closed. */
export interface StopControl {
  /** Closes the interface's sockets and timers; see {@link StopControl}. */
  stop(): Promise<void>;
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
export interface StartedSingleInterface extends StopControl {
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
export interface StartedListener extends StopControl {
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
   * Parses a section's params into a typed config.
   *
   * @param name - the section (interface) name.
   * @param id - the configured interface id.
   * @param params - the section's keys.
   * @throws {@link ConfigError} naming the section and key when a value cannot be used.
   */
  parseConfig(name: string, id: InterfaceId, params: ConfigParams): C;
  /** Starts the interface. Rejects when it cannot (for example the port is in use). */
  start(config: C, ctx: StartContext): Promise<StartedInterface>;
  /** The interface's live settings, if it has any. */
  runtimeConfigHandle?(config: C): RuntimeConfigHandle | undefined;
  /** The listener's per-IP peer state, if it keeps any. */
  peerStateHandle?(config: C): PeerStateHandle | undefined;
}

/** The host API version of this registry; see {@link InterfaceFactory.apiVersion}. */
export const INTERFACE_API_VERSION = 1;
