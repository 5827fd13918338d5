import { BackboneClientRuntime } from '../backbone-config';

/**
 * Listeners per live client runtime object. The runtime-config handle and the running client only
 * share that plain object (see BackboneStateRegistry), so change notices are keyed by it; weakly,
 * so a dropped runtime takes its listeners with it.
 */
const watchers = new WeakMap<BackboneClientRuntime, Set<() => void>>();

/**
 * Calls `listener` whenever {@link notifyClientRuntimeChanged} is called for `runtime`: how a
 * running client learns that a setting which applies at once (`write_stall_timeout_secs`) changed.
 *
 * @returns a function that removes the listener (idempotent).
 */
export function watchClientRuntime(runtime: BackboneClientRuntime, listener: () => void): () => void {
  let set = watchers.get(runtime);
  if (set === undefined) {
    set = new Set();
    watchers.set(runtime, set);
  }
  const own = set;
  // Wrapped so the same function registered twice is two registrations, each removed by its own call.
  const entry = (): void => listener();
  own.add(entry);
  return () => void own.delete(entry);
}

/** Tells every listener of `runtime` that one of its settings changed. */
export function notifyClientRuntimeChanged(runtime: BackboneClientRuntime): void {
  const set = watchers.get(runtime);
  if (set === undefined) return;
  for (const listener of [...set]) listener();
}
