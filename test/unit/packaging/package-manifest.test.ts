import { expect } from 'chai';
import { existsSync, readFileSync } from 'node:fs';
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
}

const manifest = JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as Manifest;

/** The subpaths the package exports. A new entry point (`./testing`, ...) is added here too. */
const EXPORTED_SUBPATHS = ['.', './package.json'];

/** Every file the manifest names as an entry point, without a leading `./`. */
function entryPoints(): string[] {
  const targets = [manifest.main, manifest.types, ...Object.values(manifest.bin)];
  for (const target of Object.values(manifest.exports)) {
    targets.push(...(typeof target === 'string' ? [target] : Object.values(target)));
  }
  return targets.map((t) => t.replace(/^\.\//, ''));
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
});
