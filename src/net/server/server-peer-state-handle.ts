import { PeerStateHandle } from '../../core/peer-state';
import { StreamServerState } from './server-state';

/**
 * The peer-state handle of a stream server: reads the per-IP state (admission, blacklist,
 * penalty level and behaviour window counts), clears an IP (its behaviour state too), and
 * blacklists an IP (capped by `max_penalty_duration`, disconnecting its live connections).
 */
export function createServerPeerStateHandle(state: StreamServerState): PeerStateHandle {
  return {
    interfaceName: state.config.name,
    ips: () => state.ips(),
    entry: (ip) => state.entry(ip),
    clear: (ip) => state.clear(ip),
    blacklist: (ip, durationSecs, reason) => state.blacklist(ip, durationSecs, reason),
  };
}
