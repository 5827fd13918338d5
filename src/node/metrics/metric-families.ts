import { Counter, Gauge, Registry } from 'prom-client';

/** Label values of one series. */
export type Labels = Readonly<Record<string, string>>;

/** Hands one series' value to the metric being collected. */
export type Emit = (labels: Labels, value: number) => void;

/** One metric family: its name, help line and label names. */
export interface FamilySpec {
  readonly name: string;
  readonly help: string;
  readonly labelNames?: readonly string[];
}

/**
 * Registers a counter whose series are read from live counters at every scrape: `read` emits
 * each series' current total. Nothing is updated between scrapes, so the packet path pays
 * nothing; series not emitted in a scrape (a peer that left) disappear from it.
 */
export function collectedCounter(registry: Registry, spec: FamilySpec, read: (emit: Emit) => void): void {
  const labelNames = spec.labelNames ?? [];
  new Counter({
    name: spec.name,
    help: spec.help,
    labelNames,
    registers: [registry],
    collect() {
      this.reset();
      read((labels, value) => (labelNames.length > 0 ? this.inc(labels, value) : this.inc(value)));
    },
  });
}

/** Registers a gauge whose series are read at every scrape, as {@link collectedCounter}. */
export function collectedGauge(registry: Registry, spec: FamilySpec, read: (emit: Emit) => void): void {
  const labelNames = spec.labelNames ?? [];
  new Gauge({
    name: spec.name,
    help: spec.help,
    labelNames,
    registers: [registry],
    collect() {
      this.reset();
      read((labels, value) => (labelNames.length > 0 ? this.set(labels, value) : this.set(value)));
    },
  });
}

/**
 * Where one plain counter of an object goes: a family and, for a family with a label, the label's
 * value. Reading a table of these keeps "which counter is which series" in one place per object.
 */
export type CounterSlot<F extends string> = readonly [family: F, labelValue?: string];

/**
 * Registers one counter family per entry of `families`, each collecting the counters that `slots`
 * assign to it from the object `counters()` returns at scrape time.
 */
export function counterTable<F extends string, C extends { readonly [K in keyof C]: number }>(
  registry: Registry,
  families: Readonly<Record<F, FamilySpec>>,
  slots: { readonly [K in keyof C]: CounterSlot<F> },
  counters: () => Readonly<C> | undefined,
): void {
  const byFamily = new Map<F, [keyof C, string | undefined][]>();
  for (const key of Object.keys(slots) as (keyof C)[]) {
    const [family, labelValue] = slots[key];
    byFamily.set(family, [...(byFamily.get(family) ?? []), [key, labelValue]]);
  }
  for (const family of Object.keys(families) as F[]) {
    const spec = families[family];
    const label = spec.labelNames?.[0];
    const members = byFamily.get(family) ?? [];
    collectedCounter(registry, spec, (emit) => {
      const current = counters();
      if (current === undefined) return;
      for (const [key, labelValue] of members) {
        emit(label !== undefined && labelValue !== undefined ? { [label]: labelValue } : {}, current[key]);
      }
    });
  }
}
