import { TurnBudget } from '../core/slices';
import { InterfaceEntry } from '../core/driver/interface-entry';
import { InterfaceInfo } from '../core/interface-info';
import { InterfaceMode } from '../core/interface-mode';
import { readEmissionTime } from '../protocol/announce';
import { ADDRESS_LENGTH, HEADER_2_FLAG } from '../protocol/packet-constants';
import { transportAnnounce } from './announce-frames';
import { PendingAnnounce } from './announce-table';
import { BinaryKey } from '../core/binary-key';
import { LOCAL_REBROADCASTS_MAX, PATHFINDER_G_MS, PATHFINDER_R, PATHFINDER_RW_MS } from './constants';
import { TransportState } from './transport-state';

/** Offset of the random hash in announce data: after the 64-byte key and the 10-byte name hash. */
const RANDOM_HASH_OFFSET_IN_DATA = 74;

/**
 * Whether an announce heard on `from` may be rebroadcast on `target` (Python's `outbound` rules
 * for announces, Transport.py ~1221-1270):
 * - never on an access point interface;
 * - not from an internal interface onto one with `announces_from_internal = no`;
 * - onto an internal interface, not from a boundary one (unless it has `announces_to_internal`);
 * - onto a roaming interface, not from a roaming or boundary one;
 * - onto a boundary interface, not from a roaming one.
 * Returns `capped` where Python applies the announce cap (full, point-to-point and gateway).
 */
export function announcePolicy(target: InterfaceInfo, from: InterfaceInfo): 'blocked' | 'free' | 'capped' {
  if (!target.announcesFromInternal && from.mode === InterfaceMode.Internal) return 'blocked';
  switch (target.mode) {
    case InterfaceMode.AccessPoint:
      return 'blocked';
    case InterfaceMode.Internal:
      return from.announcesToInternal !== true && from.mode === InterfaceMode.Boundary ? 'blocked' : 'free';
    case InterfaceMode.Roaming:
      return from.mode === InterfaceMode.Roaming || from.mode === InterfaceMode.Boundary ? 'blocked' : 'free';
    case InterfaceMode.Boundary:
      return from.mode === InterfaceMode.Roaming ? 'blocked' : 'free';
    default:
      return 'capped';
  }
}

/**
 * Sends announces on: the rebroadcasts and path responses waiting in the announce table (Python's
 * `jobs`, announce part, and `outbound` for announces), through each interface's announce cap.
 *
 * A check collects what is due ({@link runDue}); {@link sendDue} sends it a slice at a time, so a
 * second's worth of announces to many interfaces does not hold up the frames arriving meanwhile.
 */
export class AnnounceEmitter {
  /** Due announces not sent yet, in sending order from `outboxHead` on. */
  private outbox: PendingAnnounce[] = [];
  private outboxHead = 0;

  constructor(private readonly state: TransportState) {}

  /** Due announces waiting for {@link sendDue}. */
  get pending(): number {
    return this.outbox.length - this.outboxHead;
  }

  /**
   * Schedules the rebroadcast of an announce that updated the path table: first within
   * PATHFINDER_RW, one retry PATHFINDER_G + PATHFINDER_RW later.
   */
  schedule(
    destination: BinaryKey,
    announce: string,
    hops: number,
    source: InterfaceEntry,
    now: number,
  ): boolean {
    return this.state.announces.set({
      destination,
      timestamp: now,
      retransmitAt: now + this.state.random() * PATHFINDER_RW_MS,
      retries: 0,
      hops,
      announce,
      localRebroadcasts: 0,
      pathResponse: false,
      attached: null,
      chargedTo: source.id,
    });
  }

  /**
   * Collects what is due in the announce table at `now`, lowest hops first, for
   * {@link sendDue}.
   */
  runDue(now: number): void {
    const state = this.state;
    const due: PendingAnnounce[] = [];
    const completed: BinaryKey[] = [];
    for (const entry of state.announces.values()) {
      if (entry.retries > 0 && entry.retries >= LOCAL_REBROADCASTS_MAX) completed.push(entry.destination);
      else if (entry.retries > PATHFINDER_R) completed.push(entry.destination);
      else if (now > entry.retransmitAt) {
        entry.retransmitAt = now + PATHFINDER_G_MS + PATHFINDER_RW_MS;
        entry.retries++;
        if (entry.attached === null && !state.paths.has(entry.destination)) completed.push(entry.destination);
        else due.push(entry);
      }
    }
    for (const destination of completed) state.announces.delete(destination);
    due.sort((a, b) => a.hops - b.hops);
    for (const entry of due) this.outbox.push(entry);
  }

