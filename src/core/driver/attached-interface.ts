import { InterfaceId } from '../interface-id';
import { InterfaceInfo } from '../interface-info';
import { PeerStateHandle } from '../peer-state';
import { RuntimeConfigHandle } from '../runtime-config';
import { Writer } from '../writer';

/** Where a listener listens, as the system bound it. */
export interface BoundAddress {
  /** The bound IP address (or host), as the socket reports it. */
  readonly host: string;
  /** The bound port. */
  readonly port: number;
}

/**
 * A started configured interface handed to the driver (by the registry's launcher). The driver
 * only sees this shape, never the plugin that produced it.
 */
export interface AttachedInterface {
  /** The configured id. */
  readonly id: InterfaceId;
  /** The config section name. */
  readonly name: string;
  /** The plugin type name. */
  readonly typeName: string;
  /**
   * `single`: one interface, registered now as offline with `info` and `writer`.
   * `listener`: spawns dynamic interfaces through events; nothing registered now.
   */
  readonly kind: 'single' | 'listener';
  /** For `single`: its info. */
  readonly info?: InterfaceInfo;
  /** For `single`: its writer. */
  readonly writer?: Writer;
  /** Closes the interface's sockets; resolves when they are closed. */
  stop(): Promise<void>;
  /** Live settings, served under `<prefix>.<name>.<setting>`. */
  readonly runtimeConfig?: RuntimeConfigHandle;
  /** Per-IP peer state of a listener. */
  readonly peerState?: PeerStateHandle;
  /** The address a listener bound. */
  readonly boundAddress?: BoundAddress;
  /** What the interface dropped or refused itself, by reason (see the plugin contract's `drops`). */
  readonly drops?: () => Readonly<Record<string, number>>;
}
