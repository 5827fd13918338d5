/** Fixed values of Python's `PipeInterface` that are not config keys. */

/** The registry type name, as config sections spell it. */
export const PIPE_TYPE_NAME = 'PipeInterface';

/** Python's `HW_MTU`: the largest frame read from the child; a longer one is dropped and counted. */
export const PIPE_HW_MTU = 1064;

/** Python's `BITRATE_GUESS`: 1 Mbit/s. */
export const PIPE_BITRATE = 1_000_000;

/** Python's `DEFAULT_IFAC_SIZE` of the pipe interface. */
export const PIPE_IFAC_SIZE = 8;

/** Python's default `respawn_delay`, in seconds. */
export const DEFAULT_RESPAWN_DELAY_SECS = 5;

/**
 * Bytes written to the child's stdin and not yet taken by it, beyond which a packet is refused
 * with `buffer_full`: a child that stops reading holds at most this much of our memory, and a
 * burst of a thousand full-size packets from one turn still fits (Python blocks instead).
 */
export const PIPE_MAX_PENDING_BYTES = 1024 * 1024;

/** After SIGTERM at stop, a child that has not exited is killed (SIGKILL) after this long. */
export const PIPE_KILL_GRACE_MS = 2_000;
