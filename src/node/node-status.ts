import { InterfaceId } from '../core/interface-id';
import { PathInfo } from '../transport/transport-view';
import { TransportStatus } from './forwarding';
import { ProcessHealthStatus } from './process-health';

/** One configured interface as `status` reports it. */
export interface InterfaceStatus {
  /** The configured id (1, 2, ... in config order). */
  readonly id: InterfaceId;
  /** The config section name. */
  readonly name: string;
  /** The plugin type name, for example `BackboneInterface`. */
  readonly type: string;
  /** The interface mode's config spelling, for example `full`. */
  readonly mode: string;
  /** `single` (a client, one connection) or `listener` (a server spawning a peer per connection). */
  readonly kind: 'single' | 'listener';
  /** A single interface: connected. A listener: listening. */
  readonly online: boolean;
  /** Connected peers: a listener's dynamic interfaces; 1 or 0 for a single interface. */
  readonly peers: number;
  /** Where a listener listens (the port the system chose for `listen_port = 0`); null otherwise. */
  readonly boundAddress: { readonly host: string; readonly port: number } | null;
  /** Frames received. For a listener: summed over its peers, including peers that left. */
  readonly rxPackets: number;
  /** Bytes of the frames received. */
  readonly rxBytes: number;
  /** Packets a writer accepted. */
  readonly txPackets: number;
  /** Bytes of those packets. */
  readonly txBytes: number;
  /** Frames that arrived while the interface was offline. */
  readonly rxDroppedOffline: number;
  /** Frames the relay dropped as duplicates. */
  readonly rxDuplicates: number;
  /** Packets refused because the writer was offline. */
  readonly txRefusedOffline: number;
  /** Packets refused because a peer's send buffer was full. */
  readonly txRefusedFull: number;
  /** Frames dropped for a missing, wrong or unexpected interface access code (IFAC). */
  readonly rxIfacDropped: number;
  /** The interface's access code: its network name (never the passphrase) and size in bytes; null without IFAC. */
  readonly ifac: { readonly networkName: string | null; readonly size: number } | null;
  /** Frames lost for any reason other than deduplication (offline in or out, access code, full buffers). */
  readonly drops: number;
}

/** The node-wide buffer budgets: what all connections hold now, the limits, what they cut. */
export interface BufferBudgetsStatus {
  /** Bytes of unfinished incoming frames held by all connections. */
  readonly receiveHeldBytes: number;
  /** `[reticulum] receive_buffer_budget`, bytes. */
  readonly receiveLimitBytes: number;
  /** Connections disconnected for holding the largest unfinished frame past the limit. */
  readonly receiveEvictions: number;
  /** Bytes queued for sending to all connections. */
  readonly sendHeldBytes: number;
  /** `[reticulum] send_buffer_budget`, bytes. */
  readonly sendLimitBytes: number;
  /** Packets dropped because the node-wide send budget was spent. */
  readonly sendRefusals: number;
}

/** What became of the node's log lines. */
export interface LoggingStatus {
  /** Lines dropped because the log destination did not keep up (a pipe nobody reads). */
  readonly droppedLines: number;
  /** Lines held back by the per-kind rate limit (a summary line reports them every 10 s). */
  readonly suppressedLines: number;
}

/** What `rns-net status` shows: the node's uptime, its interfaces, and the forwarding's state. */
export interface NodeStatus {
  /** The config directory the node runs from. */
  readonly configDir: string;
  /** The node's process id. */
  readonly pid: number;
  /** When the node started, ISO 8601. */
  readonly startedAt: string;
  /** Seconds since start. */
  readonly uptimeSecs: number;
  /** Configured interfaces that started, in config order. */
  readonly interfaces: readonly InterfaceStatus[];
  /** How the node forwards: as a transport node, or as a flood relay. */
  readonly forwarding: 'transport' | 'flood';
  /** With `relay_mode = flood`: the relay's counters by name (received, deliveries, ...). */
  readonly relay?: Readonly<Record<string, number>>;
  /** With `enable_transport = yes`: the transport id, table sizes and counters. */
  readonly transport?: TransportStatus;
  /** Memory and event-loop delay of the node process. */
  readonly process: ProcessHealthStatus;
  /** Log lines dropped and suppressed since start. */
  readonly logging: LoggingStatus;
  /** The node-wide buffer budgets. */
  readonly buffers: BufferBudgetsStatus;
}

/** One path as `rns-net paths` lists it. */
export interface PathListEntry extends PathInfo {
  /** For a path via a spawned peer: the name of the listener that spawned it; else null. */
  readonly listener: string | null;
}

/** One page of `paths.list`. */
export interface PathListPage {
  /** In no particular order. */
  readonly paths: readonly PathListEntry[];
  /** Pass it back (with the same filters) for the next page; null on the last page. */
  readonly cursor: string | null;
}

/** What `paths.list` asks for. */
export interface PathListRequest {
  /** Hex prefix of the destination hash. */
  readonly destination?: string;
  /** A configured interface, or a listener (its spawned peers' paths). */
  readonly interfaceName?: string;
  readonly maxHops?: number;
  readonly cursor?: string;
  readonly limit?: number;
}
