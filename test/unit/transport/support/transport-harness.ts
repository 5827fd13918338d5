import * as sinon from 'sinon';
import { systemClock } from '../../../../src/core/clock';
import { InterfaceEntry } from '../../../../src/core/driver/interface-entry';
import { OPEN_INTERFACE } from '../../../../src/core/frame-authenticator';
import { emptyInterfaceStats } from '../../../../src/core/driver/interface-stats';
import { DEFAULT_INGRESS_CONTROL } from '../../../../src/core/ingress-control';
import { InterfaceId } from '../../../../src/core/interface-id';
import { InterfaceInfo, InterfaceInfoInit, makeInterfaceInfo } from '../../../../src/core/interface-info';
import { InterfaceMode } from '../../../../src/core/interface-mode';
import { WriteOutcome } from '../../../../src/core/writer';
import { Packet } from '../../../../src/protocol/packet';
import { Identity } from '../../../../src/protocol/identity';
import { KnownDestinations } from '../../../../src/protocol/known-destinations';
import { TransportEngine, TransportEngineOptions, TransportHost } from '../../../../src/transport';
import { parsed } from './packets';

/** A test interface: an entry whose sent packets are recorded. */
export interface TestInterface extends InterfaceEntry {
  online: boolean;
  info: InterfaceInfo;
  /** Packets sent on it, in order. */
  readonly sent: Uint8Array[];
}

/** The driver's side, faked: an interface table and recorded transmits. */
export class FakeHost implements TransportHost {
  private readonly table = new Map<InterfaceId, TestInterface>();
  private online: InterfaceEntry[] = [];

  /** Adds an online interface. */
  add(id: InterfaceId, info: Partial<InterfaceInfoInit> = {}, dynamic = true): TestInterface {
    const entry: TestInterface = {
      id,
      info: makeInterfaceInfo({
        id,
        name: `If${id}`,
        mode: InterfaceMode.Full,
        ingressControl: { ...DEFAULT_INGRESS_CONTROL, enabled: false },
        bitrate: 1_000_000_000,
        mtu: 524_288,
        autoconfigureMtu: true,
        started: Date.now() / 1000,
        ...info,
      }),
      typeName: 'TestInterface',
      online: true,
      dynamic,
      parentId: null,
      writer: { send: () => 'accepted' },
      stats: emptyInterfaceStats(),
      authenticator: OPEN_INTERFACE,
      sent: [],
    };
    this.table.set(id, entry);
    this.refresh();
    return entry;
  }

  /** Takes an interface away (a spawned peer that disconnected) or offline (a configured one). */
  remove(entry: TestInterface): void {
    entry.online = false;
    if (entry.dynamic) this.table.delete(entry.id);
    this.refresh();
  }

  onlineInterfaces(): readonly InterfaceEntry[] {
    return this.online;
  }

  entry(id: InterfaceId): InterfaceEntry | undefined {
    return this.table.get(id);
  }

  transmit(entry: InterfaceEntry, packet: Uint8Array): WriteOutcome {
    if (!entry.online) return 'offline';
    (entry as TestInterface).sent.push(packet);
    return 'accepted';
  }

  private refresh(): void {
    this.online = [...this.table.values()].filter((e) => e.online);
  }
}

/**
 * An engine on a fake host with sinon fake timers (installed at 2026-01-01), our identity and a
 * known-destinations store. `random` is 0 unless given, so first
 * rebroadcasts are due at once.
 */
export class Harness {
  readonly clock: sinon.SinonFakeTimers;
  readonly host = new FakeHost();
  readonly identity = Identity.generate();
  readonly known = new KnownDestinations({ clock: systemClock });
  readonly engine: TransportEngine;

  constructor(options: Partial<TransportEngineOptions> = {}) {
    this.clock = sinon.useFakeTimers({
      now: Date.UTC(2026, 0, 1),
      toFake: ['Date', 'setTimeout', 'clearTimeout', 'setInterval', 'clearInterval'],
    });
    this.engine = new TransportEngine({
      host: this.host,
      clock: systemClock,
      identity: this.identity,
      knownDestinations: this.known,
      random: () => 0,
      ...options,
    });
    this.engine.start();
  }

  /** Adds an online interface and tells the engine. */
  iface(id: InterfaceId, info: Partial<InterfaceInfoInit> = {}, dynamic = true): TestInterface {
    const entry = this.host.add(id, info, dynamic);
    this.engine.interfaceUp(entry);
    return entry;
  }

  /** Delivers a frame as the driver would. */
  receive(from: TestInterface, raw: Uint8Array): void {
    this.engine.handle(from, raw);
  }

  /** Lets verification slices and jobs run for `ms`. */
  async run(ms = 0): Promise<void> {
    await this.clock.tickAsync(ms);
  }

  /** Everything sent on `entry` so far, parsed, and forgets it. */
  take(entry: TestInterface): Packet[] {
    const out = entry.sent.map((raw) => parsed(raw));
    entry.sent.length = 0;
    return out;
  }

  /** Stops the engine and restores real timers. */
  dispose(): void {
    this.engine.stop();
    this.clock.restore();
  }
}
