import { InterfaceId } from './interface-id';

/**
 * The events an interface reports besides the driver's own (`InterfaceUp`, `InterfaceDown`,
 * `Frame`), by name: name -> detail. The driver does not interpret them; it hands each to the
 * `pluginEvent` host callback with the interface it came from, where the node logs and counts
 * them.
 *
 * The core declares the peer lifecycle every listener shares (`peer.*`). A plugin declares its
 * own events by merging into this interface, named `<plugin>.<event>`, and needs no core edit:
 *
 * ```ts
 * declare module 'rns-net' {
 *   interface PluginEventMap {
 *     'udp-echo.echoed': { readonly bytes: number };
 *   }
 * }
 * ```
 */
export interface PluginEventMap {
  /** A listener admitted a peer (sent before the peer's `InterfaceUp`). */
  'peer.connected': PeerConnectedDetail;
  /** A listener's peer connection ended, for whatever reason (sent before its `InterfaceDown`). */
  'peer.disconnected': PeerDisconnectedDetail;
  /** A listener penalised (blacklisted) an IP for its behaviour. */
  'peer.penalty': PeerPenaltyDetail;
}

/** The name of a plugin event: a key of {@link PluginEventMap}. */
export type PluginEventName = keyof PluginEventMap & string;

/**
 * One plugin event. Without a type argument, the union of every declared event: switching on
 * `name` narrows `detail`. An interface written in JavaScript may send names nobody declared;
 * consumers ignore names they do not know.
 */
export type PluginEvent<K extends PluginEventName = PluginEventName> = {
  [N in K]: {
    /** Discriminant among the interface events. */
    readonly type: 'Plugin';
    /** Which event, `<plugin>.<event>` (or `peer.*`). */
    readonly name: N;
    /** What happened. */
    readonly detail: PluginEventMap[N];
  };
}[K];

/** Builds a {@link PluginEvent}, checked against the declared detail type. */
export function pluginEvent<K extends PluginEventName>(name: K, detail: PluginEventMap[K]): PluginEvent<K> {
  return { type: 'Plugin', name, detail } as PluginEvent<K>;
}

/** Where a plugin event came from, as the driver knows it from the sink it arrived on. */
export interface PluginEventSource {
  /** The configured interface whose sink sent it, or null for the driver's unowned sink. */
  readonly interfaceId: InterfaceId | null;
  /** That interface's plugin type name (`unknown` for the unowned sink). */
  readonly typeName: string;
}

/** Fields of every per-connection peer event. */
export interface PeerFields {
  /** The dynamic interface id of the peer. */
  readonly peerId: InterfaceId;
  /** The peer's IP address (IPv4-mapped IPv6 addresses are reported as IPv4). */
  readonly ip: string;
  /** The peer's port. */
  readonly port: number;
}

/** `peer.connected`. */
export type PeerConnectedDetail = PeerFields;

/**
 * Why a peer connection ended. The well-known causes: `remote` (the peer closed it),
 * `idle_timeout` (it sent nothing in time), `write_stall` (it did not read what was sent to it),
 * `partial_frame_timeout` (it held an unfinished frame too long), `receive_budget` (evicted by
 * the node-wide receive budget), `blacklisted`, `stopped`; a plugin may report others.
 */
export type PeerCloseCause =
  | 'remote'
  | 'idle_timeout'
  | 'write_stall'
  | 'partial_frame_timeout'
  | 'receive_budget'
  | 'blacklisted'
  | 'stopped'
  | (string & Record<never, never>);

/** `peer.disconnected`. */
export interface PeerDisconnectedDetail extends PeerFields {
  /** Why it ended. */
  readonly cause: PeerCloseCause;
  /** How long the connection lasted, in milliseconds. */
  readonly connectedForMs: number;
  /** Whether the peer sent any bytes at all. */
  readonly hadReceivedData: boolean;
}

/** `peer.penalty`. */
export interface PeerPenaltyDetail {
  /** The penalised IP. */
  readonly ip: string;
  /** The IP's penalty level after this penalty (1 for a first offence). */
  readonly level: number;
  /** How long the IP is blacklisted, in milliseconds. */
  readonly blacklistForMs: number;
  /** Why, in words (for example `repeated idle timeouts`). */
  readonly reason: string;
}
