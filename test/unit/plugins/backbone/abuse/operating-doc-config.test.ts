import { expect } from 'chai';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseNodeConfig } from '../../../../../src/node/config/node-config';
import { parseBackboneConfig } from '../../../../../src/plugins/backbone/backbone-config-parser';
import { StreamServerState } from '../../../../../src/net/server/server-state';
import { createServerRuntimeHandle } from '../../../../../src/net/server/server-runtime-handle';
import { BACKBONE_SERVER_LINK } from '../../../../../src/plugins/backbone/backbone-constants';

const DOCS = join(__dirname, '../../../../../docs');
const OPERATIONS = join(DOCS, 'operations.md');
const CONFIGURATION = join(DOCS, 'configuration.md');

/** The text of `file` from the heading `heading` on. */
function sectionOf(file: string, heading: string): string {
  const text = readFileSync(file, 'utf8');
  const start = text.indexOf(heading);
  expect(start, `${heading} in ${file}`).to.be.at.least(0);
  return text.slice(start);
}

describe('docs: abuse defence', () => {
  it('recommends a config that parses, with every abuse key known and the documented values', () => {
    const text = sectionOf(OPERATIONS, '### Recommended settings for a public node');
    const snippet = /```ini\n([\s\S]*?)```/.exec(text)?.[1];
    expect(snippet, 'an ini block').to.be.a('string');
    const node = parseNodeConfig(snippet ?? '', OPERATIONS);
    expect(node.errors).to.deep.equal([]);
    const section = node.interfaces[0];
    expect(section?.name).to.equal('Public Backbone');
    const config = parseBackboneConfig(section?.name ?? '', 1, section?.params ?? {});
    if (config.mode !== 'server') throw new Error('expected a server section');
    expect(config.unknownKeys).to.deep.equal([]);
    expect(config.startup).to.deep.equal({
      maxConnections: 512,
      idleTimeoutMs: 45_000,
      writeStallTimeoutMs: 45_000,
      maxPenaltyDurationMs: 86_400_000,
    });
    expect(config.abuse).to.deep.equal({
      blacklistDurationMs: 120_000,
      idleTimeoutThreshold: 4,
      idleTimeoutWindowMs: 300_000,
      writeStallThreshold: 2,
      writeStallWindowMs: 300_000,
      flapThreshold: 5,
      flapWindowMs: 60_000,
      flapMaxConnectionAgeMs: 10_000,
      connectRateThreshold: 20,
      connectRateWindowMs: 10_000,
      partialFrameThreshold: 4,
      partialFrameWindowMs: 300_000,
      penaltyDecayIntervalMs: 3_600_000,
      blockFastFlapping: true,
      fastFlappingThresholdMs: 20_000,
      fastFlappingGrace: 5,
      fastFlappingBlockTimeMs: 43_200_000,
      penaltyExempt: ['127.0.0.0/8', '::1'],
      maxTrackedIps: 100_000,
      maxConnectionsPerIp: 32,
      partialFrameTimeoutMs: 30_000,
    });
  });

  it('names in its key table exactly the runtime settings the server has for them', () => {
    const table = sectionOf(CONFIGURATION, '### Abuse-defence keys');
    const documented = [...table.matchAll(/^\| `([a-z_]+)`\s*\| `([a-z_]+)`/gm)].map((m) => m[2]);
    const handle = createServerRuntimeHandle(
      new StreamServerState({
        link: BACKBONE_SERVER_LINK,
        name: 'x',
        id: 1,
        listenIp: '127.0.0.1',
        listenPort: 4242,
        startup: { maxConnections: 0, idleTimeoutMs: 0, writeStallTimeoutMs: 0, maxPenaltyDurationMs: 0 },
      }),
    );
    const settings = handle
      .list()
      .map((s) => s.setting)
      .filter((name) => !['idle_timeout_secs', 'write_stall_timeout_secs', 'max_connections'].includes(name));
    expect([...documented].sort()).to.deep.equal([...settings].sort());
  });
});
