import { expect } from 'chai';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { RETICULUM_NODE_KEYS } from '../../../src/node/config/node-config';
import { METRICS_KEYS } from '../../../src/node/config/metrics-section';
import { INGRESS_CONTROL_KEY_NAMES } from '../../../src/node/config/ingress-control-keys';
import {
  BLOCK_FAST_FLAPPING_KEY,
  NUMERIC_ABUSE_KEYS,
  PENALTY_EXEMPT_KEY,
} from '../../../src/net/abuse/abuse-setting-keys';
import { createClientRuntimeHandle } from '../../../src/net/client/client-runtime-handle';
import { StreamServerState } from '../../../src/net/server/server-state';
import { createServerRuntimeHandle } from '../../../src/net/server/server-runtime-handle';
import { parseBackboneConfig } from '../../../src/plugins/backbone/backbone-config-parser';
import { BACKBONE_SERVER_LINK } from '../../../src/plugins/backbone/backbone-constants';

const ROOT = path.join(__dirname, '../../..');
const README = path.join(ROOT, 'README.md');
const DOCS = path.join(ROOT, 'docs');

/** The README is for a newcomer; the rest lives in docs/. */
const README_MAX_BYTES = 11 * 1024;

function markdownFiles(): string[] {
  const docs = readdirSync(DOCS)
    .filter((name) => name.endsWith('.md'))
    .map((name) => path.join(DOCS, name));
  return [README, ...docs];
}

/** The text without fenced code blocks and inline code, where brackets and `#` lines are not markup. */
function prose(text: string): string {
  return text.replace(/^(```|~~~)[^\n]*\n[\s\S]*?^\1[^\n]*$/gm, '').replace(/`[^`\n]*`/g, '');
}

/** GitHub's anchor for a heading: lowercase, punctuation removed, spaces to hyphens. */
function slug(heading: string): string {
  return heading
    .trim()
    .toLowerCase()
    .replace(/[^\p{L}\p{N}\s_-]/gu, '')
    .replace(/ /g, '-');
}

/** The anchors a markdown file's headings define (a repeated heading gets `-1`, `-2`, ...). */
function anchorsOf(file: string): Set<string> {
  const text = readFileSync(file, 'utf8').replace(/^(```|~~~)[^\n]*\n[\s\S]*?^\1[^\n]*$/gm, '');
  const anchors = new Set<string>();
  const seen = new Map<string, number>();
  for (const match of text.matchAll(/^#{1,6}\s+(.+?)\s*#*\s*$/gm)) {
    const base = slug(match[1] as string);
    const count = seen.get(base) ?? 0;
    seen.set(base, count + 1);
    anchors.add(count === 0 ? base : `${base}-${count}`);
  }
  return anchors;
}

/** Every relative link target of a markdown file (absolute URLs and mail addresses left out). */
function relativeLinks(file: string): string[] {
  const text = prose(readFileSync(file, 'utf8'));
  return [...text.matchAll(/\]\(([^)\s]+)(?:\s+"[^"]*")?\)/g)]
    .map((m) => m[1] as string)
    .filter((target) => !/^[a-z][a-z0-9+.-]*:/i.test(target));
}

describe('docs', () => {
  it(`keep the README under ${README_MAX_BYTES} bytes`, () => {
    expect(statSync(README).size).to.be.at.most(README_MAX_BYTES);
  });

  it('link only to files and headings that exist (README.md and docs/*.md)', () => {
    const broken: string[] = [];
    for (const file of markdownFiles()) {
      for (const target of relativeLinks(file)) {
        const [pathPart, anchor] = target.split('#', 2) as [string, string | undefined];
        const resolved = pathPart === '' ? file : path.resolve(path.dirname(file), decodeURI(pathPart));
        const where = `${path.relative(ROOT, file)} -> ${target}`;
        if (!existsSync(resolved)) {
          broken.push(`${where}: no such file`);
          continue;
        }
        if (anchor !== undefined && resolved.endsWith('.md') && !anchorsOf(resolved).has(anchor)) {
          broken.push(`${where}: no such heading`);
        }
      }
    }
    expect(broken).to.deep.equal([]);
  });

  it('link the README to every page in docs/', () => {
    const linked = new Set(relativeLinks(README).map((t) => path.resolve(ROOT, t.split('#')[0] as string)));
    const missing = markdownFiles()
      .slice(1)
      .filter((file) => !linked.has(file))
      .map((file) => path.relative(ROOT, file));
    expect(missing).to.deep.equal([]);
  });

  describe('docs/configuration.md', () => {
    const text = readFileSync(path.join(DOCS, 'configuration.md'), 'utf8');
    const undocumented = (keys: Iterable<string>): string[] =>
      [...keys].filter((key) => !text.includes(`\`${key}\``));

    it('names every [reticulum], [metrics] and ingress/egress control key the node reads', () => {
      expect(undocumented(RETICULUM_NODE_KEYS)).to.deep.equal([]);
      expect(undocumented(METRICS_KEYS)).to.deep.equal([]);
      expect(undocumented(INGRESS_CONTROL_KEY_NAMES)).to.deep.equal([]);
    });

    it('names every abuse-defence key and every runtime setting of a Backbone server and client', () => {
      expect(
        undocumented([...NUMERIC_ABUSE_KEYS.map((k) => k.key), PENALTY_EXEMPT_KEY, BLOCK_FAST_FLAPPING_KEY]),
      ).to.deep.equal([]);
      const server = createServerRuntimeHandle(
        new StreamServerState({
          link: BACKBONE_SERVER_LINK,
          name: 'x',
          id: 1,
          listenIp: '127.0.0.1',
          listenPort: 4242,
          startup: { maxConnections: 0, idleTimeoutMs: 0, writeStallTimeoutMs: 0, maxPenaltyDurationMs: 0 },
        }),
      );
      const clientConfig = parseBackboneConfig('x', 1, { remote: '127.0.0.1' });
      if (clientConfig.mode !== 'client') throw new Error('expected a client section');
      const client = createClientRuntimeHandle(clientConfig, { ...clientConfig.startup });
      const settings = [...server.list(), ...client.list()].map((s) => s.setting);
      expect(settings.length).to.be.greaterThan(20);
      expect(undocumented(settings)).to.deep.equal([]);
    });
  });
});
