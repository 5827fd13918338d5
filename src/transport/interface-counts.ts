import { InterfaceId } from '../core/interface-id';

/** How many entries of a table each interface accounts for: the basis of per-interface shares. */
export class InterfaceCounts {
  private readonly counts = new Map<InterfaceId, number>();

  /** Entries charged to `id`. */
  get(id: InterfaceId): number {
    return this.counts.get(id) ?? 0;
  }

  /** Charges one entry to `id`. */
  add(id: InterfaceId): void {
    this.counts.set(id, (this.counts.get(id) ?? 0) + 1);
  }

  /** Releases one entry of `id`. */
  remove(id: InterfaceId): void {
    const left = (this.counts.get(id) ?? 1) - 1;
    if (left > 0) this.counts.set(id, left);
    else this.counts.delete(id);
  }

  /** Forgets every charge. */
  clear(): void {
    this.counts.clear();
  }
}
