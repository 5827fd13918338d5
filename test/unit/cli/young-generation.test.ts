import { expect } from 'chai';
import { spawnSync } from 'node:child_process';
import * as path from 'node:path';

const MODULE = path.resolve(__dirname, '../../../src/cli/young-generation.ts');

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
  const child = spawnSync(process.execPath, ['-r', 'ts-node/register/transpile-only', '-e', script], {
    encoding: 'utf8',
    env: { ...process.env, NODE_OPTIONS: '', ...env },
    timeout: 30_000,
  });
  expect(child.status, child.stderr).to.equal(0);
  return JSON.parse(child.stdout.trim()) as YoungGeneration;
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
