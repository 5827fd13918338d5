import { IngressControlConfig } from './ingress-control';
import { InterfaceInfo, optimisedHwMtu } from './interface-info';
import { InterfaceMode } from './interface-mode';

/**
 * The settings of an interface section that the node owns rather than the plugin: how the
 * transport engine treats the interface. The driver applies them to the info of the interface
 * and of every peer it spawns ({@link applyInterfaceSettings}), so a plugin reports only what it
 * knows about its medium (bitrate guess, hardware MTU, whether it autoconfigures) and never has
 * to copy routing keys.
 */
export interface InterfaceSettings {
  /** `mode` / `interface_mode`. */
  readonly mode: InterfaceMode;
  /** `outgoing`: false makes the interface receive-only. */
  readonly outgoing: boolean;
  /** `bitrate`: replaces the plugin's guess when set. */
  readonly bitrate: number | null;
  /** `announce_cap` as a fraction of the bitrate (the key is in percent). */
  readonly announceCap: number;
  /** `announce_rate_target` in seconds, or null for no per-destination rate limit. */
  readonly announceRateTarget: number | null;
  /** `announce_rate_grace`: violations allowed before blocking. */
  readonly announceRateGrace: number;
  /** `announce_rate_penalty`, seconds added to a block. */
  readonly announceRatePenalty: number;
  /** `ingress_control`, `ic_*`, `egress_control`, `ec_*`. */
  readonly ingressControl: IngressControlConfig;
  /** `recursive_prs`. */
  readonly recursivePathRequests: boolean;
  /** `announces_from_internal`. */
  readonly announcesFromInternal: boolean;
  /** `announces_to_internal`. */
  readonly announcesToInternal: boolean | null;
  /** The access code length in bytes, or null when the section sets no access code. */
  readonly ifacSize: number | null;
}

/**
 * The settings a running interface and its peers can take live: the transport engine reads them
 * from the interface's info for every packet, so replacing them there is enough. (The mode,
 * `outgoing` and the bitrate shape tables and MTUs when the interface comes up.)
 */
export type LiveInterfaceSettings = Pick<
  InterfaceSettings,
  'announceCap' | 'announceRateTarget' | 'announceRateGrace' | 'announceRatePenalty' | 'ingressControl'
>;

/**
 * The info with the section's settings applied: the settings win over what the plugin reported,
 * and an interface whose MTU autoconfigures gets the hardware MTU its (possibly configured)
 * bitrate calls for, as Python's `optimise_mtu` runs after the configured bitrate is set.
 */
export function applyInterfaceSettings(info: InterfaceInfo, settings: InterfaceSettings): InterfaceInfo {
  const bitrate = settings.bitrate ?? info.bitrate;
  return {
    ...info,
    mode: settings.mode,
    outCapable: info.outCapable && settings.outgoing,
    bitrate,
    mtu: info.autoconfigureMtu ? optimisedHwMtu(bitrate) : info.mtu,
    announceCap: settings.announceCap,
    announceRateTarget: settings.announceRateTarget,
    announceRateGrace: settings.announceRateGrace,
    announceRatePenalty: settings.announceRatePenalty,
    ingressControl: settings.ingressControl,
    recursivePathRequests: settings.recursivePathRequests,
    announcesFromInternal: settings.announcesFromInternal,
    announcesToInternal: settings.announcesToInternal,
    ifacSize: settings.ifacSize,
  };
}
