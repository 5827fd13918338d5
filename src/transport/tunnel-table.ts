import { InterfaceEntry } from '../core/driver/interface-entry';
import { BinaryKey } from '../core/binary-key';
import { TUNNEL_PATH_TIMEOUT_MS, TUNNEL_TIMEOUT_MS } from './constants';
import { RandomBlobs, blobsTimebase } from './random-blobs';

/** A path learnt over a tunnel, kept to be restored when the tunnel comes back. */
export interface TunnelPath {
  /** When the path was learnt, ms. */
  readonly timestamp: number;
  /** Its hops. */
  readonly hops: number;
  /** Its expiry (as the path table's `expires`), ms. */
  readonly expires: number;
  /** Its destination's random blobs at the time. */
  readonly blobs: RandomBlobs;
  /** The announce that made it (latin1, as the path table holds it). */
  readonly announce: string;
}

/**
 * A tunnel (Python's `tunnels` entry): a peer that connects to us as a TCP or Backbone client
 * proves with `rnstransport.tunnel.synthesize` that it is the same transport instance on the same
 * interface as before. The paths learnt through it are kept here, so when it reconnects on a
 * new interface they are restored at once instead of waiting for fresh announces.
 */
export interface Tunnel {
  /** The 32-byte tunnel id (SHA-256 of the peer's public key and interface hash). */
  readonly id: BinaryKey;
  /** The interface it is on now, or null while the peer is away. */
  iface: InterfaceEntry | null;
  /** Paths learnt through it. */
  readonly paths: Map<BinaryKey, TunnelPath>;
  /** When it is forgotten, ms (refreshed by every path learnt and every reappearance). */
  expires: number;
}

/**
 * The tunnel table, bounded in tunnels and in paths per tunnel (the oldest path makes room).
 * When full, the tunnel closest to expiry that is not connected makes room for a new one.
 */
export class TunnelTable {
  private readonly tunnels = new Map<BinaryKey, Tunnel>();
  /** The tunnel of each interface that synthesised one. */
  private readonly byInterface = new Map<number, Tunnel>();

  constructor(
    private readonly capacity: number,
    private readonly pathsPerTunnel: number,
  ) {}

  /** Tunnels held. */
  get size(): number {
    return this.tunnels.size;
  }

  /** Every tunnel. */
  values(): IterableIterator<Tunnel> {
    return this.tunnels.values();
  }

  /** The tunnel an interface carries, if any. */
  ofInterface(iface: InterfaceEntry): Tunnel | undefined {
    return this.byInterface.get(iface.id);
  }

  /** A tunnel by id. */
  get(id: BinaryKey): Tunnel | undefined {
    return this.tunnels.get(id);
  }

  /**
   * Attaches tunnel `id` to `iface`: a new tunnel, or a known one reappearing (returned with its
   * paths, for the engine to restore). Undefined when the table is full of live tunnels.
   */
  attach(
    id: BinaryKey,
    iface: InterfaceEntry,
    now: number,
  ): { tunnel: Tunnel; reappeared: boolean } | undefined {
    let tunnel = this.tunnels.get(id);
    const reappeared = tunnel !== undefined;
    if (tunnel === undefined) {
      if (this.tunnels.size >= this.capacity && !this.evictOne()) return undefined;
      tunnel = { id, iface, paths: new Map(), expires: now + TUNNEL_TIMEOUT_MS };
      this.tunnels.set(id, tunnel);
    } else {
      if (tunnel.iface !== null && tunnel.iface !== iface) this.byInterface.delete(tunnel.iface.id);
      tunnel.iface = iface;
      tunnel.expires = now + TUNNEL_TIMEOUT_MS;
    }
    const previous = this.byInterface.get(iface.id);
    if (previous !== undefined && previous !== tunnel) previous.iface = null;
    this.byInterface.set(iface.id, tunnel);
    return { tunnel, reappeared };
  }

  /** Records a path learnt over the tunnel (the oldest goes when the tunnel is full). */
  addPath(tunnel: Tunnel, destination: BinaryKey, path: TunnelPath, now: number): void {
    tunnel.paths.delete(destination);
    if (tunnel.paths.size >= this.pathsPerTunnel) {
      const oldest = tunnel.paths.keys().next().value as BinaryKey;
      tunnel.paths.delete(oldest);
    }
    tunnel.paths.set(destination, path);
    tunnel.expires = now + TUNNEL_TIMEOUT_MS;
  }

  /**
   * Adds a tunnel read from storage, detached until its peer synthesises it again; its paths are
   * kept up to the per-tunnel bound (the newest). False when it is already known or the table is
   * full of live tunnels.
   */
  load(id: BinaryKey, expires: number, paths: Iterable<[BinaryKey, TunnelPath]>): boolean {
    if (this.tunnels.has(id)) return false;
    if (this.tunnels.size >= this.capacity && !this.evictOne()) return false;
    const tunnel: Tunnel = { id, iface: null, paths: new Map(), expires };
    for (const [destination, path] of paths) {
      tunnel.paths.delete(destination);
      if (tunnel.paths.size >= this.pathsPerTunnel)
        tunnel.paths.delete(tunnel.paths.keys().next().value as BinaryKey);
      tunnel.paths.set(destination, path);
    }
    this.tunnels.set(id, tunnel);
    return true;
  }

  /** The interface went away: the tunnel waits for its peer to come back. */
  detach(iface: InterfaceEntry): void {
    const tunnel = this.byInterface.get(iface.id);
    if (tunnel === undefined) return;
    this.byInterface.delete(iface.id);
    if (tunnel.iface === iface) tunnel.iface = null;
  }

  /**
   * Forgets expired tunnels (and those expiring implausibly late, as Python does) and tunnel paths
   * older than TUNNEL_PATH_TIMEOUT or superseded by a newer announce in the path table
   * (`currentTimebase` gives the path table's newest emission for a destination, or undefined).
   */
  cull(now: number, currentTimebase: (destination: BinaryKey) => number | undefined): void {
    for (const tunnel of this.tunnels.values()) {
      if (now > tunnel.expires || tunnel.expires > now + 2 * TUNNEL_TIMEOUT_MS) {
        this.remove(tunnel);
        continue;
      }
      for (const [destination, path] of tunnel.paths) {
        const current = currentTimebase(destination);
        if (
          now > path.timestamp + TUNNEL_PATH_TIMEOUT_MS ||
          (current !== undefined && current > blobsTimebase(path.blobs))
        ) {
          tunnel.paths.delete(destination);
        }
      }
    }
  }

  private remove(tunnel: Tunnel): void {
    this.tunnels.delete(tunnel.id);
    if (tunnel.iface !== null && this.byInterface.get(tunnel.iface.id) === tunnel) {
      this.byInterface.delete(tunnel.iface.id);
    }
  }

  private evictOne(): boolean {
    let victim: Tunnel | undefined;
    for (const tunnel of this.tunnels.values()) {
      if (tunnel.iface !== null) continue;
      if (victim === undefined || tunnel.expires < victim.expires) victim = tunnel;
    }
    if (victim === undefined) return false;
    this.remove(victim);
    return true;
  }
}
