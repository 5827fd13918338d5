import { Logger } from './logger';

/**
 * Where layers without file access (the wire model, the transport engine) persist their tables:
 * named blobs, each replaced whole. The node provides a file implementation in its config dir's
 * `storage` folder (one file per name, atomic replace); tests use {@link MemoryBlobStore}.
 */
export interface BlobStore {
  /** The blob's bytes, or undefined when there is none. */
  read(name: string): Promise<Uint8Array | undefined>;
  /**
   * Replaces the blob atomically: a reader sees the old bytes or the new ones, never a mix. The
   * bytes may come in chunks (a large table built in parts), written one after another.
   */
  write(name: string, data: Uint8Array | readonly Uint8Array[]): Promise<void>;
  /**
   * Moves an unreadable blob out of the way (kept for inspection, never deleted) so a fresh one
   * can be written; returns where it went, or undefined when there was nothing to move.
   */
  setAside(name: string): Promise<string | undefined>;
}

/** A {@link BlobStore} in memory, for tests and for nodes that persist nothing. */
export class MemoryBlobStore implements BlobStore {
  /** The blobs, by name (blobs set aside are kept under `name.corrupt-N`). */
  readonly blobs = new Map<string, Uint8Array>();
  private asideCount = 0;

  read(name: string): Promise<Uint8Array | undefined> {
    return Promise.resolve(this.blobs.get(name));
  }

  write(name: string, data: Uint8Array | readonly Uint8Array[]): Promise<void> {
    this.blobs.set(name, data instanceof Uint8Array ? Uint8Array.from(data) : Buffer.concat(data));
    return Promise.resolve();
  }

  setAside(name: string): Promise<string | undefined> {
    const data = this.blobs.get(name);
    if (data === undefined) return Promise.resolve(undefined);
    const aside = `${name}.corrupt-${++this.asideCount}`;
    this.blobs.delete(name);
    this.blobs.set(aside, data);
    return Promise.resolve(aside);
  }
}

/** What {@link loadBlob} found. */
export type LoadOutcome<T> =
  /** The blob was read and decoded. */
  | { readonly status: 'loaded'; readonly value: T }
  /** There was no blob. */
  | { readonly status: 'missing' }
  /** The blob could not be decoded; it was set aside (to `asideAs`) and is reported in `error`. */
  | { readonly status: 'corrupt'; readonly error: string; readonly asideAs: string | undefined };

/**
 * Reads and decodes a blob. A blob `decode` throws on is logged, set aside and reported, never
 * thrown: a damaged table file must not stop a node, and must not be overwritten unseen.
 */
export async function loadBlob<T>(
  store: BlobStore,
  name: string,
  decode: (bytes: Uint8Array) => T,
  logger: Logger,
): Promise<LoadOutcome<T>> {
  const bytes = await store.read(name);
  if (bytes === undefined) return { status: 'missing' };
  try {
    return { status: 'loaded', value: decode(bytes) };
  } catch (cause) {
    const error = cause instanceof Error ? cause.message : String(cause);
    const asideAs = await store.setAside(name);
    logger.error('stored data is unreadable; set aside and starting afresh', {
      name,
      error,
      asideAs: asideAs ?? null,
    });
    return { status: 'corrupt', error, asideAs };
  }
}
