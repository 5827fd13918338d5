import * as sinon from 'sinon';
import { systemClock } from '../../../../src/core/clock';
import { InterfaceEntry } from '../../../../src/core/driver/interface-entry';
import { emptyInterfaceStats } from '../../../../src/core/driver/interface-stats';
import { DEFAULT_INGRESS_CONTROL } from '../../../../src/core/ingress-control';
import { InterfaceId } from '../../../../src/core/interface-id';
import { InterfaceInfo, InterfaceInfoInit, makeInterfaceInfo } from '../../../../src/core/interface-info';
import { InterfaceMode } from '../../../../src/core/interface-mode';
import { WriteOutcome } from '../../../../src/core/writer';
import { Packet } from '../../../../src/protocol/packet';
import {
  KnownDestinations,
  TransportEngine,
  TransportEngineOptions,
  TransportHost,
} from '../../../../src/transport';
import { parsed } from './packets';
import { NodeVerifier, TestIdentity } from './test-identity';

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

/** An in-memory known-destinations store. */
export class MemoryKnownDestinations implements KnownDestinations {
  readonly keys = new Map<string, Uint8Array>();
  readonly used = new Set<string>();

  publicKey(destinationHash: Uint8Array): Uint8Array | undefined {
    return this.keys.get(Buffer.from(destinationHash).toString('hex'));
  }

  remember(destinationHash: Uint8Array, publicKey: Uint8Array): void {
    this.keys.set(Buffer.from(destinationHash).toString('hex'), Uint8Array.from(publicKey));
  }

  markUsed(destinationHash: Uint8Array): void {
    this.used.add(Buffer.from(destinationHash).toString('hex'));
  }
}

/**
 * An engine on a fake host with sinon fake timers (installed at 2026-01-01), our identity, a
 * counting verifier and in-memory known destinations. `random` is 0 unless given, so first
 * rebroadcasts are due at once.
 */
export class Harness {
  readonly clock: sinon.SinonFakeTimers;
  readonly host = new FakeHost();
  readonly identity = new TestIdentity();
  readonly verifier = new NodeVerifier();
  readonly known = new MemoryKnownDestinations();
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
      verifier: this.verifier,
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
