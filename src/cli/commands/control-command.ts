import { ControlClient } from '../../node/control/control-client';
import {
  ControlConnectionError,
  ControlRequestError,
  NoNodeRunningError,
} from '../../node/control/control-errors';
import { controlSocketPath } from '../../node/control/control-socket-path';
import { CliExit, ExitCode } from '../cli-io';

/**
 * Connects to the node of `configDir`, runs `use` and closes the connection. Control failures
 * become {@link CliExit} with exit code 1: `error: <code>: <message>` for an error the node
 * answered, the "no rns-net node is running" message when nobody listens.
 */
export async function withControlClient<T>(
  configDir: string,
  use: (client: ControlClient) => Promise<T>,
): Promise<T> {
  let client: ControlClient;
  try {
    client = await ControlClient.connect(controlSocketPath(configDir), { configDir });
  } catch (err) {
    if (err instanceof NoNodeRunningError || err instanceof ControlConnectionError) {
      throw new CliExit(ExitCode.Error, err.message);
    }
    throw err;
  }
  try {
    return await use(client);
  } catch (err) {
    if (err instanceof ControlRequestError)
      throw new CliExit(ExitCode.Error, `error: ${err.controlCode}: ${err.message}`);
    if (err instanceof ControlConnectionError) throw new CliExit(ExitCode.Error, `error: ${err.message}`);
    throw err;
  } finally {
    client.close();
  }
}
