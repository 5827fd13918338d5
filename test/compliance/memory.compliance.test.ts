import { systemClock } from '../../src/core/clock';
import { FrameEvent } from '../../src/core/events';
import { DEFAULT_INGRESS_CONTROL } from '../../src/core/ingress-control';
import { InterfaceMode } from '../../src/core/interface-mode';
import { silentLogger } from '../../src/core/logger';
import { MemoryInterfaceConfig } from '../../src/plugins/memory/memory-config';
import { MemoryInterfaceFactory } from '../../src/plugins/memory/memory-interface-factory';
import { SequentialIdAllocator } from '../../src/registry/dynamic-id-allocator';
import {
  CompliancePeer,
  ComplianceTarget,
  RecordingSink,
  interfacePluginCompliance,
} from '../../src/testing';

/**
 * The peer of a memory interface is a second MemoryInterface on the same pipe, started from the
 * same factory (pipes belong to the factory), with its own recording sink.
 */
async function joinPipe(target: ComplianceTarget<MemoryInterfaceConfig>, factory: MemoryInterfaceFactory) {
  const events = new RecordingSink();
  const config = factory.parseConfig('Peer', 99, { pipe: target.config.pipe });
  const started = await factory.start(config, {
    events,
    dynamicIds: new SequentialIdAllocator(),
    mode: InterfaceMode.Full,
    ingressControl: DEFAULT_INGRESS_CONTROL,
    clock: systemClock,
    logger: silentLogger,
  });
  if (started.kind !== 'single') throw new Error('MemoryInterface is a single interface');
  let cursor = 0;
  const peer: CompliancePeer = {
    async send(packet) {
      const outcome = started.writer.send(packet);
      if (outcome !== 'accepted') throw new Error(`peer write refused: ${outcome}`);
    },
    async nextPacket(timeoutMs) {
      const frame = await events.waitFor(
        'a packet at the peer',
        (e): e is FrameEvent => e.type === 'Frame',
        timeoutMs,
        cursor,
      );
      cursor = events.events.indexOf(frame) + 1;
      return frame.data;
    },
    close: () => started.stop(),
  };
  return peer;
}

interfacePluginCompliance('MemoryInterface', async () => {
  const factory = new MemoryInterfaceFactory();
  return {
    factory,
    sectionName: 'Memory A',
    id: 1,
    params: { pipe: 'p' },
    badParam: { key: 'pipe', value: '  ' },
    requiredKey: 'pipe',
    connectPeer: (target) => joinPipe(target, factory),
    // An in-process pipe carries any burst; sending in bursts here keeps the suite's burst mode
    // (what a datagram medium needs) exercised, while the Backbone suites send all at once.
    burst: 64,
  };
});
