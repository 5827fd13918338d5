import { NAME_HASH_LENGTH } from './announce';
import { ADDRESS_LENGTH } from './packet-constants';
import { fullHash } from './packet-hash';

/**
 * The full name of a destination, `app.aspect1.aspect2` (`Destination.expand_name` without an
 * identity).
 *
 * @throws RangeError when the app name or an aspect contains a dot, as Python refuses it
 */
export function expandName(appName: string, aspects: readonly string[]): string {
  if (appName.includes('.')) throw new RangeError("dots can't be used in app names");
  for (const aspect of aspects)
    if (aspect.includes('.')) throw new RangeError("dots can't be used in aspects");
  return [appName, ...aspects].join('.');
}

/** The 10-byte name hash of `app.aspects` (SHA-256 of the UTF-8 name, truncated). */
export function nameHash(appName: string, aspects: readonly string[]): Buffer {
  return fullHash(Buffer.from(expandName(appName, aspects), 'utf8')).subarray(0, NAME_HASH_LENGTH);
}

/**
 * A destination hash as `Destination.hash` computes it: the truncated SHA-256 of the name hash
 * followed by the identity hash (nothing for a PLAIN destination, `identityHash` null).
 */
export function destinationHash(
  identityHash: Uint8Array | null,
  appName: string,
  aspects: readonly string[],
): Buffer {
  return destinationHashFromNameHash(nameHash(appName, aspects), identityHash);
}

/** A destination hash from a 10-byte name hash and a 16-byte identity hash (or none). */
export function destinationHashFromNameHash(
  nameHashBytes: Uint8Array,
  identityHash: Uint8Array | null,
): Buffer {
  if (identityHash !== null && identityHash.length !== ADDRESS_LENGTH) {
    throw new RangeError('identity hash must be 16 bytes');
  }
  const material = identityHash === null ? nameHashBytes : Buffer.concat([nameHashBytes, identityHash]);
  return fullHash(material).subarray(0, ADDRESS_LENGTH);
}

/** PLAIN destination path requests are sent to: `rnstransport.path.request`. */
export const PATH_REQUEST_DESTINATION: Uint8Array = destinationHash(null, 'rnstransport', [
  'path',
  'request',
]);

/** PLAIN destination of tunnel synthesis: `rnstransport.tunnel.synthesize`. */
export const TUNNEL_SYNTHESIZE_DESTINATION: Uint8Array = destinationHash(null, 'rnstransport', [
  'tunnel',
  'synthesize',
]);
