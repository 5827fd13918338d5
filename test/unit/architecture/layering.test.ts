import { expect } from 'chai';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';

/**
 * The one-way rule of the architecture: imports point downwards only (cli -> node ->
 * transport/plugins -> net -> registry -> core; transport -> protocol -> core; testing, the
 * exported compliance suite, sees core and registry only). The core never imports a plugin; a
 * plugin depends on the core and registry contracts and the stream toolkit (net) only; the wire
 * model (protocol) and the transport
 * engine know no plugin and no socket. Checked on the import statements of every source file.
 */
const SRC = path.join(__dirname, '../../../src');

/** Which top-level layers each layer may import from (besides itself). */
const ALLOWED: Record<string, readonly string[]> = {
  core: [],
  protocol: ['core'],
  transport: ['core', 'protocol'],
  registry: ['core'],
  net: ['core', 'registry'],
  plugins: ['core', 'registry', 'net'],
  node: ['core', 'protocol', 'transport', 'registry', 'net', 'plugins'],
  cli: ['core', 'protocol', 'transport', 'registry', 'net', 'plugins', 'node'],
  // The exported compliance suite: for plugin authors' tests, checking plugins by the contract.
  testing: ['core', 'registry'],
};

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(full);
    return entry.name.endsWith('.ts') ? [full] : [];
  });
}

/** The top-level layer of a file under src (`core`, `plugins`, ...), or '' for src/index.ts. */
function layerOf(file: string): string {
  const relative = path.relative(SRC, file).split(path.sep);
  return relative.length > 1 ? (relative[0] as string) : '';
}

describe('architecture: imports point downwards only', () => {
  const files = sourceFiles(SRC);

  it('finds the source tree', () => {
    expect(files.length).to.be.greaterThan(50);
  });

  for (const [layer, allowed] of Object.entries(ALLOWED)) {
    it(`src/${layer} imports only ${allowed.length > 0 ? allowed.join(', ') : 'itself'} (and Node/npm modules)`, () => {
      const violations: string[] = [];
      for (const file of files.filter((f) => layerOf(f) === layer)) {
        const text = readFileSync(file, 'utf8');
        for (const match of text.matchAll(/^\s*(?:import|export)[^'"]*?from\s+'(\.[^']+)'/gm)) {
          const target = layerOf(path.resolve(path.dirname(file), match[1] as string));
          if (target !== layer && !allowed.includes(target)) {
            violations.push(`${path.relative(SRC, file)} imports ${match[1]}`);
          }
        }
      }
      expect(violations).to.deep.equal([]);
    });
  }

  it('plugins do not import each other', () => {
    const violations: string[] = [];
    for (const file of files.filter((f) => layerOf(f) === 'plugins')) {
      const plugin = path.relative(path.join(SRC, 'plugins'), file).split(path.sep)[0];
      const text = readFileSync(file, 'utf8');
      for (const match of text.matchAll(/from\s+'(\.[^']+)'/g)) {
        const resolved = path.relative(
          path.join(SRC, 'plugins'),
          path.resolve(path.dirname(file), match[1] as string),
        );
        const target = resolved.split(path.sep)[0];
        if (!resolved.startsWith('..') && target !== plugin)
          violations.push(`${path.relative(SRC, file)} imports ${match[1]}`);
      }
    }
    expect(violations).to.deep.equal([]);
  });

  for (const layer of ['core', 'net']) {
    it(`src/${layer} names no plugin: no plugin type, event, port or constant in its code`, () => {
      expect(pluginNamesIn(layer)).to.deep.equal([]);
    });
  }

  /** Lines of code (not comments) in a layer that name a plugin. */
  function pluginNamesIn(layer: string): string[] {
    const plugins = readdirSync(path.join(SRC, 'plugins'), { withFileTypes: true })
      .filter((entry) => entry.isDirectory())
      .map((entry) => entry.name);
    expect(plugins).to.include('backbone');
    const forbidden = [
      /backbone/i,
      // A plugin's own vocabulary: MemoryInterface, StreamPeer, ...
      ...plugins.map((name) => new RegExp(`${name}(Interface|Peer|Server|Client|Plugin|Config)`, 'i')),
      // An interface type name spelled out, as config sections use it.
      /'[A-Za-z0-9]*Interface'/,
    ];
    const violations: string[] = [];
    for (const file of files.filter((f) => layerOf(f) === layer)) {
      const code = withoutComments(readFileSync(file, 'utf8'));
      code.split('\n').forEach((line, i) => {
        for (const pattern of forbidden) {
          if (pattern.test(line)) violations.push(`${path.relative(SRC, file)}:${i + 1}: ${line.trim()}`);
        }
      });
    }
    return violations;
  }
});

/** Source text with comments blanked out (line count kept), so only code is checked. */
function withoutComments(text: string): string {
  return text
    .replace(/\/\*[\s\S]*?\*\//g, (comment) => comment.replace(/[^\n]/g, ' '))
    .replace(/(^|[^:'"])\/\/.*$/gm, '$1');
}
