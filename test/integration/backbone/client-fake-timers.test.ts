import { expect } from 'chai';
import { RecordingLogger } from '../../helpers/recording-logger';
import { RecordingEventSink } from '../../helpers/recording-event-sink';
import { freePort } from '../../helpers/loopback-port';
import * as sinon from 'sinon';
import { systemClock } from '../../../src/core/clock';
import { startStreamClient } from '../../../src/net/client/stream-client';
import { WriteOutcome } from '../../../src/core/writer';
import { StartedSingleInterface } from '../../../src/registry/interface-factory';
import {
  LoopbackServer,
  clientConfig,
  withStartup,
  nextTurn,
  packet,
  startContext,
} from '../../unit/plugins/backbone/client/client-fixtures';

// The client on the real system clock, with sinon faking only the timer functions and Date:
// real sockets keep working (setImmediate and nextTick stay real) while time moves by tick().
describe('Backbone client on the system clock with sinon fake timers', () => {
  let clock: sinon.SinonFakeTimers;
  let server: LoopbackServer;
  let started: StartedSingleInterface | undefined;

  beforeEach(() => {
    clock = sinon.useFakeTimers({
      toFake: ['setTimeout', 'clearTimeout', 'setInterval', 'clearInterval', 'Date'],
    });
    server = new LoopbackServer();
    started = undefined;
  });

  afterEach(async () => {
    await started?.stop();
    clock.restore();
    await server.close();
  });

  it('fires the connect timeout, then reconnects after exactly the jittered backoff', async () => {
    await server.listen();
    const events = new RecordingEventSink();
    const logger = new RecordingLogger();
    const config = clientConfig(server.port);
    const runtime = { reconnectWaitMs: 1000, connectTimeoutMs: 3000 };
    started = await startStreamClient(
      withStartup(config, runtime),
      startContext(events, systemClock, logger),
      {
        random: () => 0, // the low end of the jitter: 0.75 x 1000 ms
      },
    );
    // No I/O runs during tick(): the connect is still pending when its timeout fires.
    clock.tick(2999);
    expect(logger.messages('warn')).to.deep.equal([]);
    clock.tick(1);
    expect(logger.messages('warn')).to.deep.equal([
      `connect to 127.0.0.1:${server.port} failed: connect timed out after 3s; retrying in the background`,
    ]);
    clock.tick(749);
    expect(logger.messages('info')).to.deep.equal([]);
    clock.tick(1);
    expect(logger.messages('info')).to.deep.equal(['reconnect attempt 1 (backoff 0.8s) ...']);
    const up = await events.next('InterfaceUp');
    expect(up.id).to.equal(9000);
    expect(logger.messages('info')).to.include('reconnected after 1 attempt(s)');
    expect(clock.countTimers()).to.equal(0);
  });

  it('waits 100, 200 and 400 ms between attempts and gives up after max_reconnect_tries', async () => {
    const port = await freePort();
    const events = new RecordingEventSink();
    const logger = new RecordingLogger();
    const config = clientConfig(port);
    const runtime = {
      reconnectWaitMs: 100,
      maxReconnectTries: 3,
      connectTimeoutMs: 0,
    };
    started = await startStreamClient(
      withStartup(config, runtime),
      startContext(events, systemClock, logger),
      {
        random: () => 0.5,
      },
    );
    await logger.waitFor('retrying in the background');
    for (const [attempt, wait] of [
      [1, 100],
      [2, 200],
      [3, 400],
    ]) {
      clock.tick(wait - 1);
      expect(logger.messages('info')).to.have.length(attempt - 1);
      clock.tick(1);
      expect(logger.messages('info')[attempt - 1]).to.equal(
        `reconnect attempt ${attempt} (backoff ${(wait / 1000).toFixed(1)}s) ...`,
      );
      // The refused connect is real I/O: wait (a bounded number of loop turns) for its outcome.
      const settled = (): boolean =>
        logger.messages('warn').length > attempt || logger.messages('error').length > 0;
      for (let turn = 0; turn < 10_000 && !settled(); turn++) await nextTurn();
      expect(logger.messages('warn')[attempt]).to.match(/^reconnect failed: .*ECONNREFUSED/);
    }
    expect(logger.messages('error')).to.deep.equal(['reconnection failed after 3 attempt(s), giving up']);
    expect(clock.countTimers()).to.equal(0);
    clock.tick(60_000);
    expect(logger.messages('info')).to.have.length(3);
    expect(events.events).to.deep.equal([]);
  });

  it('reconnects when the remote accepts but never reads (write_stall_timeout 0.2 s)', async () => {
    await server.listen();
    const events = new RecordingEventSink();
    const logger = new RecordingLogger();
    const config = clientConfig(server.port);
    const runtime = { reconnectWaitMs: 100, writeStallTimeoutMs: 200 };
    started = await startStreamClient(
      withStartup(config, runtime),
      startContext(events, systemClock, logger),
      {
        random: () => 0.5, // no jitter: the reconnect waits 100 ms
      },
    );
    const first = await server.nextConnection();
    first.pause(); // accepts and never reads
    const up = await events.next('InterfaceUp');
    // Flood until the kernel buffers and the 512 KiB budget are full (bounded; time stands still).
    let outcome: WriteOutcome = 'accepted';
    for (let i = 0; i < 2000 && outcome === 'accepted'; i++) {
      await nextTurn();
      outcome = up.writer!.send(packet(64 * 1024, i));
    }
    expect(outcome).to.equal('buffer_full');
    clock.tick(199);
    await nextTurn();
    expect(events.types()).to.deep.equal(['InterfaceUp']);
    clock.tick(1);
    await events.next('InterfaceDown');
    expect(logger.messages('warn')).to.deep.equal([
      'write stall: remote took no data for 0.2s, reconnecting',
    ]);
    clock.tick(100);
    const second = await server.nextConnection();
    expect(second).to.not.equal(first);
    await events.next('InterfaceUp');
    expect(events.types()).to.deep.equal(['InterfaceUp', 'InterfaceDown', 'InterfaceUp']);
    expect(logger.messages('info')).to.include('reconnected after 1 attempt(s)');
  });
});
