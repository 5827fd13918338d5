import { RnsError } from '../../core/errors';
import { ControlErrorCode } from './control-protocol';
import {
  RNS_ERR_ALREADY_RUNNING,
  RNS_ERR_CONTROL_CONNECTION,
  RNS_ERR_CONTROL_REQUEST,
  RNS_ERR_NOT_RUNNING,
} from '../../core/error-codes';

/** Another node already serves the control socket of this config directory. */
export class NodeAlreadyRunningError extends RnsError {
  constructor(
    /** The control socket that answered. */
    readonly socketPath: string,
    configDir: string,
  ) {
    super(
      RNS_ERR_ALREADY_RUNNING,
      `another rns-net node is running for ${configDir} (control socket ${socketPath})`,
    );
    this.name = 'NodeAlreadyRunningError';
  }
}

/** No node answers on the control socket (there is none, or it is stale). */
export class NoNodeRunningError extends RnsError {
  constructor(
    /** The control socket tried. */
    readonly socketPath: string,
    configDir: string,
  ) {
    super(
      RNS_ERR_NOT_RUNNING,
      `no rns-net node is running for ${configDir} (no control socket at ${socketPath})`,
    );
    this.name = 'NoNodeRunningError';
  }
}

/** The node answered a request with an error; `controlCode` is the protocol's error code. */
export class ControlRequestError extends RnsError {
  constructor(
    /** The protocol error code (`unknown_key`, `invalid_value`, ...). */
    readonly controlCode: ControlErrorCode,
    message: string,
  ) {
    super(RNS_ERR_CONTROL_REQUEST, message);
    this.name = 'ControlRequestError';
  }
}

/** The control connection failed or a request timed out. */
export class ControlConnectionError extends RnsError {
  constructor(message: string, options?: { cause?: unknown }) {
    super(RNS_ERR_CONTROL_CONNECTION, message, options);
    this.name = 'ControlConnectionError';
  }
}
