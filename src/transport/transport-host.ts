import { InterfaceEntry } from '../core/driver/interface-entry';
import { InterfaceId } from '../core/interface-id';
import { WriteOutcome } from '../core/writer';

/**
 * What the transport engine needs from the driver: the interface table and a way to send. The
 * `HostDriver` is one (structurally); tests use a fake. The engine never holds a writer or a
 * socket, and never assumes an interface it saw is still there.
 */
export interface TransportHost {
  /** The online interfaces, as a stable array the host maintains (do not mutate). */
  onlineInterfaces(): readonly InterfaceEntry[];
  /**
   * The entry for an id, or undefined once the interface is gone (a spawned peer that
   * disconnected). A configured interface that is offline is still there.
   */
  entry(id: InterfaceId): InterfaceEntry | undefined;
  /** Sends one packet on an interface; the host counts it in the entry's stats. Never throws. */
  transmit(entry: InterfaceEntry, packet: Uint8Array): WriteOutcome;
}

/** The transport identity as the engine uses it: rebroadcasts carry its hash, tunnels its key. */
export interface TransportIdentity {
  /** The 16-byte identity hash: the transport id in HEADER_2 packets. */
  readonly hash: Uint8Array;
  /** The 64-byte public key (X25519 then Ed25519). */
  readonly publicKey: Uint8Array;
  /** An Ed25519 signature of `data` (64 bytes). */
  sign(data: Uint8Array): Uint8Array;
}
