/** The times of every empty window: one shared array that is never written. */
const NO_EVENTS: number[] = [];

/**
 * A sliding window of event times. Only the newest `limit` times are kept: a detector fires when
 * the count reaches its threshold, so older events can never matter, and a flood from one IP
 * costs a bounded amount of memory. An empty window allocates nothing and a first event an array
 * of one: a large peer table is mostly windows with no event or one.
 */
export class EventWindow {
  private times: number[] = NO_EVENTS;

  /** Events within the window as of the last {@link prune} or {@link record}. */
  get count(): number {
    return this.times.length;
  }

  /** Drops events older than `windowMs` before `now`. */
  prune(now: number, windowMs: number): void {
    let drop = 0;
    while (drop < this.times.length && now - (this.times[drop] as number) > windowMs) drop++;
    if (drop > 0) this.times.splice(0, drop);
  }

  /** Records an event at `now` and returns the count within the window. */
  record(now: number, windowMs: number, limit: number): number {
    this.prune(now, windowMs);
    if (this.times.length === 0) this.times = [now];
    else this.times.push(now);
    if (this.times.length > limit) this.times.splice(0, this.times.length - limit);
    return this.times.length;
  }

  /** Forgets every event. */
  clear(): void {
    this.times = NO_EVENTS;
  }
}
