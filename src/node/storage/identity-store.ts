import { RnsError } from '../../core/errors';
import { BlobStore } from '../../core/storage';
import { Identity, PRIVATE_KEY_LENGTH } from '../../protocol/identity';
import { RNS_ERR_IDENTITY } from '../../core/error-codes';

/** Name of the transport identity in the storage folder, as Python names it. */
export const TRANSPORT_IDENTITY_NAME = 'transport_identity';

/**
 * Loads an identity kept as Python keeps it (the 64 raw private-key bytes, `Identity.to_file`), or
 * makes, stores and returns a new one when there is none. An existing file of the wrong length is
 * an error naming it, never replaced: an identity is who the node is, so a damaged one needs an
 * operator, not a silent new id.
 *
 * @returns the identity and whether it was created now
 */
export async function loadOrCreateIdentity(
  store: BlobStore,
  name: string,
): Promise<{ identity: Identity; created: boolean }> {
  const bytes = await store.read(name);
  if (bytes !== undefined) {
    if (bytes.length !== PRIVATE_KEY_LENGTH) {
      throw new RnsError(
        RNS_ERR_IDENTITY,
        `identity file ${name} holds ${bytes.length} bytes, not the ${PRIVATE_KEY_LENGTH} of an identity; move it away to create a new identity`,
      );
    }
    return { identity: Identity.fromPrivateKey(bytes), created: false };
  }
  const identity = Identity.generate();
  await store.write(name, identity.privateKey());
  return { identity, created: true };
}
