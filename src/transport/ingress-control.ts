import { IngressControlConfig } from '../core/ingress-control';
import { BinaryKey } from '../core/binary-key';
import { IC_BURST_MIN_SAMPLES, IC_DEQUE_MIN_SAMPLE, PATHFINDER_M } from './constants';
import { FrequencySampler } from './frequency-sampler';

/** An announce held by ingress control, to be processed again when released. */
export interface HeldAnnounce {
  /** The announce as received. */
  readonly raw: Uint8Array;
  /** Its hops after this node's increment (the lowest are released first). */
  readonly hops: number;
}

/**
 * One interface's ingress and egress control state (Python's `Interface` methods
 * `should_ingress_limit`, `should_ingress_limit_pr`, `should_egress_limit_pr`, `hold_announce`,
 * `process_held_announces`):
 *
 * - When announces arrive faster than `ic_burst_freq_new` (an interface younger than
 *   `ic_new_time`) or `ic_burst_freq`, a burst starts: announces of destinations not in the path
 *   table and not awaited by a path request are held instead of processed. The burst ends once
 *   the rate fell below the threshold and `ic_burst_hold` passed.
 * - Held announces (at most `ic_max_held_announces`, one per destination, the newest kept) are
 *   released `ic_burst_penalty` after the burst began, one per `ic_held_release_interval`, lowest
 *   hops first, while the rate stays below the threshold.
 * - Path requests arriving faster than `ic_pr_burst_freq(_new)` stop recursive path discovery on
 *   their behalf; with `egress_control`, recursive requests are not sent on an interface that
 *   already sends more than `ec_pr_freq` per second.
 */
export class IngressState {
  /** Incoming (validated) announces. */
  readonly announcesIn = new FrequencySampler(IC_DEQUE_MIN_SAMPLE);
  /** Incoming path requests. */
  readonly pathRequestsIn = new FrequencySampler(IC_DEQUE_MIN_SAMPLE);
  /** Outgoing path requests. */
  readonly pathRequestsOut = new FrequencySampler(1);
  /** Held announces by destination. */
  readonly held = new Map<BinaryKey, HeldAnnounce>();
  burstActive = false;
  burstActivatedAt = 0;
  heldReleaseAt = 0;
  prBurstActive = false;
  prBurstActivatedAt = 0;

  /** @param createdAt - when the interface came up, ms (its age decides "new"). */
  constructor(private readonly createdAt: number) {}

  private isNew(now: number, config: IngressControlConfig): boolean {
    return now - this.createdAt < config.newTime * 1000;
  }

  /** Whether announces of unknown destinations are held now (updates the burst state). */
  shouldLimitAnnounces(now: number, config: IngressControlConfig): boolean {
    if (!config.enabled) return false;
    const threshold = this.isNew(now, config) ? config.burstFreqNew : config.burstFreq;
    const frequency = this.announcesIn.frequency(now);
    if (this.burstActive) {
      if (
        frequency < threshold &&
        now > this.burstActivatedAt + config.burstHold * 1000 &&
        this.announcesIn.size >= IC_DEQUE_MIN_SAMPLE
      ) {
        this.burstActive = false;
      }
      return true;
    }
    if (frequency > threshold) {
      this.burstActive = true;
      this.burstActivatedAt = now;
      this.heldReleaseAt = now + config.burstPenalty * 1000;
      return true;
    }
    return false;
  }

  /** Whether path requests from this interface are in a burst (updates the burst state). */
  shouldLimitPathRequests(now: number, config: IngressControlConfig): boolean {
    if (!config.enabled) return false;
    const threshold = this.isNew(now, config) ? config.prBurstFreqNew : config.prBurstFreq;
    const frequency = this.pathRequestsIn.frequency(now);
    if (this.prBurstActive) {
      if (frequency < threshold && now > this.prBurstActivatedAt + config.burstHold * 1000) {
        this.prBurstActive = false;
      }
      return true;
    }
    if (frequency > threshold) {
      this.prBurstActive = true;
      this.prBurstActivatedAt = now;
      return true;
    }
    return false;
  }

  /** Whether recursive path requests must not be sent on this interface now. */
  shouldLimitEgressPathRequests(now: number, config: IngressControlConfig): boolean {
    if (!config.egressControl) return false;
    return (
      this.pathRequestsOut.frequency(now) > config.ecPrFreq &&
      this.pathRequestsOut.size >= IC_BURST_MIN_SAMPLES
    );
  }

  /**
   * Holds an announce. A newer announce of a destination already held replaces it; a new
   * destination is held while fewer than `ic_max_held_announces` are and `roomLeft` (the
   * node-wide budget) allows. Returns whether it was held (a replacement counts as held).
   */
  hold(
    destination: BinaryKey,
    announce: HeldAnnounce,
    config: IngressControlConfig,
    roomLeft: boolean,
  ): boolean {
    if (announce.hops >= PATHFINDER_M - 1) return false;
    if (this.held.has(destination)) {
      this.held.set(destination, announce);
      return true;
    }
    if (this.held.size >= config.maxHeldAnnounces || !roomLeft) return false;
    this.held.set(destination, announce);
    return true;
  }

  /**
   * The held announce to release now, if one is due (removed from the held set): the lowest
   * hops, once the penalty time passed and the rate is below the threshold.
   */
  release(now: number, config: IngressControlConfig): HeldAnnounce | undefined {
    if (this.held.size === 0 || now <= this.heldReleaseAt) return undefined;
    const threshold = this.isNew(now, config) ? config.burstFreqNew : config.burstFreq;
    if (this.announcesIn.frequency(now) >= threshold) return undefined;
    let selected: BinaryKey | undefined;
    let minHops = PATHFINDER_M;
    for (const [destination, announce] of this.held) {
      if (announce.hops < minHops) {
        minHops = announce.hops;
        selected = destination;
      }
    }
    if (selected === undefined) return undefined;
    const announce = this.held.get(selected) as HeldAnnounce;
    this.held.delete(selected);
    this.heldReleaseAt = now + config.heldReleaseInterval * 1000;
    return announce;
  }
}
