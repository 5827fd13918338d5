import { InterfaceEntry } from '../core/driver/interface-entry';
import { InterfaceMode } from '../core/interface-mode';
import { PATH_REQUEST_DESTINATION } from '../protocol/destination';
import { Packet, serialisePacket } from '../protocol/packet';
import {
  DestinationType,
  HeaderType,
  PacketContext,
  PacketType,
  TransportType,
} from '../protocol/packet-constants';
import { parsePathRequest, pathRequestData } from '../protocol/path-request';
import { BinaryKey, binaryKey, keyBytes } from '../core/binary-key';
import {
  DISCOVERY_PR_THROTTLE_MS,
  HEADER_MINSIZE,
  MAX_QUEUED_DISCOVERY_PRS,
  PATH_REQUEST_GRACE_MS,
  PATH_REQUEST_MI_MS,
  PATH_REQUEST_RG_MS,
  PATH_REQUEST_TIMEOUT_MS,
  PATHFINDER_R,
} from './constants';
import { LinkEntry } from './link-table';
import { PathState, nextHopOf } from './path-table';
import { TransportState } from './transport-state';

/** Modes on which a transport node searches for paths it does not know (`DISCOVER_PATHS_FOR`). */
const DISCOVER_PATHS_FOR: ReadonlySet<number> = new Set([
  InterfaceMode.AccessPoint,
  InterfaceMode.Gateway,
  InterfaceMode.Roaming,
  InterfaceMode.Internal,
]);

/** Modes a request from a boundary interface is searched on (`BOUNDARY_SEARCH_MODES`). */
const BOUNDARY_SEARCH_MODES: ReadonlySet<number> = new Set([InterfaceMode.Boundary, InterfaceMode.Gateway]);

/** A rediscovery request we owe (Python's `pending_discovery_prs`). */
interface Rediscovery {
  readonly destination: BinaryKey;
  /** Send on every interface but this one; null: on all. */
  readonly except: InterfaceEntry | null;
}

/**
 * Path requests (Python's `path_request_handler`, `path_request`, `request_path`): requests
 * received are deduplicated by destination and tag, answered from the path table after a grace
 * time (never when the requester is the path's next hop), or searched for on the interfaces
 * Python searches on; and this node's own requests, to rediscover paths whose link requests
 * went unanswered.
 */
export class PathRequests {
  private readonly rediscoveries: Rediscovery[] = [];
  private lastRediscoveryAt = 0;

  constructor(private readonly state: TransportState) {}

  /** A path request (DATA to `rnstransport.path.request`) received on `source`. */
  receive(source: InterfaceEntry, packet: Packet, now: number): void {
    const state = this.state;
    const counters = state.counters;
    const request = parsePathRequest(packet.data);
    if (!request.ok) {
      counters.pathRequestsIgnored++;
      return;
    }
    counters.pathRequests++;
    const ingress = state.interfaceState(source).ingress;
    ingress.pathRequestsIn.record(now);
    const destination = binaryKey(request.destinationHash);
    if (!state.pathRequestTags.add(destination + binaryKey(request.tag))) {
      counters.pathRequestsDuplicate++;
      return;
    }
    const limited = ingress.shouldLimitPathRequests(now, source.info.ingressControl);
    const path = state.paths.get(destination);
    if (path !== undefined) {
      if (source.info.mode === InterfaceMode.Roaming && path.iface === source) {
        counters.pathRequestsIgnored++;
        return;
      }
      const requester = request.requestingTransportId;
      if (requester !== null && binaryKey(requester) === nextHopOf(path)) {
        counters.pathRequestsIgnored++;
        return;
      }
      const grace =
        PATH_REQUEST_GRACE_MS + (source.info.mode === InterfaceMode.Roaming ? PATH_REQUEST_RG_MS : 0);
      const scheduled = state.announces.set(
        {
          destination,
          timestamp: now,
          retransmitAt: now + grace,
          retries: PATHFINDER_R,
          hops: path.hops,
          announce: path.announce,
          localRebroadcasts: 0,
          pathResponse: true,
          attached: source,
          chargedTo: source.id,
        },
        true,
      );
      if (!scheduled) {
        counters.announceTableFull++;
        return;
      }
      path.used = true;
      state.knownDestinations?.markUsed(request.destinationHash);
      counters.pathRequestsAnswered++;
      return;
    }
    const mode = source.info.mode;
    const boundary = mode === InterfaceMode.Boundary;
    if (!(source.info.recursivePathRequests || DISCOVER_PATHS_FOR.has(mode) || boundary)) {
      counters.pathRequestsIgnored++;
      return;
    }
    if (
      state.discovery.has(destination) ||
      limited ||
      state.discovery.size >= state.limits.discoveryRequests
    ) {
      counters.pathRequestsIgnored++;
      return;
    }
    state.discovery.set(destination, { timeout: now + PATH_REQUEST_TIMEOUT_MS, requester: source });
    const targets = state.host.onlineInterfaces();
    for (let i = 0; i < targets.length; i++) {
      const target = targets[i];
      if (target === source || !target.info.outCapable) continue;
      if (boundary && !BOUNDARY_SEARCH_MODES.has(target.info.mode)) continue;
      if (state.interfaceState(target).ingress.shouldLimitEgressPathRequests(now, target.info.ingressControl))
        continue;
      this.send(request.destinationHash, target, request.tag, true, now);
    }
    counters.pathRequestsDiscovered++;
  }

