import { expect } from 'chai';
import { spawnSync } from 'node:child_process';
import * as path from 'node:path';

const MODULE = path.resolve(__dirname, '../../../src/cli/heap-settings.ts');

/**
 * Runs a child Node that (maybe) calls keepYoungGenerationSmall, then allocates objects that
 * survive scavenges (what makes V8 grow the young generation); reports the young generation's
 * size in MiB before and after, and what the call returned.
 */
interface YoungGeneration {
  set: boolean | null;
  beforeMiB: number;
  afterMiB: number;
}

function youngGenerationAfterSurvivors(call: boolean, env: Record<string, string> = {}): YoungGeneration {
  const script = `
    const { getHeapSpaceStatistics } = require('node:v8');
    const young = () => getHeapSpaceStatistics().find((s) => s.space_name === 'new_space').space_size / 1048576;
    const set = ${call} ? require(${JSON.stringify(MODULE)}).keepYoungGenerationSmall() : null;
    const beforeMiB = young();
    const keep = new Array(200000);
    for (let i = 0; i < 2000000; i++) keep[i % keep.length] = { i, list: [i] };
    console.log(JSON.stringify({ set, beforeMiB, afterMiB: young() }));
  `;
  return runChild<YoungGeneration>(script, [], env);
}

/** Runs `script` in a child Node (with `nodeFlags` and `env`) and parses the JSON line it prints. */
function runChild<T>(script: string, nodeFlags: string[], env: Record<string, string> = {}): T {
  const child = spawnSync(
    process.execPath,
    [...nodeFlags, '-r', 'ts-node/register/transpile-only', '-e', script],
    {
      encoding: 'utf8',
      env: { ...process.env, NODE_OPTIONS: '', ...env },
      timeout: 60_000,
    },
  );
  expect(child.status, child.stderr).to.equal(0);
  return JSON.parse(child.stdout.trim()) as T;
}

describe('keepYoungGenerationSmall (rns-net run)', function () {
  this.timeout(60_000);

  it('keeps the young generation at its start size where V8 would grow it', () => {
    const grown = youngGenerationAfterSurvivors(false);
    const kept = youngGenerationAfterSurvivors(true);
    expect(kept.set).to.equal(true);
    expect(grown.afterMiB).to.be.greaterThan(grown.beforeMiB);
    expect(kept.afterMiB).to.equal(kept.beforeMiB);
  });

  it('leaves a semi-space setting given in NODE_OPTIONS alone', () => {
    const result = youngGenerationAfterSurvivors(true, { NODE_OPTIONS: '--max-semi-space-size=32' });
    expect(result.set).to.equal(false);
    expect(result.afterMiB).to.be.greaterThan(result.beforeMiB);
  });
});

/** A child that keeps about 40 MB alive while garbage churns through the old generation. */
function heapAfterChurn(call: boolean, nodeFlags: string[] = []): { set: boolean | null; totalMiB: number } {
  const script = `
    const set = ${call} ? require(${JSON.stringify(MODULE)}).limitHeapGrowth() : null;
    const live = [];
    for (let i = 0; i < 400000; i++) live.push({ i, pad: new Array(8).fill(i) });
    let churn = [];
    for (let round = 0; round < 40; round++) {
      for (let i = 0; i < 50000; i++) churn.push({ i, pad: new Array(8).fill(i) });
      if (round % 4 === 3) churn = [];
    }
    const totalMiB = require('node:v8').getHeapStatistics().total_heap_size / 1048576;
    console.log(JSON.stringify({ set, totalMiB, live: live.length }));
  `;
  return runChild<{ set: boolean | null; totalMiB: number }>(script, nodeFlags);
}

describe('limitHeapGrowth (rns-net run, transport nodes)', function () {
  this.timeout(120_000);

  it('keeps the old generation closer to what stays alive than V8 would', () => {
    const grown = heapAfterChurn(false);
    const limited = heapAfterChurn(true);
    expect(limited.set).to.equal(true);
    expect(limited.totalMiB).to.be.lessThan(grown.totalMiB);
  });

  it('leaves a growth setting given on the command line alone', () => {
    const result = heapAfterChurn(true, ['--heap-growing-percent=50']);
    expect(result.set).to.equal(false);
  });
});
