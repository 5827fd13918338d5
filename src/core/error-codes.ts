/**
 * Every code an {@link RnsError} carries, one constant each, named as its value. The comment of
 * each says what happened and what to do; docs/errors.md is generated from these comments
 * (`npm run docs:errors`), and a test checks that the sources use no code missing here.
 */

/**
 * A config value cannot be used; the message names the file, line, section and key. Fix that
 * value and start the node again (runtime settings also apply on SIGHUP).
 */
export const RNS_ERR_CONFIG = 'RNS_ERR_CONFIG';

/**
 * No enabled interface started, so the node has nothing to relay and does not run. Read the
 * errors logged before this one (each names its section and key), fix them, or enable a section
 * with `enabled = yes`.
 */
export const RNS_ERR_NO_INTERFACES = 'RNS_ERR_NO_INTERFACES';

/**
 * Another rns-net node already serves the control socket of this config directory. Stop that
 * node first (`rns-net status --config DIR` shows its pid), or run this one with another
 * `--config DIR`.
 */
export const RNS_ERR_ALREADY_RUNNING = 'RNS_ERR_ALREADY_RUNNING';

/**
 * No node answers on the control socket of the config directory a command was given. Start one
 * with `rns-net run`, or pass the `--config DIR` the running node was started with.
 */
export const RNS_ERR_NOT_RUNNING = 'RNS_ERR_NOT_RUNNING';

/**
 * The node refused a control request (an unknown key or interface, a value out of range); the
 * message says which. Correct the command; `rns-net config list` shows the keys and their values.
 */
export const RNS_ERR_CONTROL_REQUEST = 'RNS_ERR_CONTROL_REQUEST';

/**
 * The control connection to the node failed or a request got no answer in time. Check that the
 * node is alive and read its log; a node whose event loop is blocked answers late.
 */
export const RNS_ERR_CONTROL_CONNECTION = 'RNS_ERR_CONTROL_CONNECTION';

/**
 * The control socket path is longer than Unix socket addresses allow on this system. Use a
 * config directory with a shorter path (`--config DIR`, for example `~/.rns-net`).
 */
export const RNS_ERR_SOCKET_PATH_TOO_LONG = 'RNS_ERR_SOCKET_PATH_TOO_LONG';

/**
 * A stored identity file does not hold an identity (wrong length); the node does not replace it,
 * since it is who the node is. Restore it from a backup, or move it away to have a new identity
 * made (the node's address changes).
 */
export const RNS_ERR_IDENTITY = 'RNS_ERR_IDENTITY';

/**
 * The plugin set cannot form a registry: two factories claim one type name, a factory has no
 * type name or targets another host API version, or a plugin started with the wrong id. A
 * programming error in the plugins registered: remove the duplicate or rebuild the plugin
 * against this version.
 */
export const RNS_ERR_REGISTRY = 'RNS_ERR_REGISTRY';

/**
 * An interface was attached with an id, name, runtime-config prefix or peer-state name already
 * in use. A programming error of the embedder or plugin: give every interface its own name and id.
 */
export const RNS_ERR_DUPLICATE_INTERFACE = 'RNS_ERR_DUPLICATE_INTERFACE';

/**
 * An interface was attached while the driver was stopping. Expected only during shutdown, when a
 * connection completes as the node stops; elsewhere, attach before stopping.
 */
export const RNS_ERR_DRIVER_STOPPED = 'RNS_ERR_DRIVER_STOPPED';

/**
 * A plugin broke the host contract (a single interface without info or a writer, an invalid
 * runtime-config key prefix). A bug in that plugin: report it to its authors.
 */
export const RNS_ERR_PLUGIN = 'RNS_ERR_PLUGIN';

/**
 * A peer-state request had an invalid argument (an IP address that does not parse, a negative
 * duration). Correct the argument.
 */
export const RNS_ERR_INVALID_ARGUMENT = 'RNS_ERR_INVALID_ARGUMENT';

/**
 * A client interface's connection attempt timed out; it tries again after `reconnect_wait`.
 * Check the target host and port, and that a firewall lets the connection through.
 */
export const RNS_ERR_CONNECT_TIMEOUT = 'RNS_ERR_CONNECT_TIMEOUT';

/**
 * A client interface closed its connection because the remote took none of the queued bytes for
 * the write-stall timeout; it reconnects. Frequent stalls mean a slow or overloaded remote or path.
 */
export const RNS_ERR_WRITE_STALL = 'RNS_ERR_WRITE_STALL';

/**
 * A client interface's connection was cut because the node-wide receive budget
 * (`[reticulum] receive_buffer_budget`) was spent and it held the largest unfinished frame; it
 * reconnects. Frequent cuts mean peers send frames slowly or only in part: raise the budget if
 * the memory is there.
 */
export const RNS_ERR_BUFFER_BUDGET = 'RNS_ERR_BUFFER_BUDGET';

/** Every code above, in the order of this file. */
export const RNS_ERROR_CODES = [
  RNS_ERR_CONFIG,
  RNS_ERR_NO_INTERFACES,
  RNS_ERR_ALREADY_RUNNING,
  RNS_ERR_NOT_RUNNING,
  RNS_ERR_CONTROL_REQUEST,
  RNS_ERR_CONTROL_CONNECTION,
  RNS_ERR_SOCKET_PATH_TOO_LONG,
  RNS_ERR_IDENTITY,
  RNS_ERR_REGISTRY,
  RNS_ERR_DUPLICATE_INTERFACE,
  RNS_ERR_DRIVER_STOPPED,
  RNS_ERR_PLUGIN,
  RNS_ERR_INVALID_ARGUMENT,
  RNS_ERR_CONNECT_TIMEOUT,
  RNS_ERR_WRITE_STALL,
  RNS_ERR_BUFFER_BUDGET,
] as const;

/** A code of the catalogue. */
export type RnsErrorCode = (typeof RNS_ERROR_CODES)[number];