  /**
   * An unproven link timed out (Python's link culling in `jobs`): when its path is gone, or the
   * destination or the initiator was a direct neighbour (the topology likely changed), queue a
   * request for a new path, at most one per PATH_REQUEST_MI per destination, and mark a
   * neighbour's path unresponsive so a longer one may replace it.
   */
  linkRequestExpired(link: LinkEntry, now: number): void {
    const state = this.state;
    const throttled = now - (state.pathRequestTimes.get(link.destination) ?? 0) < PATH_REQUEST_MI_MS;
    const path = state.paths.get(link.destination);
    let except: InterfaceEntry | null = null;
    if (path === undefined) {
      // Gone meanwhile: ask everywhere, whatever the throttle.
    } else if (!throttled && (path.hops === 1 || link.takenHops === 1)) {
      except = link.inbound;
      if (link.inbound.info.mode !== InterfaceMode.Boundary) path.state = PathState.Unresponsive;
    } else {
      return;
    }
    if (this.rediscoveries.some((r) => r.destination === link.destination)) return;
    if (this.rediscoveries.length >= MAX_QUEUED_DISCOVERY_PRS) return;
    this.rediscoveries.push({ destination: link.destination, except });
  }

  /** Sends one queued rediscovery request if the throttle allows. */
  runRediscovery(now: number): void {
    if (this.rediscoveries.length === 0 || now - this.lastRediscoveryAt < DISCOVERY_PR_THROTTLE_MS) return;
    this.lastRediscoveryAt = now;
    const next = this.rediscoveries.shift() as Rediscovery;
    const destination = keyBytes(next.destination);
    const targets = this.state.host.onlineInterfaces();
    if (next.except === null) {
      const tag = this.state.randomTag();
      for (let i = 0; i < targets.length; i++) {
        if (targets[i].info.outCapable) this.send(destination, targets[i], tag, false, now);
      }
    } else {
      for (let i = 0; i < targets.length; i++) {
        const target = targets[i];
        if (target !== next.except && target.info.outCapable)
          this.send(destination, target, this.state.randomTag(), false, now);
      }
    }
  }

  /** Forgets discovery requests and our own request times past their timeouts. */
  cull(now: number, gateTimeoutMs: number): void {
    const state = this.state;
    for (const [destination, request] of state.discovery) {
      if (now > request.timeout) state.discovery.delete(destination);
    }
    for (const [destination, at] of state.pathRequestTimes) {
      if (now > at + gateTimeoutMs) state.pathRequestTimes.delete(destination);
    }
  }

  /**
   * Sends a path request for `destination` on `target` (Python's `request_path`), with our
   * transport id. A recursive request is charged to the interface's announce cap and skipped
   * while announces wait there.
   */
  private send(
    destination: Uint8Array,
    target: InterfaceEntry,
    tag: Uint8Array,
    recursive: boolean,
    now: number,
  ): void {
    const state = this.state;
    const data = pathRequestData(destination, tag, state.identity.hash);
    if (recursive) {
      const cap = state.interfaceState(target).cap;
      if (
        !cap.chargePathRequest(
          now,
          data.length + HEADER_MINSIZE,
          target.info.bitrate,
          target.info.announceCap,
        )
      )
        return;
    }
    const frame = serialisePacket({
      ifac: false,
      headerType: HeaderType.HEADER_1,
      contextFlag: false,
      transportType: TransportType.BROADCAST,
      destinationType: DestinationType.PLAIN,
      packetType: PacketType.DATA,
      hops: 0,
      transportId: null,
      destinationHash: PATH_REQUEST_DESTINATION,
      context: PacketContext.NONE,
      data,
    });
    state.host.transmit(target, frame);
    state.interfaceState(target).ingress.pathRequestsOut.record(now);
    const key = binaryKey(destination);
    if (state.pathRequestTimes.size < state.limits.pathRequestTimes || state.pathRequestTimes.has(key)) {
      state.pathRequestTimes.set(key, now);
    }
    state.counters.pathRequestsSent++;
  }
}
