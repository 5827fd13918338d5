import { randomBytes } from 'node:crypto';
import { mkdir, open, readFile, rename, unlink } from 'node:fs/promises';
import * as path from 'node:path';
import { BlobStore } from '../../core/storage';

/** Blob names are plain file names: no separators, no leading dot, nothing to escape the folder. */
const NAME_PATTERN = /^[A-Za-z0-9_][A-Za-z0-9_.-]*$/;

/**
 * A {@link BlobStore} in one folder (the config dir's `storage`, where Python RNS keeps the same
 * files), one file per blob, mode 0600 (these hold private keys and what the node has learnt).
 *
 * A write goes to a temporary file that is flushed to disk (fsync) and then renamed over the old
 * one, and the folder is flushed too, so a crash or power cut leaves the old file or the new one,
 * never a torn one. A blob set aside is renamed to `name.corrupt-<time>` and kept.
 */
export class FileBlobStore implements BlobStore {
  constructor(readonly directory: string) {}

  /** The file a blob lives in. */
  pathOf(name: string): string {
    if (!NAME_PATTERN.test(name)) throw new RangeError(`invalid storage name ${JSON.stringify(name)}`);
    return path.join(this.directory, name);
  }

  async read(name: string): Promise<Uint8Array | undefined> {
    try {
      return await readFile(this.pathOf(name));
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw error;
    }
  }

  async write(name: string, data: Uint8Array | readonly Uint8Array[]): Promise<void> {
    const target = this.pathOf(name);
    await mkdir(this.directory, { recursive: true, mode: 0o700 });
    const temp = `${target}.tmp-${process.pid}-${randomBytes(4).toString('hex')}`;
    const file = await open(temp, 'wx', 0o600);
    try {
      try {
        // writeFile writes all of a chunk (write may stop short) from where the last one ended.
        for (const chunk of data instanceof Uint8Array ? [data] : data) await file.writeFile(chunk);
        await file.sync();
      } finally {
        await file.close();
      }
      await rename(temp, target);
    } catch (error) {
      // A full disk must not leave a half-written temporary file behind for every attempt.
      await unlink(temp).catch(() => undefined);
      throw error;
    }
    await this.syncDirectory();
  }

  async setAside(name: string): Promise<string | undefined> {
    const source = this.pathOf(name);
    const aside = `${name}.corrupt-${new Date().toISOString().replace(/[:.]/g, '-')}`;
    try {
      await rename(source, this.pathOf(aside));
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw error;
    }
    await this.syncDirectory();
    return aside;
  }

  /** Makes a rename durable. Some file systems refuse fsync on a directory; the rename still stands. */
  private async syncDirectory(): Promise<void> {
    let directory;
    try {
      directory = await open(this.directory, 'r');
      await directory.sync();
    } catch {
      // best effort: see above
    } finally {
      await directory?.close();
    }
  }
}