  /**
   * Sends collected announces until `budget` is spent (each announce weighs the interfaces it
   * went to); returns how many announces are left. An announce replaced or removed in the table
   * since it was collected is skipped.
   */
  sendDue(budget: TurnBudget, now: number): number {
    const state = this.state;
    while (this.outboxHead < this.outbox.length) {
      const entry = this.outbox[this.outboxHead++];
      if (state.announces.get(entry.destination) !== entry) continue;
      const spent = budget.step(this.send(entry, now));
      if (entry.pathResponse) state.announces.restoreSetAside(entry.destination);
      if (spent) break;
    }
    if (this.outboxHead === this.outbox.length) {
      this.outbox = [];
      this.outboxHead = 0;
    }
    return this.pending;
  }

  /** Sends queued announces whose cap budget came. */
  flushCaps(now: number): void {
    const state = this.state;
    for (const [id, ifaceState] of state.interfaceStateEntries()) {
      if (ifaceState.cap.size === 0) continue;
      const entry = state.host.entry(id);
      if (entry === undefined) continue;
      const sent = ifaceState.cap.due(now, entry.info.bitrate, entry.info.announceCap);
      state.queuedTotal -= sent.length;
      for (const raw of sent) {
        state.host.transmit(entry, raw);
        state.counters.rebroadcasts++;
      }
    }
  }

  /** A path response sent at once on `target` (an answer to a waiting discovery path request). */
  sendPathResponse(target: InterfaceEntry, announce: string, hops: number): void {
    if (!target.online || !target.info.outCapable) return;
    const frame = transportAnnounce(Buffer.from(announce, 'latin1'), hops, true, this.state.identity.hash);
    this.state.host.transmit(target, frame);
    this.state.counters.rebroadcasts++;
  }

  /** Sends one announce where it goes; returns the interfaces considered (at least 1). */
  private send(entry: PendingAnnounce, now: number): number {
    const state = this.state;
    const raw = Buffer.from(entry.announce, 'latin1');
    const frame = transportAnnounce(raw, entry.hops, entry.pathResponse, state.identity.hash);
    if (entry.attached !== null) {
      if (entry.attached.online && entry.attached.info.outCapable) {
        state.host.transmit(entry.attached, frame);
        state.counters.rebroadcasts++;
      }
      return 1;
    }
    const path = state.paths.get(entry.destination);
    if (path === undefined) return 1;
    const from = path.iface.info;
    const emitted = emissionOf(raw);
    const targets = state.host.onlineInterfaces();
    for (let i = 0; i < targets.length; i++) {
      const target = targets[i];
      if (!target.info.outCapable) continue;
      const policy = announcePolicy(target.info, from);
      if (policy === 'blocked') continue;
      if (policy === 'capped') {
        const cap = state.interfaceState(target).cap;
        const roomLeft = state.queuedTotal < state.limits.queuedAnnounces;
        const before = cap.size;
        const verdict = cap.offer(
          now,
          { destination: entry.destination, hops: entry.hops, emitted, raw: frame },
          target.info.bitrate,
          target.info.announceCap,
          roomLeft,
        );
        state.queuedTotal += cap.size - before;
        if (verdict === 'queued') {
          state.counters.announcesCapped++;
          continue;
        }
        if (verdict === 'dropped') {
          state.counters.announcesCapDropped++;
          continue;
        }
      }
      state.host.transmit(target, frame);
      state.counters.rebroadcasts++;
    }
    return Math.max(1, targets.length);
  }
}

/** The emission time of an announce as received. */
function emissionOf(raw: Uint8Array): number {
  const dataOffset = (raw[0] & HEADER_2_FLAG) !== 0 ? 2 * ADDRESS_LENGTH + 3 : ADDRESS_LENGTH + 3;
  return readEmissionTime(raw, dataOffset + RANDOM_HASH_OFFSET_IN_DATA);
}
