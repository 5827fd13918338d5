import { expect } from 'chai';
import { RecordingLogger } from '../../helpers/recording-logger';
import { RecordingEventSink } from '../../helpers/recording-event-sink';
import net from 'node:net';
import * as sinon from 'sinon';
import { systemClock } from '../../../src/core/clock';
import { frame } from '../../../src/core/hdlc';
import { startStreamClient } from '../../../src/net/client/stream-client';
import {
  LoopbackServer,
  clientConfig,
  withStartup,
  nextTurn,
  packet,
  readBytes,
  startContext,
} from '../../unit/plugins/backbone/client/client-fixtures';

/** Counts of each kind of active libuv resource (sockets, servers, timers...). */
function activeResources(): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const kind of process.getActiveResourcesInfo()) counts[kind] = (counts[kind] ?? 0) + 1;
  return counts;
}

describe('Backbone client soak: the remote restarts 10 times', function () {
  this.timeout(10_000);

  afterEach(() => sinon.restore());

  it('reconnects after every restart, keeps frames flowing both ways and leaks nothing', async () => {
    // Measured after one turn: mocha arms this test's own timeout timer once the test has begun.
    await nextTurn();
    const before = activeResources();
    const connect = sinon.spy(net, 'connect');
    const server = new LoopbackServer();
    await server.listen();
    const events = new RecordingEventSink();
    const logger = new RecordingLogger();
    const config = clientConfig(server.port);
    // Real timers with a 10 ms base wait: the test waits for events, never for time.
    const runtime = { reconnectWaitMs: 10, connectTimeoutMs: 1000 };
    const client = await startStreamClient(
      withStartup(config, runtime),
      startContext(events, systemClock, logger),
    );

    try {
      for (let round = 0; round <= 10; round++) {
        const remote = await server.nextConnection();
        const up = await events.next('InterfaceUp');
        // Frames flow both ways on every new connection.
        const outbound = packet(40, round);
        const reading = readBytes(remote, frame(outbound).length);
        expect(up.writer?.send(outbound)).to.equal('accepted');
        expect((await reading).equals(frame(outbound))).to.be.true;
        const inbound = packet(33, round);
        remote.write(frame(inbound));
        expect(Buffer.from((await events.next('Frame')).data).equals(inbound)).to.be.true;
        if (round === 10) break;
        // Restart: the remote goes away with every connection, then listens again on its port.
        await server.close();
        await events.next('InterfaceDown');
        expect(up.writer?.send(outbound)).to.equal('offline');
        await server.listen();
      }
    } finally {
      await client.stop();
      await server.close();
    }

    const ups = events.types().filter((t) => t === 'InterfaceUp').length;
    const downs = events.types().filter((t) => t === 'InterfaceDown').length;
    expect([ups, downs]).to.deep.equal([11, 10]);
    // Each InterfaceUp carried a writer of its own.
    const writers = new Set(events.events.map((e) => (e.type === 'InterfaceUp' ? e.writer : undefined)));
    writers.delete(undefined);
    expect(writers.size).to.equal(11);

    // No socket, server or timer outlives stop().
    await nextTurn();
    expect(activeResources()).to.deep.equal(before);
    // Every client socket is closed, and none kept the listeners of its connection.
    const sockets = connect.returnValues;
    expect(sockets.length).to.be.at.least(11);
    for (const socket of sockets) {
      expect(socket.destroyed).to.be.true;
      expect(socket.listenerCount('data')).to.equal(0);
      expect(socket.listenerCount('connect')).to.equal(0);
      expect(socket.listenerCount('error')).to.be.at.most(1);
    }
    const closeListeners = new Set(sockets.map((s) => s.listenerCount('close')));
    expect(closeListeners.size).to.equal(1);
  });
});
