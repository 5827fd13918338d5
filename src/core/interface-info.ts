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
  /**
   * Hardware MTU (Python's `HW_MTU`): the largest link MTU a link over this interface may
   * negotiate, or null when link MTU upgrades must not cross it. For an interface whose MTU
   * autoconfigures it follows the bitrate ({@link optimisedHwMtu}).
   */
  readonly mtu: number | null;
  /** Python's `AUTOCONFIGURE_MTU`: the hardware MTU is derived from the bitrate. */
  readonly autoconfigureMtu: boolean;
  /** Python's `FIXED_MTU`: the hardware MTU is fixed by the medium. */
  readonly fixedMtu: boolean;
  /**
   * The length in bytes of the interface's access code (Python's `ifac_size`), or null when it has
   * none. The node sets it from the section (`ifac_size`, else the plugin's `defaultIfacSize`).
   */
  readonly ifacSize: number | null;
  /** `recursive_prs`: search for unknown paths on behalf of path requests received here. */
  readonly recursivePathRequests: boolean;
  /** `announces_from_internal`: carry rebroadcasts of announces heard on internal interfaces. */
  readonly announcesFromInternal: boolean;
  /** `announces_to_internal`: let announces heard here reach internal interfaces even from boundary mode. */
  readonly announcesToInternal: boolean | null;
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

/**
 * Builds an {@link InterfaceInfo} with the defaults (Python RNS's `Interface` defaults where it
 * has the field) for every field not given. This is the one place those defaults live.
 */
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
    autoconfigureMtu: false,
    fixedMtu: false,
    ifacSize: null,
    recursivePathRequests: false,
    announcesFromInternal: true,
    announcesToInternal: null,
    iaFreq: 0,
    started: 0,
    ...init,
  };
}

/**
 * The hardware MTU an interface that autoconfigures its MTU gets for a bitrate, as Python's
 * `Interface.optimise_mtu` sets it: null (no link MTU upgrade) at 62,500 bit/s or less.
 */
export function optimisedHwMtu(bitrate: number | null): number | null {
  if (bitrate === null) return null;
  if (bitrate >= 1_000_000_000) return 524_288;
  if (bitrate > 750_000_000) return 262_144;
  if (bitrate > 400_000_000) return 131_072;
  if (bitrate > 200_000_000) return 65_536;
  if (bitrate > 100_000_000) return 32_768;
  if (bitrate > 10_000_000) return 16_384;
  if (bitrate > 5_000_000) return 8_192;
  if (bitrate > 2_000_000) return 4_096;
  if (bitrate > 1_000_000) return 2_048;
  if (bitrate > 62_500) return 1_024;
  return null;
}
