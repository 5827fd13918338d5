/** Fixed values of the WebSocket interface that are not config keys. */

/** The registry type name: a server section, or a client one with `target_host`/`target_url`. */
export const WEBSOCKET_TYPE_NAME = 'WebSocketInterface';

/** MeshChat's type names for the same interface, accepted so its config sections run as they are. */
export const MESHCHAT_SERVER_TYPE_NAME = 'WebsocketServerInterface';
export const MESHCHAT_CLIENT_TYPE_NAME = 'WebsocketClientInterface';

/**
 * The largest packet a WebSocket message carries (MeshChat's `HW_MTU`, 256 KiB). A longer
 * message is refused by `ws` itself (`maxPayload`) with close code 1009.
 */
export const WEBSOCKET_HW_MTU = 262_144;

/** Link speed reported for every WebSocket interface, as MeshChat guesses it (1 Gbps). */
export const WEBSOCKET_BITRATE = 1_000_000_000;

/** Access code length without `ifac_size` (MeshChat's `DEFAULT_IFAC_SIZE`). */
export const WEBSOCKET_IFAC_SIZE = 16;

/**
 * How long a close handshake may take before the socket is cut: a peer that never answers our
 * close frame holds its socket no longer than this (`ws` would wait 30 s).
 */
export const CLOSE_HANDSHAKE_TIMEOUT_MS = 2_000;

/**
 * How long an accepted TCP connection may take to send a complete WebSocket upgrade request
 * (the HTTP server's `headersTimeout` and `requestTimeout`).
 */
export const HANDSHAKE_TIMEOUT_MS = 10_000;

/** Close codes sent by the interface (RFC 6455 section 7.4.1). */
export const CLOSE_GOING_AWAY = 1001;
export const CLOSE_UNSUPPORTED_DATA = 1003;
export const CLOSE_MESSAGE_TOO_BIG = 1009;

/** Default path a server accepts upgrades on. */
export const DEFAULT_WEBSOCKET_PATH = '/';

/** Key family of a server's live settings: `websocket.<interface>.<setting>`. */
export const WEBSOCKET_SERVER_KEY_PREFIX = 'websocket';

/** Key family of a client's live settings: `websocket_client.<interface>.<setting>`. */
export const WEBSOCKET_CLIENT_KEY_PREFIX = 'websocket_client';
