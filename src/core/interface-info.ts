import { InterfaceId } from './interface-id';
import { InterfaceMode } from './interface-mode';
import { IngressControlConfig } from './ingress-control';

/**
 * What the driver knows about an interface: the fields rns-net's `InterfaceInfo` carries, so a
 * transport layer built on this runtime has what Python RNS keeps per interface.
 */
export interface InterfaceInfo {
  /** The interface's id. */
  readonly id: InterfaceId;
  /** Config section name, or `<Type>/<id>` for a dynamic interface. */
  readonly name: string;
  /** Reticulum interface mode. */
  readonly mode: InterfaceMode;
  /** Whether packets may be sent on it. */
  readonly outCapable: boolean;
  /** Whether packets are received from it. */
  readonly inCapable: boolean;
  /** Link speed estimate in bits per second, if known. */
  readonly bitrate: number | null;
  /** Announce rate target in seconds, if any. */
  readonly announceRateTarget: number | null;
  /** Announces allowed over the target before a penalty. */
  readonly announceRateGrace: number;
  /** Penalty in seconds added when the grace is exceeded. */
  readonly announceRatePenalty: number;
  /** Fraction of bandwidth announces may use (Python's default 0.02). */
  readonly announceCap: number;
  /** True for a local shared-instance client. */
  readonly isLocalClient: boolean;
  /** True when the transport layer should synthesise a tunnel over it. */
  readonly wantsTunnel: boolean;
  /** The tunnel id, once one is synthesised. */
  readonly tunnelId: Uint8Array | null;
  /** Largest packet the interface carries. */
  readonly mtu: number;
  /** Incoming announce frequency (announces per second), as sampled by a transport layer. */
  readonly iaFreq: number;
  /** When the interface came up, in seconds since the epoch (0 until the driver sets it). */
  readonly started: number;
  /** Announce ingress control settings. */
  readonly ingressControl: IngressControlConfig;
}

/** The fields an interface must provide; the rest take rns-net's defaults in {@link makeInterfaceInfo}. */
export type InterfaceInfoInit = Pick<InterfaceInfo, 'id' | 'name' | 'mode' | 'ingressControl'> &
  Partial<Omit<InterfaceInfo, 'id' | 'name' | 'mode' | 'ingressControl'>>;

/** Builds an {@link InterfaceInfo} with rns-net's defaults for every field not given. */
export function makeInterfaceInfo(init: InterfaceInfoInit): InterfaceInfo {
  return {
    outCapable: true,
    inCapable: true,
    bitrate: null,
    announceRateTarget: null,
    announceRateGrace: 0,
    announceRatePenalty: 0,
    announceCap: 0.02,
    isLocalClient: false,
    wantsTunnel: false,
    tunnelId: null,
    mtu: 65535,
    iaFreq: 0,
    started: 0,
    ...init,
  };
}
