export { BoundedLineSplitter } from './bounded-line-splitter';
export { ControlClient, DEFAULT_CONTROL_TIMEOUT_MS } from './control-client';
export { DEFAULT_BLACKLIST_REASON, dispatchControlRequest } from './control-dispatcher';
export {
  ControlConnectionError,
  ControlRequestError,
  NoNodeRunningError,
  NodeAlreadyRunningError,
} from './control-errors';
export * from './control-protocol';
export { ControlConnection, ControlConnectionLimits, ControlLineHandler } from './control-connection';
export {
  ControlServer,
  ControlServerOptions,
  DEFAULT_CONTROL_IDLE_TIMEOUT_MS,
  DEFAULT_MAX_CONTROL_CONNECTIONS,
} from './control-server';
export { CONTROL_SOCKET_NAME, controlSocketPath } from './control-socket-path';
export { ControlTarget } from './control-target';
export { ControlSocketState, probeControlSocket } from './probe-control-socket';
export {
  MAX_UNIX_SOCKET_PATH_BYTES,
  SocketPathTooLongError,
  UnixSocketAddress,
  openUnixSocketAddress,
} from './unix-socket-address';
