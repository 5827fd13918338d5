/**
 * Fixed values of the Backbone interface that are not config keys (the shared stream values are
 * in `src/net/net-constants.ts`).
 */
import { HW_MTU } from '../../core/constants';
import { HDLC_FRAMING } from '../../core/stream-framing';
import { KEEPALIVE_INITIAL_DELAY_MS } from '../../net/net-constants';
import { StreamLink } from '../../net/stream-link';

/** Link speed reported for every Backbone interface (rns-net and Python both guess 1 Gbps). */
export const BACKBONE_BITRATE = 1_000_000_000;

/** Access code length without `ifac_size` (Python's `DEFAULT_IFAC_SIZE` of BackboneInterface). */
export const BACKBONE_IFAC_SIZE = 16;

/** Default TCP port of a Backbone interface, server and client alike (Python's default too). */
export const DEFAULT_BACKBONE_PORT = 4242;

/** The registry type name of the plugin, as config sections spell it. */
export const BACKBONE_TYPE_NAME = 'BackboneInterface';

/** The registry type name of Python's client-only Backbone type. */
export const BACKBONE_CLIENT_TYPE_NAME = 'BackboneClientInterface';

/** Default listen address of a server section without `listen_ip`/`device` (rns-net's default). */
export const DEFAULT_LISTEN_IP = '0.0.0.0';

/** The key family of Backbone server settings: `backbone.<interface>.<setting>`. */
export const BACKBONE_SERVER_KEY_PREFIX = 'backbone';

/** The key family of Backbone client settings: `backbone_client.<interface>.<setting>`. */
export const BACKBONE_CLIENT_KEY_PREFIX = 'backbone_client';

/** A Backbone server's peer links: HDLC, Python's HW_MTU (1 MiB), 1 Gbps. */
export const BACKBONE_SERVER_LINK: StreamLink = Object.freeze({
  typeName: BACKBONE_TYPE_NAME,
  settingsPrefix: BACKBONE_SERVER_KEY_PREFIX,
  bitrate: BACKBONE_BITRATE,
  hwMtu: HW_MTU,
  autoconfigureMtu: true,
  framing: HDLC_FRAMING,
  keepaliveInitialDelayMs: KEEPALIVE_INITIAL_DELAY_MS,
});

/** A Backbone client's link: as a server's, with the client's key family. */
export const BACKBONE_CLIENT_LINK: StreamLink = Object.freeze({
  ...BACKBONE_SERVER_LINK,
  settingsPrefix: BACKBONE_CLIENT_KEY_PREFIX,
});
