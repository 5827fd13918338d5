import { FrameAuthenticator } from '../frame-authenticator';
import { InterfaceId } from '../interface-id';
import { InterfaceInfo } from '../interface-info';
import { Writer } from '../writer';
import { InterfaceStats } from './interface-stats';

/** The driver's record of one interface in its table. */
export interface InterfaceEntry {
  /** The interface's id. */
  readonly id: InterfaceId;
  /** Latest info (replaced when a dynamic interface comes up). */
  readonly info: InterfaceInfo;
  /** The plugin type name (for example `BackboneInterface`). */
  readonly typeName: string;
  /** Whether frames are accepted from it and packets sent to it. */
  online: boolean;
  /** True for a per-peer interface spawned by a listener; removed on InterfaceDown. */
  readonly dynamic: boolean;
  /** For a dynamic interface: the config id of the listener that spawned it. */
  readonly parentId: InterfaceId | null;
  /** The current writer (swapped when a client reconnects). */
  writer: Writer | null;
  /** Counters, bumped in place. */
  readonly stats: InterfaceStats;
  /** Checks received frames and frames sent packets (IFAC); a listener's peers share its own. */
  readonly authenticator: FrameAuthenticator;
}
