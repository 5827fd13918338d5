import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';

/**
 * The version in rns-net's package.json, found by walking up from this file (it runs from src
 * under ts-node and from dist/src when built); `unknown` when no such file is found.
 */
export function packageVersion(from: string = __dirname): string {
  for (let dir = from; ; dir = path.dirname(dir)) {
    const file = path.join(dir, 'package.json');
    if (existsSync(file)) {
      const manifest = JSON.parse(readFileSync(file, 'utf8')) as { name?: unknown; version?: unknown };
      if (manifest.name === 'rns-net' && typeof manifest.version === 'string') return manifest.version;
    }
    if (path.dirname(dir) === dir) return 'unknown';
  }
}
