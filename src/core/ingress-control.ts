/**
 * Announce and path-request ingress control of an interface, and path-request egress control, as
 * Python RNS 1.4.2 configures them (`ingress_control`, `ic_*`, `egress_control`, `ec_*` keys,
 * RNS/Interfaces/Interface.py). The node carries it from the config section to every interface
 * (and every spawned peer); the transport engine applies it, the relay ignores it.
 */
export interface IngressControlConfig {
  /** Whether ingress control is on (`ingress_control`). */
  readonly enabled: boolean;
  /** `ic_max_held_announces`: most announces held per interface. */
  readonly maxHeldAnnounces: number;
  /** `ic_burst_hold`, seconds a burst stays active after the rate fell. */
  readonly burstHold: number;
  /** `ic_burst_freq_new`, announces per second that start a burst on a new interface. */
  readonly burstFreqNew: number;
  /** `ic_burst_freq`, announces per second that start a burst. */
  readonly burstFreq: number;
  /** `ic_pr_burst_freq_new`, path requests per second that start a burst on a new interface. */
  readonly prBurstFreqNew: number;
  /** `ic_pr_burst_freq`, path requests per second that start a burst. */
  readonly prBurstFreq: number;
  /** `ic_new_time`, seconds an interface counts as new. */
  readonly newTime: number;
  /** `ic_burst_penalty`, seconds before held announces start being released. */
  readonly burstPenalty: number;
  /** `ic_held_release_interval`, seconds between two released announces. */
  readonly heldReleaseInterval: number;
  /** `egress_control`: limit recursive path requests sent on the interface. */
  readonly egressControl: boolean;
  /** `ec_pr_freq`, outgoing path requests per second above which egress control holds them. */
  readonly ecPrFreq: number;
}

/** Python RNS's defaults (Interface.py constants), with ingress control on. */
export const DEFAULT_INGRESS_CONTROL: IngressControlConfig = Object.freeze({
  enabled: true,
  maxHeldAnnounces: 256,
  burstHold: 15,
  burstFreqNew: 3,
  burstFreq: 10,
  prBurstFreqNew: 3,
  prBurstFreq: 8,
  newTime: 2 * 60 * 60,
  burstPenalty: 15,
  heldReleaseInterval: 5,
  egressControl: false,
  ecPrFreq: 5,
});
