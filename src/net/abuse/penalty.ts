import { MAX_TIMER_DELAY_MS } from '../../core/clock';

/** Why a peer IP was penalised; these words appear in logs, events and peer state. */
export type PenaltyReason =
  | 'repeated idle timeouts'
  | 'repeated write stalls'
  | 'rapid silent reconnect churn'
  | 'connection rate exceeded'
  | 'connections per IP exceeded'
  | 'repeated partial frame timeouts'
  | 'fast flapping';

/** A penalty decided by the {@link BehaviourTracker}; the server applies it. */
export interface Penalty {
  /** The penalised IP. */
  readonly ip: string;
  /** The IP's penalty level after this penalty. */
  readonly level: number;
  /** Blacklist duration, already capped by `max_penalty_duration`. */
  readonly durationMs: number;
  /** Which detector fired. */
  readonly reason: PenaltyReason;
}

/**
 * Blacklist duration for a penalty level: `base x 2^(level-1)`, capped by `capMs` when it is
 * set, and never beyond the longest duration a setting takes (`MAX_TIMER_DELAY_MS`, about
 * 24.8 days), so the doubling of a repeat offender stays a duration like any other.
 */
export function penaltyDurationMs(baseMs: number, level: number, capMs: number): number {
  const scaled = Math.min(baseMs * 2 ** Math.min(Math.max(level - 1, 0), 30), MAX_TIMER_DELAY_MS);
  return capMs > 0 ? Math.min(scaled, capMs) : scaled;
}

/** Caps a fixed duration by `capMs` when it is set. */
export function capDurationMs(durationMs: number, capMs: number): number {
  return capMs > 0 ? Math.min(durationMs, capMs) : durationMs;
}
