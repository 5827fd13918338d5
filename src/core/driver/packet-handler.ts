import { InterfaceEntry } from './interface-entry';

/**
 * Receives every frame the driver accepts from an online interface (the relay by default).
 * `packet` is immutable; the handler may keep it. A handler that throws is contained by the
 * driver and counted; it never breaks the interface that emitted the frame.
 */
export interface PacketHandler {
  /** Handles one frame accepted from `source` (already counted in its rx stats). */
  handle(source: InterfaceEntry, packet: Uint8Array): void;
}
