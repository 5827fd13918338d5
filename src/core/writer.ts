/**
 * Why a writer refused a packet. `offline`: the interface is not connected (a client between
 * reconnects, a peer already closed). `buffer_full`: the peer is not draining its bounded send
 * buffer; the packet is dropped (and the peer is usually being disconnected for a write stall).
 */
export type WriteRefusal = 'offline' | 'buffer_full';

/** The outcome of {@link Writer.send}: `accepted`, or the reason the packet was refused. */
export type WriteOutcome = 'accepted' | WriteRefusal;

/**
 * Sends packets on one interface. The driver owns one per online interface.
 *
 * Contract:
 * - `send` never blocks the event loop and never throws into the driver: it accepts the packet
 *   (framing and queueing it for the socket) or refuses it with a reason.
 * - `packet` is the raw Reticulum packet; the writer adds its own framing (HDLC for TCP).
 * - Packets are immutable once emitted: nobody writes into a packet buffer after handing it on,
 *   so a writer may keep a reference (to batch several packets into one socket write) without
 *   copying it.
 */
export interface Writer {
  /** Accepts one packet for transmission, or refuses it with a reason. */
  send(packet: Uint8Array): WriteOutcome;
}
