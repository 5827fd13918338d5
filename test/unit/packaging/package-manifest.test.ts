import { expect } from 'chai';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';

/**
 * The published package: what `files` ships must hold everything `main`, `types`, `bin` and
 * `exports` point at, and each of those must be built from a source file under src (the build
 * that `prepare` and `npm start` run compiles src only).
 */
const ROOT = path.join(__dirname, '../../..');

interface Manifest {
  main: string;
  types: string;
  bin: Record<string, string>;
  files: string[];
  exports: Record<string, string | Record<string, string>>;
  scripts: Record<string, string>;
  dependencies: Record<string, string>;
  devDependencies: Record<string, string>;
  peerDependencies: Record<string, string>;
  peerDependenciesMeta: Record<string, { optional?: boolean }>;
}

const manifest = JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as Manifest;

/** The subpaths the package exports. A new entry point (`./testing`, ...) is added here too. */
const EXPORTED_SUBPATHS = ['.', './testing', './package.json'];

/** Where the compliance suite lives: the one part of src that may import a peer dependency. */
const TESTING_DIR = 'src/testing';

/** Every file the manifest names as an entry point, without a leading `./`. */
function entryPoints(): string[] {
  const targets = [manifest.main, manifest.types, ...Object.values(manifest.bin)];
  for (const target of Object.values(manifest.exports)) {
    targets.push(...(typeof target === 'string' ? [target] : Object.values(target)));
  }
  return targets.map((t) => t.replace(/^\.\//, ''));
}

/** The npm packages a source file imports (`chai`, `@scope/name`), Node's own modules left out. */
function packagesImportedBy(file: string): string[] {
  const text = readFileSync(file, 'utf8');
  const names: string[] = [];
  for (const match of text.matchAll(/^\s*(?:(?:import|export)\b[^'"]*?from\s+|import\s+)'([^'.][^']*)'/gm)) {
    const specifier = match[1] as string;
    if (specifier.startsWith('node:')) continue;
    const parts = specifier.split('/');
    names.push(specifier.startsWith('@') ? parts.slice(0, 2).join('/') : (parts[0] as string));
  }
  return names;
}

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(full);
    return entry.name.endsWith('.ts') ? [full] : [];
  });
}

/** The source file a built file under dist/src comes from. */
function sourceOf(built: string): string {
  return built.replace(/^dist\//, '').replace(/\.d\.ts$|\.js$/, '.ts');
}

describe('package manifest', () => {
  it('exports exactly the documented subpaths', () => {
    expect(Object.keys(manifest.exports)).to.deep.equal(EXPORTED_SUBPATHS);
  });

  it('ships every entry point in `files`', () => {
    const shipped = (file: string): boolean =>
      file === 'package.json' || manifest.files.some((f) => file === f || file.startsWith(`${f}/`));
    expect(entryPoints().filter((file) => !shipped(file))).to.deep.equal([]);
  });

  it('builds every JavaScript entry point from src', () => {
    const built = entryPoints().filter((file) => file.startsWith('dist/'));
    expect(built).to.not.be.empty;
    for (const file of built) {
      expect(file, file).to.match(/^dist\/src\//);
      expect(existsSync(path.join(ROOT, sourceOf(file))), `${sourceOf(file)} for ${file}`).to.equal(true);
    }
  });

  it('runs and prepares from the src-only build', () => {
    const build = JSON.parse(readFileSync(path.join(ROOT, 'tsconfig.build.json'), 'utf8')) as {
      include: string[];
    };
    expect(build.include).to.deep.equal(['src/**/*.ts']);
    // A clean dist/src first, so a packed package holds no output of deleted sources.
    expect(manifest.scripts['prepare']).to.match(/rmSync\('dist\/src'.* && tsc -p tsconfig\.build\.json$/);
    expect(manifest.scripts['start']).to.match(/^npm run build:src --silent && /);
    expect(manifest.scripts['build:src']).to.equal('tsc -p tsconfig.build.json');
  });

  it('exports the compliance suite as rns-net/testing, built from src/testing', () => {
    expect(manifest.exports['./testing']).to.deep.equal({
      types: './dist/src/testing/index.d.ts',
      default: './dist/src/testing/index.js',
    });
  });

  it('names chai, which only rns-net/testing imports, as an optional peer dependency the tests use', () => {
    expect(manifest.peerDependencies).to.have.keys(['chai']);
    // Optional: a node installed to run needs no assertion library.
    expect(manifest.peerDependenciesMeta['chai']?.optional).to.equal(true);
    const devMajor = /(\d+)\./.exec(manifest.devDependencies['chai'] ?? '')?.[1];
    expect(manifest.peerDependencies['chai']).to.contain(`^${devMajor}.`);
  });

  it('imports from src only packages it depends on (peer dependencies from src/testing only)', () => {
    const missing: string[] = [];
    for (const file of sourceFiles(path.join(ROOT, 'src'))) {
      const relative = path.relative(ROOT, file).split(path.sep).join('/');
      const testing = relative.startsWith(`${TESTING_DIR}/`);
      for (const name of packagesImportedBy(file)) {
        const declared = name in manifest.dependencies || (testing && name in manifest.peerDependencies);
        if (!declared) missing.push(`${relative} imports ${name}`);
      }
    }
    expect(missing).to.deep.equal([]);
  });
});
