/** Resource types an interface may leave open; others (the runner's, the polling's) are ignored. */
const TRACKED_RESOURCES = ['TCPSocketWrap', 'TCPServerWrap', 'Timeout', 'UDPWrap', 'PipeWrap', 'ProcessWrap'];

/** Counts of the open resources an interface could leave behind, by type. */
export type ResourceCounts = ReadonlyMap<string, number>;

/** The open sockets, servers, timers and child processes of this process, by type. */
export function trackedResources(): ResourceCounts {
  const counts = new Map<string, number>();
  for (const type of process.getActiveResourcesInfo()) {
    if (TRACKED_RESOURCES.includes(type)) counts.set(type, (counts.get(type) ?? 0) + 1);
  }
  return counts;
}

/**
 * Tracked resources over the baseline, as `{type: excess}` (empty when none). Closing sockets
 * takes a few event-loop turns, so it re-checks on each turn until clean or `limitMs` passed.
 */
export async function resourcesOver(
  baseline: ResourceCounts,
  limitMs: number,
): Promise<Record<string, number>> {
  const deadline = Date.now() + limitMs;
  for (;;) {
    const excess: Record<string, number> = {};
    for (const [type, count] of trackedResources()) {
      const over = count - (baseline.get(type) ?? 0);
      if (over > 0) excess[type] = over;
    }
    if (Object.keys(excess).length === 0 || Date.now() > deadline) return excess;
    await nextTurn();
  }
}

/** Resolves after one turn of the event loop. */
export function nextTurn(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}
