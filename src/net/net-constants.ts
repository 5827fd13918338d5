/**
 * Fixed values of the stream servers and clients (TCP framing over sockets) that are not config
 * keys. They follow rns-net 0.5.5 unless a comment says otherwise.
 */
import { HW_MTU } from '../core/constants';

/**
 * Per-connection send budget (a server's peer or a client): batched bytes plus bytes queued in
 * the socket. Two frames of the largest size (a HW_MTU packet escapes to at most
 * `2 × HW_MTU + 2` bytes), so a peer that drains steadily always has room for the next large
 * packet while one is on its way (the Rust reference's 512 KiB could not hold one). A packet that does not
 * fit is dropped for that connection (`buffer_full`); it never closes the connection: only a
 * write stall does.
 */
export const MAX_PENDING_BYTES = 2 * (2 * HW_MTU + 2);

/**
 * A peer's batch is written out at once when it reaches this size, without waiting for the end
 * of the turn: the pending budget is meant to measure what the socket could not take, not what
 * one turn produced (a relay can read megabytes from a fast sender in one turn), and 64 KiB
 * writes already amortise the per-write cost.
 */
export const EARLY_FLUSH_BYTES = 64 * 1024;

/**
 * TCP keepalive initial delay (Python's `TCP_PROBE_AFTER`); Node 20 fixes the probe interval (1 s)
 * and count (10).
 */
export const KEEPALIVE_INITIAL_DELAY_MS = 5_000;

/**
 * Default write stall timeout (`write_stall_timeout`), in seconds, of a server's peers and of a
 * client. Not in rns-net: a remote that stops reading would otherwise keep its connection (a slot,
 * and a full send budget whose packets are all dropped) until the kernel gives up on the socket,
 * which a peer that keeps acknowledging with a zero window never makes it do; 30 s is long enough
 * for a slow but live remote to take something.
 */
export const DEFAULT_WRITE_STALL_TIMEOUT_SECS = 30;

/**
 * How often a server sweeps its behaviour tracker (penalty decay, emptied entries, table cap) and
 * its peer monitor (expired blacklists, old reject history). Decay is also applied lazily on every
 * event, so this only bounds how stale the listing and the tables can get.
 */
export const BEHAVIOUR_SWEEP_INTERVAL_MS = 10_000;

/**
 * Entries of each table one sweep step visits (or evicts, after a lowered cap) before yielding
 * to the event loop: well under a millisecond on a current core. A pass over 100,000 IPs is 100
 * steps, none of which holds up the relay.
 */
export const SWEEP_STEP_ENTRIES = 1000;

/**
 * Listen backlog of a stream server. Node's default (511) overflows under a connect burst, and
 * every overflowed SYN waits for the client's 1 s retransmit: 2,000 connects took 2.1 s with it
 * and 0.04 s with this (the kernel caps it at net.core.somaxconn). Python listens with 1.
 */
export const LISTEN_BACKLOG = 4096;

/** Default base reconnect delay of a client (`reconnect_wait`), in seconds (Python's `RECONNECT_WAIT`). */
export const DEFAULT_RECONNECT_WAIT_SECS = 5;

/**
 * The shortest reconnect wait (`reconnect_wait`), in seconds, from the config or at runtime: at 0
 * a client whose remote refuses it retries about 1300 times a second, logging each attempt.
 */
export const MIN_RECONNECT_WAIT_SECS = 1;

/** Default connect timeout of a client (`connect_timeout`), in seconds (Python's `INITIAL_CONNECT_TIMEOUT`). */
export const DEFAULT_CONNECT_TIMEOUT_SECS = 5;

/**
 * The 'error' listener of a socket already being torn down: its errors have no one left to tell,
 * and an 'error' without a listener would throw.
 */
export function ignoreError(): void {}
