import { expect } from 'chai';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { FakeMetricsSource, idleForwarding, metricsOver } from './fake-metrics-source';

/** docs/metrics.md lists every metric a node can register, and no other. */
const DOC = path.join(__dirname, '../../../../docs/metrics.md');

/** The metric names in the rows of the doc's tables. */
function documentedNames(): string[] {
  const names = new Set<string>();
  for (const line of readFileSync(DOC, 'utf8').split('\n')) {
    const first = /^\|\s*`(rnsnet_[a-z0-9_]+)`\s*\|/.exec(line);
    if (first !== null) names.add(first[1] as string);
  }
  return [...names].sort();
}

/** Every family a node registers, in either forwarding mode, with per-peer series on. */
function registeredNames(): string[] {
  const names = new Set<string>();
  for (const mode of ['flood', 'transport'] as const) {
    const metrics = metricsOver(new FakeMetricsSource(idleForwarding(mode)), true);
    for (const name of metrics.metricNames()) names.add(name);
  }
  return [...names].sort();
}

describe('docs/metrics.md', () => {
  it('lists every registered metric and no other', () => {
    const documented = documentedNames();
    const registered = registeredNames();
    const missing = registered.filter((n) => !documented.includes(n));
    const stale = documented.filter((n) => !registered.includes(n));
    expect(
      { missing, stale },
      `add a table row to docs/metrics.md for each of 'missing'; remove the rows of 'stale'`,
    ).to.deep.equal({ missing: [], stale: [] });
    expect(registered.length).to.be.greaterThan(40);
  });
});
