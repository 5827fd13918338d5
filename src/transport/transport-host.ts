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

/** Ed25519 verification, with imported keys cached by the implementation. */
export interface SignatureVerifier {
  /** Whether `signature` is `publicKey`'s (32-byte Ed25519) signature of `data`. Never throws. */
  verify(publicKey: Uint8Array, signature: Uint8Array, data: Uint8Array): boolean;
}

/**
 * The known-destinations store (Python's `Identity.known_destinations`): the public key of every
 * destination heard in a valid announce. The engine asks it whether an announced key changed,
 * records every valid announce, and reads keys back to verify link proofs.
 */
export interface KnownDestinations {
  /** The 64-byte public key of a destination, or undefined. */
  publicKey(destinationHash: Uint8Array): Uint8Array | undefined;
  /** Records a valid announce (replacing app data and time for a known destination). */
  remember(
    destinationHash: Uint8Array,
    publicKey: Uint8Array,
    appData: Uint8Array | null,
    packetHash: Uint8Array,
  ): void;
  /** Marks a destination used (kept longer by the store's culling). */
  markUsed(destinationHash: Uint8Array): void;
}
