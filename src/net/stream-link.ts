import { StreamFraming } from '../core/stream-framing';

/**
 * What a stream plugin (TCP, Backbone) tells the shared server and client about its links: how
 * they are framed, named and described, and which key family its live settings use. A plugin
 * builds one per section, since some of it follows section keys (`kiss_framing`,
 * `i2p_tunneled`, `fixed_mtu`).
 */
export interface StreamLink {
  /** The plugin's type name: labels log lines and names a server's peer interfaces (`<typeName>/<id>`). */
  readonly typeName: string;
  /** Key family of the live settings: `<settingsPrefix>.<interface>.<setting>`. */
  readonly settingsPrefix: string;
  /** Link speed reported in the interface info, in bits per second. */
  readonly bitrate: number;
  /** Largest packet carried (HW_MTU); a longer received frame is dropped and counted. */
  readonly hwMtu: number;
  /** Whether transport may lower the link MTU to what a path allows (false with a fixed MTU). */
  readonly autoconfigureMtu: boolean;
  /** How packets are framed on the stream (HDLC, or KISS with `kiss_framing`). */
  readonly framing: StreamFraming;
  /** Silence before TCP keepalive probes start, in milliseconds. */
  readonly keepaliveInitialDelayMs: number;
}
