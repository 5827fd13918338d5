/**
 * Announce ingress control of an interface, as Python RNS and rns-net configure it (`ic_*` keys).
 * The node carries it from the config section to every interface (and every spawned peer) so a
 * transport layer can apply it; the relay itself does not hold announces.
 */
export interface IngressControlConfig {
  /** Whether ingress control is on (`ingress_control`). */
  readonly enabled: boolean;
  /** `ic_max_held_announces`. */
  readonly maxHeldAnnounces: number;
  /** `ic_burst_hold`, seconds. */
  readonly burstHold: number;
  /** `ic_burst_freq_new`, announces per second. */
  readonly burstFreqNew: number;
  /** `ic_burst_freq`, announces per second. */
  readonly burstFreq: number;
  /** `ic_new_time`, seconds. */
  readonly newTime: number;
  /** `ic_burst_penalty`, seconds. */
  readonly burstPenalty: number;
  /** `ic_held_release_interval`, seconds. */
  readonly heldReleaseInterval: number;
}

/** Python RNS's defaults, with ingress control on (as for Backbone and TCP interfaces). */
export const DEFAULT_INGRESS_CONTROL: IngressControlConfig = Object.freeze({
  enabled: true,
  maxHeldAnnounces: 256,
  burstHold: 15,
  burstFreqNew: 3,
  burstFreq: 10,
  newTime: 2 * 60 * 60,
  burstPenalty: 15,
  heldReleaseInterval: 5,
});
