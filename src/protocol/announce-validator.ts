import { equalBytes } from '../core/binary-key';
import {
  AnnouncePayload,
  KEY_HALF_LENGTH,
  parseAnnounce,
  signedDataLength,
  writeSignedData,
} from './announce';
import { destinationHashFromNameHash } from './destination';
import { verifyEd25519 } from './identity';
import { MalformedReason } from './malformed';
import { Packet } from './packet';
import { truncatedHash } from './packet-hash';

/** Why an announce was refused. */
export type AnnounceRejection =
  /** Too short for its fields (see {@link AnnounceRejected.malformed}). */
  | 'malformed'
  /** The destination hash is not `SHA-256(name_hash + identity hash)[:16]` of the announced key. */
  | 'destination-mismatch'
  /** The Ed25519 signature does not verify. */
  | 'invalid-signature'
  /** A known destination announced another public key (a collision or an attack). */
  | 'key-changed';

/** An announce that passed every check. */
export interface AnnounceAccepted {
  /** Discriminates acceptance from {@link AnnounceRejected}. */
  readonly ok: true;
  /** The announce's fields (views into the packet). */
  readonly announce: AnnouncePayload;
  /** The announcing identity's hash (SHA-256 of the public key, truncated). */
  readonly identityHash: Buffer;
}

/** An announce that failed a check. */
export interface AnnounceRejected {
  /** Discriminates rejection from {@link AnnounceAccepted}. */
  readonly ok: false;
  /** Which check failed. */
  readonly reason: AnnounceRejection;
  /** For `malformed`: what was wrong with the bytes. */
  readonly malformed?: MalformedReason;
}

/** Where the validator looks up the key a destination announced before (the known-key rule). */
export interface KnownKeyLookup {
  /** Whether `destinationHash` is known by a key other than `publicKey` (false when not known). */
  keyDiffers(destinationHash: Uint8Array, publicKey: Uint8Array): boolean;
}

/** Counts of validation outcomes, bumped in place. */
export interface AnnounceValidationCounters {
  accepted: number;
  malformed: number;
  destinationMismatch: number;
  invalidSignature: number;
  keyChanged: number;
}

/** Signed data up to this size is assembled in a reused buffer; larger announces get their own. */
const SIGNED_SCRATCH_BYTES = 8192;

/**
 * Checks announces as `Identity.validate_announce` does. The Ed25519 verification is the whole
 * cost of a valid announce; it keeps no imported key between announces (see {@link verifyEd25519}
 * for why that saves memory and costs next to nothing).
 *
 * Checks, cheapest first (the verdict is Python's whatever the order; only the reason reported for
 * an announce that fails several checks can differ from Python's log line):
 * 1. lengths: data of at least 148 bytes, 180 with a ratchet;
 * 2. the destination hash binds the announced key: `SHA-256(name_hash + SHA-256(key)[:16])[:16]`;
 * 3. the known-key rule: a destination already known with another key is refused and counted;
 * 4. the Ed25519 signature over `destination + key + name_hash + random_hash + ratchet + app_data`
 *    (so the ratchet is covered by the signature).
 *
 * The emission time is reported, never judged. Accepting an announce does not remember it: the
 * caller does that (see `KnownDestinations.remember`), after whatever else it checks.
 */
export class AnnounceValidator {
  /** Outcome counts. */
  readonly counters: AnnounceValidationCounters = {
    accepted: 0,
    malformed: 0,
    destinationMismatch: 0,
    invalidSignature: 0,
    keyChanged: 0,
  };
  private readonly scratch = Buffer.allocUnsafe(SIGNED_SCRATCH_BYTES);

  constructor(private readonly known: KnownKeyLookup | null = null) {}

  /** Validates one announce packet ({@link check} once parsed). Never throws. */
  validate(packet: Packet): AnnounceAccepted | AnnounceRejected {
    const announce = parseAnnounce(packet);
    if (!announce.ok) {
      this.counters.malformed++;
      return { ok: false, reason: 'malformed', malformed: announce.reason };
    }
    return this.check(announce);
  }

  /** Validates a parsed announce: every check of the class comment but the lengths. Never throws. */
  check(announce: AnnouncePayload): AnnounceAccepted | AnnounceRejected {
    const counters = this.counters;
    const identityHash = truncatedHash(announce.publicKey);
    if (!equalBytes(destinationHashFromNameHash(announce.nameHash, identityHash), announce.destinationHash)) {
      counters.destinationMismatch++;
      return REJECTED_MISMATCH;
    }
    if (this.known?.keyDiffers(announce.destinationHash, announce.publicKey) === true) {
      counters.keyChanged++;
      return REJECTED_KEY_CHANGED;
    }
    const length = signedDataLength(announce);
    const signed = length <= SIGNED_SCRATCH_BYTES ? this.scratch : Buffer.allocUnsafe(length);
    writeSignedData(announce, signed);
    const key = announce.publicKey.subarray(KEY_HALF_LENGTH);
    if (!verifyEd25519(key, announce.signature, signed.subarray(0, length))) {
      counters.invalidSignature++;
      return REJECTED_SIGNATURE;
    }
    counters.accepted++;
    return { ok: true, announce, identityHash };
  }
}

const REJECTED_MISMATCH: AnnounceRejected = Object.freeze({ ok: false, reason: 'destination-mismatch' });
const REJECTED_KEY_CHANGED: AnnounceRejected = Object.freeze({ ok: false, reason: 'key-changed' });
const REJECTED_SIGNATURE: AnnounceRejected = Object.freeze({ ok: false, reason: 'invalid-signature' });
