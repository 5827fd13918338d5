/**
 * Python RNS 1.4.2's transport constants (RNS/Transport.py, RNS/Reticulum.py, RNS/Link.py,
 * RNS/Interfaces/Interface.py), in milliseconds where Python has seconds. Changing one changes
 * how this node behaves towards Python nodes.
 */

const SECOND = 1000;
const MINUTE = 60 * SECOND;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

/** `PATHFINDER_M`: most hops a packet travels; announces with more are not recorded. */
export const PATHFINDER_M = 128;
/** `PATHFINDER_R`: retransmissions of an announce after the first. */
export const PATHFINDER_R = 1;
/** `PATHFINDER_G`: grace before an announce is retransmitted. */
export const PATHFINDER_G_MS = 5 * SECOND;
/** `PATHFINDER_RW`: random window for the first rebroadcast. */
export const PATHFINDER_RW_MS = 0.5 * SECOND;
/** `PATHFINDER_E`: path lifetime (one week). */
export const PATHFINDER_E_MS = 7 * DAY;
/** `AP_PATH_TIME`: path lifetime via an access point interface. */
export const AP_PATH_TIME_MS = DAY;
/** `ROAMING_PATH_TIME`: path lifetime via a roaming interface. */
export const ROAMING_PATH_TIME_MS = 6 * HOUR;
/** `LOCAL_REBROADCASTS_MAX`: neighbours' rebroadcasts heard after which ours stop. */
export const LOCAL_REBROADCASTS_MAX = 2;
/** `MAX_RANDOM_BLOBS`: random blobs remembered per destination. */
export const MAX_RANDOM_BLOBS = 64;

/** `PATH_REQUEST_TIMEOUT`: how long a discovery path request waits for an answer. */
export const PATH_REQUEST_TIMEOUT_MS = 15 * SECOND;
/** `PATH_REQUEST_GATE_TIMEOUT`: how long our own path request is remembered. */
export const PATH_REQUEST_GATE_TIMEOUT_MS = 120 * SECOND;
/** `PATH_REQUEST_GRACE`: wait before answering, so directly connected peers answer first. */
export const PATH_REQUEST_GRACE_MS = 0.4 * SECOND;
/** `PATH_REQUEST_RG`: extra wait when answering on a roaming interface. */
export const PATH_REQUEST_RG_MS = 1.5 * SECOND;
/** `PATH_REQUEST_MI`: least interval between two automatic path requests for a destination. */
export const PATH_REQUEST_MI_MS = 20 * SECOND;
/** `max_pr_tags`: path request tags remembered for deduplication. */
export const MAX_PATH_REQUEST_TAGS = 32_000;
/** `max_queued_discovery_prs`: our own queued rediscovery path requests. */
export const MAX_QUEUED_DISCOVERY_PRS = 32;
/** `discovery_pr_tx_throttle`: spacing of our own rediscovery path requests. */
export const DISCOVERY_PR_THROTTLE_MS = 0.5 * SECOND;

/** `Link.STALE_TIME` (2 x KEEPALIVE 360 s). */
const LINK_STALE_TIME_MS = 720 * SECOND;
/** `LINK_TIMEOUT`: an established link's entry lives this long after its last packet. */
export const LINK_TIMEOUT_MS = LINK_STALE_TIME_MS * 1.25;
/** `Link.ESTABLISHMENT_TIMEOUT_PER_HOP` (`DEFAULT_PER_HOP_TIMEOUT`). */
export const LINK_ESTABLISHMENT_TIMEOUT_PER_HOP_MS = 6 * SECOND;
/** `Reticulum.MTU`, used in the proof-timeout bitrate term. */
export { RETICULUM_MTU } from '../core/constants';
/** `REVERSE_TIMEOUT`: a reverse table entry waits this long for its proof. */
export const REVERSE_TIMEOUT_MS = 8 * MINUTE;
/** `TUNNEL_TIMEOUT`: a tunnel is forgotten this long after it was last seen. */
export const TUNNEL_TIMEOUT_MS = 8 * HOUR;
/** `TUNNEL_PATH_TIMEOUT`: a path kept in a tunnel is forgotten this long after its announce. */
export const TUNNEL_PATH_TIMEOUT_MS = 8 * HOUR;

/** `Reticulum.MAX_QUEUED_ANNOUNCES`: announces queued per interface by the announce cap. */
export const MAX_QUEUED_ANNOUNCES = 16_384;
/** `Reticulum.QUEUED_ANNOUNCE_LIFE`: a capped announce is dropped after waiting this long. */
export const QUEUED_ANNOUNCE_LIFE_MS = DAY;
/** `Reticulum.HEADER_MINSIZE`, in the recursive path request cap term. */
export const HEADER_MINSIZE = 19;

/** `IC_DEQUE_MIN_SAMPLE`: samples needed before a burst can end. */
export const IC_DEQUE_MIN_SAMPLE = 2;
/** `IC_BURST_MIN_SAMPLES`: samples needed before egress control holds path requests. */
export const IC_BURST_MIN_SAMPLES = 6;
/** `IA_FREQ_SAMPLES` (and the other three): timestamps kept per frequency estimate. */
export const FREQ_SAMPLES = 48;
/** `AR_FREQ_DECAY` / `PR_FREQ_DECAY`: a frequency sample older than this is dropped, one per read. */
export const FREQ_DECAY_MS = 10 * SECOND;

/** `job_interval`: how often the jobs run. */
export const JOB_INTERVAL_MS = 250;
/** `tables_cull_interval`. */
export const TABLES_CULL_INTERVAL_MS = 5 * SECOND;
/** `interface_jobs_interval`: held announces are released and burst states decay this often. */
export const INTERFACE_JOBS_INTERVAL_MS = 5 * SECOND;
/** `announces_check_interval`: how often the announce table is checked for due rebroadcasts. */
export const ANNOUNCES_CHECK_INTERVAL_MS = 1 * SECOND;
/** `known_destinations_interval`: how often the known destinations are culled. */
export const KNOWN_DESTINATIONS_INTERVAL_MS = 5 * MINUTE;

/** `PERSIST_RANDOM_BLOBS`: random blobs written to storage per path. */
export const PERSIST_RANDOM_BLOBS = 32;
/**
 * How often the tables are written to storage (and at shutdown). Python writes every 12 hours;
 * a node that crashes should lose less, and a write of 100,000 paths costs well under a second of
 * CPU spread over many event-loop turns.
 */
export const PERSIST_INTERVAL_MS = HOUR;
