/**
 * Identifies one interface within a running node: configured interfaces count from 1 in config
 * order, dynamic (per-peer) interfaces from 10000. Ids are never reused while the node runs.
 */
export type InterfaceId = number;
