import { InterfaceEntry } from '../../core/driver/interface-entry';
import { WriteOutcome } from '../../core/writer';

/**
 * What the relay needs from the driver. The relay never reaches into the interface table or a
 * writer directly: the driver owns both (it swaps writers on reconnect and counts tx stats), so
 * the relay only asks for the current online set and hands packets back for transmission.
 */
export interface RelayHost {
  /** Online interfaces, as a stable array the driver maintains (do not mutate). */
  onlineInterfaces(): readonly InterfaceEntry[];
  /** Sends one packet through an entry's writer, counting tx stats and refusals in entry.stats. */
  transmit(entry: InterfaceEntry, packet: Uint8Array): WriteOutcome;
}
