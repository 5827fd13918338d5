import { InterfaceId } from './interface-id';
import { InterfaceInfo } from './interface-info';
import { Writer } from './writer';

/**
 * An interface came online.
 * - With `info`: a new dynamic interface (a peer of a listener); `writer` is its writer.
 * - Without `info`: a configured interface is (back) online; a `writer` replaces the old one
 *   (a client that reconnected on a new socket).
 */
export interface InterfaceUpEvent {
  /** Discriminant. */
  readonly type: 'InterfaceUp';
  /** The interface that came up. */
  readonly id: InterfaceId;
  /** Its writer (required for a dynamic interface; replaces the old one for a configured one). */
  readonly writer?: Writer;
  /** Present only for a new dynamic interface. */
  readonly info?: InterfaceInfo;
}

/** An interface went offline: a dynamic one is removed, a configured one marked offline. */
export interface InterfaceDownEvent {
  /** Discriminant. */
  readonly type: 'InterfaceDown';
  /** The interface that went down. */
  readonly id: InterfaceId;
}

/** One deframed packet received on an interface. `data` is immutable from here on. */
export interface FrameEvent {
  /** Discriminant. */
  readonly type: 'Frame';
  /** The interface it arrived on. */
  readonly id: InterfaceId;
  /** The deframed Reticulum packet. */
  readonly data: Uint8Array;
}

/** Fields every per-connection Backbone peer event carries. */
export interface BackbonePeerFields {
  /** The config id of the Backbone server that accepted the peer. */
  readonly serverInterfaceId: InterfaceId;
  /** The dynamic interface id of the peer. */
  readonly peerInterfaceId: InterfaceId;
  /** The peer's IP address (IPv4-mapped IPv6 addresses are reported as IPv4). */
  readonly peerIp: string;
  /** The peer's TCP port. */
  readonly peerPort: number;
}

/** A peer was admitted by a Backbone server (sent before its InterfaceUp). */
export interface BackbonePeerConnectedEvent extends BackbonePeerFields {
  /** Discriminant. */
  readonly type: 'BackbonePeerConnected';
}

/** A Backbone peer's connection ended, for whatever reason (sent before its InterfaceDown). */
export interface BackbonePeerDisconnectedEvent extends BackbonePeerFields {
  /** Discriminant. */
  readonly type: 'BackbonePeerDisconnected';
  /** How long the connection lasted, in milliseconds. */
  readonly connectedForMs: number;
  /** Whether the peer sent any bytes at all. */
  readonly hadReceivedData: boolean;
}

/** A Backbone peer was disconnected for sending nothing within the idle timeout. */
export interface BackbonePeerIdleTimeoutEvent extends BackbonePeerFields {
  /** Discriminant. */
  readonly type: 'BackbonePeerIdleTimeout';
  /** How long the connection lasted, in milliseconds. */
  readonly connectedForMs: number;
}

/** A Backbone peer was disconnected for not draining its send buffer. */
export interface BackbonePeerWriteStallEvent extends BackbonePeerFields {
  /** Discriminant. */
  readonly type: 'BackbonePeerWriteStall';
  /** How long the connection lasted, in milliseconds. */
  readonly connectedForMs: number;
}

/** A Backbone server penalised (blacklisted) an IP for its behaviour. */
export interface BackbonePeerPenaltyEvent {
  /** Discriminant. */
  readonly type: 'BackbonePeerPenalty';
  /** The config id of the Backbone server. */
  readonly serverInterfaceId: InterfaceId;
  /** The penalised IP. */
  readonly peerIp: string;
  /** The IP's penalty level after this penalty (1 for a first offence). */
  readonly penaltyLevel: number;
  /** How long the IP is blacklisted, in milliseconds. */
  readonly blacklistForMs: number;
  /** Why, in words (for example `repeated idle timeouts`). */
  readonly reason: string;
}

/** Every Backbone peer event. */
export type BackbonePeerEvent =
  | BackbonePeerConnectedEvent
  | BackbonePeerDisconnectedEvent
  | BackbonePeerIdleTimeoutEvent
  | BackbonePeerWriteStallEvent
  | BackbonePeerPenaltyEvent;

/** Every event an interface sends to the driver, discriminated by `type`. */
export type InterfaceEvent = InterfaceUpEvent | InterfaceDownEvent | FrameEvent | BackbonePeerEvent;

/** The `type` tags of {@link InterfaceEvent}. */
export type InterfaceEventType = InterfaceEvent['type'];
