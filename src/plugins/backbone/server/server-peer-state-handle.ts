import { PeerStateEntry, PeerStateHandle } from '../../../core/peer-state';
import { BackboneServerState } from './backbone-server-state';

/**
 * The peer-state handle of a Backbone server: lists the per-IP state (admission, blacklist,
 * penalty level and behaviour window counts) sorted by IP, clears an IP (its behaviour state
 * too), and blacklists an IP (capped by `max_penalty_duration`, disconnecting its live connections).
 */
export function createServerPeerStateHandle(state: BackboneServerState): PeerStateHandle {
  const interfaceName = state.config.name;
  return {
    interfaceName,
    list: (): readonly PeerStateEntry[] => state.list(),
    clear: (ip: string): boolean => state.clear(ip),
    blacklist: (ip: string, durationSecs: number, reason: string): number =>
      state.blacklist(ip, durationSecs, reason),
  };
}
