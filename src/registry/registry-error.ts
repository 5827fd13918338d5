import { RnsError } from '../core/errors';
import { RNS_ERR_REGISTRY } from '../core/error-codes';

/**
 * A plugin set that cannot form a registry: two factories claim the same type name, or a
 * factory targets another host API version. A programming error, found at startup.
 */
export class RegistryError extends RnsError {
  constructor(message: string) {
    super(RNS_ERR_REGISTRY, message);
    this.name = 'RegistryError';
  }
}
