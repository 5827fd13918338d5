import { RnsError } from '../core/errors';
import { RNS_ERR_NO_INTERFACES } from '../core/error-codes';

/** A node none of whose interfaces started: there is nothing to relay, so it does not run. */
export class NoInterfacesStartedError extends RnsError {
  constructor(
    /** The config file. */
    readonly file: string,
    /** Enabled interface sections that were tried. */
    readonly tried: number,
  ) {
    super(
      RNS_ERR_NO_INTERFACES,
      tried === 0
        ? `no interface is enabled in ${file}; enable one ("enabled = yes") so the node has something to relay`
        : `none of the ${tried} enabled interface(s) in ${file} started; see the errors above`,
    );
    this.name = 'NoInterfacesStartedError';
  }
}
