import { EventSink } from '../../core/event-sink';
import { InterfaceId } from '../../core/interface-id';
import { WriteOutcome, Writer } from '../../core/writer';

/** One interface joined to a {@link MemoryPipe}. */
export class MemoryPipeEnd {
  /** Whether the interface is online (both ends present). */
  up = false;
  /** Whether the interface left the pipe (stopped, or its driver went away). */
  left = false;
  /** Sends a packet to the other end. */
  readonly writer: Writer;

  constructor(
    /** The interface's id. */
    readonly id: InterfaceId,
    /** Where the interface's events go. */
    readonly sink: EventSink,
    pipe: MemoryPipe,
  ) {
    this.writer = { send: (packet) => pipe.deliver(this, packet) };
  }
}

/**
 * A link between at most two in-memory interfaces, like a cable: both ends are online while
 * both are present; a packet written on one end arrives, synchronously and copied (as off a
 * wire), as a `Frame` event on the other end's sink.
 */
export class MemoryPipe {
  private readonly ends: MemoryPipeEnd[] = [];

  constructor(
    /** The pipe's name (the `pipe` config value). */
    readonly name: string,
  ) {}

  /** Whether two interfaces are joined already. */
  get full(): boolean {
    return this.ends.length >= 2;
  }

  /** Whether no interface is joined. */
  get empty(): boolean {
    return this.ends.length === 0;
  }

  /**
   * Joins an interface. When it is the second end, both ends come online: each gets
   * `InterfaceUp(id)` on its own sink.
   *
   * @throws Error when the pipe is full (the factory checks {@link full} first).
   */
  join(id: InterfaceId, sink: EventSink): MemoryPipeEnd {
    if (this.full) throw new Error(`pipe '${this.name}' already joins two interfaces`);
    const end = new MemoryPipeEnd(id, sink, this);
    this.ends.push(end);
    const other = this.otherEnd(end);
    if (other !== undefined) {
      end.up = true;
      other.up = true;
      end.sink.send({ type: 'InterfaceUp', id: end.id });
      other.sink.send({ type: 'InterfaceUp', id: other.id });
    }
    return end;
  }

  /** Removes an end (idempotent): both ends that were online go offline with `InterfaceDown`. */
  leave(end: MemoryPipeEnd): void {
    if (end.left) return;
    end.left = true;
    const other = this.otherEnd(end);
    this.ends.splice(this.ends.indexOf(end), 1);
    if (end.up) {
      end.up = false;
      end.sink.send({ type: 'InterfaceDown', id: end.id });
    }
    if (other?.up === true) {
      other.up = false;
      other.sink.send({ type: 'InterfaceDown', id: other.id });
    }
  }

  /** Writes a packet from `from` to the other end; `offline` when there is none. */
  deliver(from: MemoryPipeEnd, packet: Uint8Array): WriteOutcome {
    if (!from.up) return 'offline';
    const to = this.otherEnd(from);
    if (to === undefined) return 'offline';
    // Copy as a wire would: the receiver's buffer is its own.
    if (to.sink.send({ type: 'Frame', id: to.id, data: new Uint8Array(packet) })) return 'accepted';
    // The receiver's driver is gone: that end is dead, as a socket whose reader stopped.
    this.leave(to);
    return 'offline';
  }

  private otherEnd(end: MemoryPipeEnd): MemoryPipeEnd | undefined {
    return this.ends.find((e) => e !== end);
  }
}
