import { expect } from 'chai';
import { container } from 'tsyringe';
import { systemClock } from '../../src/core/clock';
import { HostDriver } from '../../src/core/driver/host-driver';
import { InterfaceEntry } from '../../src/core/driver/interface-entry';
import { InterfaceMode } from '../../src/core/interface-mode';
import { silentLogger } from '../../src/core/logger';
import { registerMemoryPlugin } from '../../src/plugins/memory/register-memory-plugin';
import { SequentialIdAllocator } from '../../src/registry/dynamic-id-allocator';
import { InterfaceSection, launchInterface } from '../../src/registry/interface-launcher';
import { InterfaceRegistry } from '../../src/registry/interface-registry';

describe('end to end: two memory interfaces through the DI registry and the driver', () => {
  it('delivers a frame sent on one interface to the packet handler, as received on the other', async () => {
    const child = container.createChildContainer();
    registerMemoryPlugin(child);
    const registry = child.resolve(InterfaceRegistry);
    const received: { source: InterfaceEntry; packet: Uint8Array }[] = [];
    const driver = new HostDriver({
      packetHandler: { handle: (source, packet) => received.push({ source, packet }) },
    });
    const dynamicIds = new SequentialIdAllocator();

    // Sections as the config parser hands them over: plain objects with string params.
    const sections: InterfaceSection[] = [
      {
        name: 'Left',
        id: 1,
        typeName: 'MemoryInterface',
        mode: InterfaceMode.Full,
        params: { pipe: 'link' },
      },
      {
        name: 'Right',
        id: 2,
        typeName: 'MemoryInterface',
        mode: InterfaceMode.Full,
        params: { pipe: 'link' },
      },
    ];
    for (const section of sections) {
      await launchInterface({
        registry,
        driver,
        section,
        dynamicIds,
        clock: systemClock,
        logger: silentLogger,
      });
    }

    expect(driver.onlineInterfaces().map((e) => e.info.name)).to.deep.equal(['Left', 'Right']);
    const left = driver.entry(1) as InterfaceEntry;
    const packet = Uint8Array.from({ length: 40 }, (_, i) => i);
    expect(driver.transmit(left, packet)).to.equal('accepted');

    expect(received).to.have.length(1);
    expect(received[0]?.source.id).to.equal(2);
    expect(received[0]?.source.info.name).to.equal('Right');
    expect(received[0]?.packet).to.deep.equal(packet);
    expect(left.stats).to.include({ txPackets: 1, txBytes: 40 });
    expect(driver.entry(2)?.stats).to.include({ rxPackets: 1, rxBytes: 40 });

    await driver.stop();
    expect(driver.onlineInterfaces()).to.deep.equal([]);
    expect(driver.attachedInterfaces().map((a) => a.online)).to.deep.equal([false, false]);
  });
});
