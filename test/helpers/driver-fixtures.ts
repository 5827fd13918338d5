import { AttachedInterface } from '../../src/core/driver/attached-interface';
import { InterfaceEntry } from '../../src/core/driver/interface-entry';
import { PacketHandler } from '../../src/core/driver/packet-handler';
import { DEFAULT_INGRESS_CONTROL } from '../../src/core/ingress-control';
import { InterfaceId } from '../../src/core/interface-id';
import { InterfaceInfo, makeInterfaceInfo } from '../../src/core/interface-info';
import { InterfaceMode } from '../../src/core/interface-mode';
import { WriteOutcome, Writer } from '../../src/core/writer';

/** An InterfaceInfo with defaults, for tests. */
export function testInfo(id: InterfaceId, name = `If${id}`): InterfaceInfo {
  return makeInterfaceInfo({ id, name, mode: InterfaceMode.Full, ingressControl: DEFAULT_INGRESS_CONTROL });
}

/** A writer that records packets and answers with a settable outcome. */
export class RecordingWriter implements Writer {
  readonly sent: Uint8Array[] = [];
  outcome: WriteOutcome = 'accepted';

  send(packet: Uint8Array): WriteOutcome {
    this.sent.push(packet);
    return this.outcome;
  }
}

/** A packet handler that records (source id, packet) pairs. */
export class RecordingHandler implements PacketHandler {
  readonly seen: { id: InterfaceId; packet: Uint8Array }[] = [];

  handle(source: InterfaceEntry, packet: Uint8Array): void {
    this.seen.push({ id: source.id, packet });
  }
}

/** A configured single interface record with a recording writer and a counted stop. */
export function singleInterface(
  id: InterfaceId,
  name: string,
  extra: Partial<AttachedInterface> = {},
): AttachedInterface & { writer: RecordingWriter; stops: () => number } {
  let stops = 0;
  const writer = new RecordingWriter();
  return {
    id,
    name,
    typeName: 'TestInterface',
    kind: 'single',
    info: testInfo(id, name),
    writer,
    stop: async () => {
      stops++;
    },
    stops: () => stops,
    ...extra,
  } as AttachedInterface & { writer: RecordingWriter; stops: () => number };
}

/** A listener record with a counted stop. */
export function listenerInterface(
  id: InterfaceId,
  name: string,
  extra: Partial<AttachedInterface> = {},
): AttachedInterface {
  return { id, name, typeName: 'TestListener', kind: 'listener', stop: async () => undefined, ...extra };
}

/**
 * A packet of `length` bytes filled with `fill`. The default keeps bit 7 of the first byte clear:
 * that bit flags an access code (IFAC), and an interface without IFAC drops such frames.
 */
export function packet(length = 32, fill = 0x2b): Uint8Array {
  return new Uint8Array(length).fill(fill);
}
