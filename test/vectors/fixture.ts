/**
 * The wire-layer fixture written by generate.py with Python RNS (see README.md here): typed
 * access for tests, which need no Python to read it.
 */
import { readFileSync } from 'node:fs';
import * as path from 'node:path';

/** Hex-encoded bytes. */
type Hex = string;

export interface PacketVector {
  name: string;
  raw: Hex;
  hash: Hex;
  truncated_hash: Hex;
  header_type: number;
  context_flag: number;
  transport_type: number;
  destination_type: number;
  packet_type: number;
  hops: number;
  transport_id: Hex | null;
  destination_hash: Hex;
  context: number;
  data: Hex;
}

export interface AnnounceVector {
  name: string;
  raw: Hex;
  valid: boolean;
  expect: 'valid' | 'invalid-signature' | 'destination-mismatch';
  identity_hash: Hex;
  destination_hash: Hex;
  public_key: Hex;
  name_hash: Hex;
  random_hash: Hex;
  ratchet: Hex | null;
  signature: Hex;
  app_data: Hex | null;
  emission_time: number;
  hash: Hex;
}

export interface LinkRequestVector {
  name: string;
  raw: Hex;
  link_id: Hex;
  mtu: number | null;
  mode: number | null;
}

export interface LinkProofVector {
  name: string;
  raw: Hex;
  link_id: Hex;
  destination_public_key: Hex;
  mtu: number | null;
}

export interface PathRequestVector {
  name: string;
  data: Hex;
  raw: Hex;
  handled: boolean;
  destination_hash?: Hex;
  requesting_transport_id?: Hex | null;
  tag?: Hex;
}

export interface IdentityVector {
  name: string;
  private_key: Hex;
  public_key: Hex;
  hash: Hex;
  destinations: { app_name: string; aspects: string[]; name_hash: Hex; hash: Hex }[];
  message: Hex;
  signature: Hex;
}

export interface HkdfVector {
  length: number;
  ikm: Hex;
  salt: Hex | null;
  info: Hex | null;
  okm: Hex;
}

export interface IfacVector {
  name: string;
  netname: string | null;
  passphrase: string | null;
  size: number;
  ifac_key: Hex;
  raw: Hex;
  frame: Hex;
}

export interface PythonRnsVectors {
  rns_version: string;
  crypto_backend: string;
  ifac_salt: Hex;
  path_request_destination: Hex;
  packets: PacketVector[];
  announces: AnnounceVector[];
  /** A known_destinations file written by Python (umsgpack), and the pinned time it used. */
  known_destinations: { file: Hex; time: number };
  link_requests: LinkRequestVector[];
  link_proofs: LinkProofVector[];
  path_requests: PathRequestVector[];
  identities: IdentityVector[];
  rnid_identity: { file: Hex; hash: Hex; public_key: Hex; rnid_output: string };
  hkdf: HkdfVector[];
  ifac: IfacVector[];
}

/** The fixture, parsed once. */
export const VECTORS: PythonRnsVectors = JSON.parse(
  readFileSync(path.join(__dirname, 'python-rns-vectors.json'), 'utf8'),
) as PythonRnsVectors;

/** Hex to bytes (a fresh Buffer). */
export function hex(value: string): Buffer {
  return Buffer.from(value, 'hex');
}

/** Bytes to hex, null kept. */
export function toHex(value: Uint8Array | null): string | null {
  return value === null ? null : Buffer.from(value.buffer, value.byteOffset, value.length).toString('hex');
}
