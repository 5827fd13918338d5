/**
 * A set of string keys that forgets its oldest key once it holds `capacity` (insertion order):
 * for path request tags (Python keeps the last 32,000) and verified announces.
 */
export class BoundedSet {
  private readonly keys = new Set<string>();

  constructor(private readonly capacity: number) {}

  /** Keys held. */
  get size(): number {
    return this.keys.size;
  }

  /** Whether the key is held. */
  has(key: string): boolean {
    return this.keys.has(key);
  }

  /** Adds a key (forgetting the oldest when full); false when it was already held. */
  add(key: string): boolean {
    if (this.keys.has(key)) return false;
    if (this.keys.size >= this.capacity) this.keys.delete(this.keys.values().next().value as string);
    this.keys.add(key);
    return true;
  }

  /** Forgets a key. */
  delete(key: string): void {
    this.keys.delete(key);
  }
}
