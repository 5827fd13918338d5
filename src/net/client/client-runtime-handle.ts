import { RuntimeConfigHandle } from '../../core/runtime-config';
import { RuntimeSettings } from '../../core/runtime-settings';
import { MIN_RECONNECT_WAIT_SECS } from '../net-constants';
import { msToSeconds, secondsToMs } from '../seconds-to-ms';
import { ClientRuntime, StreamClientConfig } from './client-config';
import { StreamLink } from '../stream-link';

/**
 * The runtime-config handle of a stream client, under its link's key family
 * (`<settingsPrefix>.<interface>.<setting>`): `connect_timeout_secs`, `reconnect_wait_secs`
 * and `max_reconnect_tries`, with rns-net's descriptions, types and value rules, then
 * `write_stall_timeout_secs` (ours). It writes into the same live `runtime` object the client
 * reads at every attempt, so the first three apply on the next reconnect (apply mode
 * `next_reconnect`); the stall timeout applies at once (`immediate`): `changed` is called and
 * the running client re-arms its stall timer.
 *
 * The startup values (for `reset`) are the values `runtime` holds when the handle is created, so
 * create the handle before anything changes them (`startStreamClient` does so at start).
 *
 * @param config - the parsed client section (its name keys the settings).
 * @param runtime - the live settings shared with the running client.
 * @param changed - called after a setting that applies at once changed.
 */
export function createClientRuntimeHandle(
  config: Pick<StreamClientConfig, 'name'> & { readonly link: Pick<StreamLink, 'settingsPrefix'> },
  runtime: ClientRuntime,
  changed: () => void = () => undefined,
): RuntimeConfigHandle {
  return new RuntimeSettings(config.link.settingsPrefix, config.name, [
    {
      name: 'connect_timeout_secs',
      kind: 'seconds',
      applyMode: 'next_reconnect',
      description: 'Client connect timeout in seconds; applies on the next reconnect.',
      read: () => runtime.connectTimeoutMs / 1000,
      write: (seconds: number) => void (runtime.connectTimeoutMs = seconds * 1000),
    },
    {
      name: 'reconnect_wait_secs',
      kind: 'seconds',
      applyMode: 'next_reconnect',
      description: 'Delay between client reconnect attempts in seconds (at least 1).',
      min: MIN_RECONNECT_WAIT_SECS,
      read: () => runtime.reconnectWaitMs / 1000,
      write: (seconds: number) => void (runtime.reconnectWaitMs = seconds * 1000),
    },
    {
      // Python's meaning: null (the key absent) is unlimited, 0 never retries.
      name: 'max_reconnect_tries',
      kind: 'count',
      nullable: true,
      applyMode: 'next_reconnect',
      description: 'Maximum client reconnect attempts; null for unlimited, 0 never retries.',
      read: () => runtime.maxReconnectTries,
      write: (tries: number | null) => void (runtime.maxReconnectTries = tries),
    },
    {
      name: 'write_stall_timeout_secs',
      kind: 'seconds',
      applyMode: 'immediate',
      description: 'Reconnect when the remote does not take data for this many seconds; 0 disables it.',
      read: () => msToSeconds(runtime.writeStallTimeoutMs ?? 0),
      write: (seconds: number) => {
        runtime.writeStallTimeoutMs = secondsToMs(seconds);
        changed();
      },
    },
  ]);
}
