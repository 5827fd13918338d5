import { Clock, Timer } from '../../../../src/core/clock';
import { InterfaceEntry } from '../../../../src/core/driver/interface-entry';
import { emptyInterfaceStats } from '../../../../src/core/driver/interface-stats';
import { OPEN_INTERFACE } from '../../../../src/core/frame-authenticator';
import { DEFAULT_INGRESS_CONTROL } from '../../../../src/core/ingress-control';
import { makeInterfaceInfo } from '../../../../src/core/interface-info';
import { InterfaceMode } from '../../../../src/core/interface-mode';
import { WriteOutcome, Writer } from '../../../../src/core/writer';
import { RelayHost } from '../../../../src/node/relay';

/** A writer that records every packet it accepts, or refuses with a fixed outcome. */
export class RecordingWriter implements Writer {
  readonly sent: Uint8Array[] = [];
  /** What `send` answers; `accepted` records the packet. */
  outcome: WriteOutcome = 'accepted';
  /** Called with each accepted packet (to wire one relay's output into another's input). */
  onSend: ((packet: Uint8Array) => void) | null = null;

  send(packet: Uint8Array): WriteOutcome {
    if (this.outcome !== 'accepted') return this.outcome;
    this.sent.push(packet);
    if (this.onSend) this.onSend(packet);
    return 'accepted';
  }
}

/** An online interface entry with a recording writer. */
export function makeEntry(id: number): InterfaceEntry & { writer: RecordingWriter } {
  return {
    id,
    info: makeInterfaceInfo({
      id,
      name: `test/${id}`,
      mode: InterfaceMode.Full,
      ingressControl: DEFAULT_INGRESS_CONTROL,
    }),
    typeName: 'TestInterface',
    online: true,
    dynamic: false,
    parentId: null,
    writer: new RecordingWriter(),
    stats: emptyInterfaceStats(),
    authenticator: OPEN_INTERFACE,
  };
}

/** The driver's side as the relay sees it: a stable array of online entries, tx counted in stats. */
export class FakeRelayHost implements RelayHost {
  readonly entries: InterfaceEntry[] = [];

  onlineInterfaces(): readonly InterfaceEntry[] {
    return this.entries;
  }

  transmit(entry: InterfaceEntry, packet: Uint8Array): WriteOutcome {
    if (!entry.writer) {
      entry.stats.txRefusedOffline++;
      return 'offline';
    }
    const outcome = entry.writer.send(packet);
    if (outcome === 'accepted') {
      entry.stats.txPackets++;
      entry.stats.txBytes += packet.length;
    } else if (outcome === 'buffer_full') entry.stats.txRefusedFull++;
    else entry.stats.txRefusedOffline++;
    return outcome;
  }
}

/** A clock moved by hand; timers are not used by the relay. */
export class ManualClock implements Clock {
  constructor(public time = 1_000_000) {}

  now(): number {
    return this.time;
  }

  setTimeout(): Timer {
    throw new Error('ManualClock has no timers');
  }

  setInterval(): Timer {
    throw new Error('ManualClock has no timers');
  }
}
