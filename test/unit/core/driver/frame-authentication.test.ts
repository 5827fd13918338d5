import { expect } from 'chai';
import { HostDriver } from '../../../../src/core/driver/host-driver';
import { FrameAuthenticator, OPEN_INTERFACE } from '../../../../src/core/frame-authenticator';
import {
  RecordingHandler,
  RecordingWriter,
  listenerInterface,
  singleInterface,
  testInfo,
} from '../../../helpers/driver-fixtures';

/** Accepts frames starting 0xAA (stripping that byte), frames packets by prefixing it. */
class PrefixAuthenticator implements FrameAuthenticator {
  readonly overhead = 1;
  verifyAndStrip(frame: Uint8Array): Uint8Array | null {
    return frame[0] === 0xaa ? frame.subarray(1) : null;
  }
  apply(packet: Uint8Array): Uint8Array {
    return Uint8Array.of(0xaa, ...packet);
  }
}

describe('HostDriver: frame authentication (IFAC) at the interface boundary', () => {
  let handler: RecordingHandler;
  let driver: HostDriver;

  beforeEach(() => {
    handler = new RecordingHandler();
    driver = new HostDriver({ packetHandler: handler });
  });

  afterEach(async () => {
    await driver.stop();
  });

  it('hands the handler the stripped packet and drops (and counts) frames that fail', () => {
    driver.setFrameAuthenticator(1, new PrefixAuthenticator());
    driver.attach(singleInterface(1, 'Secure'));
    driver.sinkFor(1).send({ type: 'InterfaceUp', id: 1 });
    driver.events.send({ type: 'Frame', id: 1, data: Uint8Array.of(0xaa, 1, 2, 3) });
    driver.events.send({ type: 'Frame', id: 1, data: Uint8Array.of(1, 2, 3) });
    expect(handler.seen.map((s) => [...s.packet])).to.deep.equal([[1, 2, 3]]);
    expect(driver.entry(1)?.stats).to.include({ rxPackets: 1, rxBytes: 4, rxIfacDropped: 1 });
  });

  it('applies the interface authenticator on transmit and counts the bytes sent', () => {
    driver.setFrameAuthenticator(1, new PrefixAuthenticator());
    const iface = singleInterface(1, 'Secure');
    driver.attach(iface);
    driver.sinkFor(1).send({ type: 'InterfaceUp', id: 1 });
    expect(driver.transmit(driver.entry(1)!, Uint8Array.of(7, 8))).to.equal('accepted');
    expect([...iface.writer.sent[0]]).to.deep.equal([0xaa, 7, 8]);
    expect(driver.entry(1)?.stats).to.include({ txPackets: 1, txBytes: 3 });
  });

  it("gives a listener's peers the listener's authenticator", () => {
    const authenticator = new PrefixAuthenticator();
    driver.setFrameAuthenticator(2, authenticator);
    driver.attach(listenerInterface(2, 'Server'));
    const writer = new RecordingWriter();
    driver.sinkFor(2).send({ type: 'InterfaceUp', id: 10_000, writer, info: testInfo(10_000) });
    expect(driver.entry(10_000)?.authenticator).to.equal(authenticator);
    driver.events.send({ type: 'Frame', id: 10_000, data: Uint8Array.of(5) });
    expect(driver.entry(10_000)?.stats.rxIfacDropped).to.equal(1);
  });

  it('on an interface without IFAC, drops frames flagged as carrying a code and passes the rest', () => {
    driver.attach(singleInterface(1, 'Open'));
    driver.sinkFor(1).send({ type: 'InterfaceUp', id: 1 });
    expect(driver.entry(1)?.authenticator).to.equal(OPEN_INTERFACE);
    driver.events.send({ type: 'Frame', id: 1, data: Uint8Array.of(0x80, 0, 1) });
    driver.events.send({ type: 'Frame', id: 1, data: Uint8Array.of(0x7f, 0, 1) });
    expect(handler.seen.map((s) => s.packet[0])).to.deep.equal([0x7f]);
    expect(driver.entry(1)?.stats.rxIfacDropped).to.equal(1);
    const packet = Uint8Array.of(1, 2);
    expect(OPEN_INTERFACE.apply(packet)).to.equal(packet);
  });
});
