import { InterfaceEntry } from '../core/driver/interface-entry';

/**
 * How an interface is known across reconnects and restarts: `Type[name]` of its config section
 * (Python hashes `str(interface)`, which also names the address). A spawned peer has no such
 * identity: its name carries an id that is handed out afresh every run, so nothing about a peer
 * is matched by name after a restart; its paths come back through its tunnel instead.
 *
 * @returns the identity, or undefined for a spawned peer
 */
export function interfaceIdentity(entry: InterfaceEntry): string | undefined {
  return entry.dynamic ? undefined : `${entry.typeName}[${entry.info.name}]`;
}
