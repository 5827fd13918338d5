/**
 * What a compliance peer has received and not yet taken: packets queue in arrival order, and
 * {@link PacketInbox.next} hands out the oldest one or waits for the next. For writing a
 * {@link CompliancePeer} over a transport of one's own.
 */
export class PacketInbox {
  private readonly packets: Uint8Array[] = [];
  private waiter: ((packet: Uint8Array) => void) | undefined;

  /** @param what how a timeout names what did not arrive ("packet", "datagram", "message"). */
  constructor(private readonly what = 'packet') {}

  /** Puts a received packet in; it must be the peer's own copy (a decoder may reuse its buffer). */
  deliver(packet: Uint8Array): void {
    const waiter = this.waiter;
    if (waiter === undefined) {
      this.packets.push(packet);
      return;
    }
    this.waiter = undefined;
    waiter(packet);
  }

  /** The oldest packet not yet taken, waiting up to `timeoutMs` for one to arrive. */
  next(timeoutMs: number): Promise<Uint8Array> {
    const queued = this.packets.shift();
    if (queued !== undefined) return Promise.resolve(queued);
    return new Promise<Uint8Array>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.waiter = undefined;
        reject(new Error(`no ${this.what} from the interface within ${timeoutMs} ms`));
      }, timeoutMs);
      this.waiter = (packet) => {
        clearTimeout(timer);
        resolve(packet);
      };
    });
  }
}
