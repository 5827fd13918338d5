import { expect } from 'chai';
import { EventEmitter } from 'node:events';
import { NodeSignals } from '../../../src/cli/commands/node-signals';
import { RecordingLogger } from '../../helpers/recording-logger';

describe('NodeSignals (rns-net run)', () => {
  let source: EventEmitter;
  let logger: RecordingLogger;
  let forced: string[];
  let signals: NodeSignals;
  let reloads: number;
  const reload = async (): Promise<void> => {
    reloads += 1;
  };
  const settle = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

  beforeEach(() => {
    source = new EventEmitter();
    logger = new RecordingLogger();
    forced = [];
    reloads = 0;
    signals = new NodeSignals(source, logger, (why) => forced.push(why));
  });

  afterEach(() => signals.dispose());

  it('handles SIGINT, SIGTERM and SIGHUP from the start, so none meets the default action', () => {
    for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP']) expect(source.listenerCount(signal)).to.equal(1);
    signals.dispose();
    for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP']) expect(source.listenerCount(signal)).to.equal(0);
  });

  it('stops on the first signal, only logs the second, exits on the third', async () => {
    source.emit('SIGTERM');
    expect(await signals.stopRequested).to.equal('SIGTERM');
    source.emit('SIGINT');
    expect(forced).to.deep.equal([]);
    expect(logger.messages('warn')).to.deep.equal([
      'already stopping; a third signal exits at once, without a clean stop',
    ]);
    source.emit('SIGINT');
    expect(forced).to.deep.equal(['SIGINT received a third time']);
  });

  it('reloads on SIGHUP while running, as often as it comes', async () => {
    signals.running(reload);
    source.emit('SIGHUP');
    source.emit('SIGHUP');
    await settle();
    expect(reloads).to.equal(2);
  });

  it('applies a SIGHUP that came during start once the node runs', async () => {
    source.emit('SIGHUP');
    source.emit('SIGHUP');
    expect(reloads).to.equal(0);
    signals.running(reload);
    await settle();
    expect(reloads).to.equal(1);
  });

  it('ignores SIGHUP once stopping', async () => {
    signals.running(reload);
    source.emit('SIGINT');
    source.emit('SIGHUP');
    await settle();
    expect(reloads).to.equal(0);
    expect(logger.messages('info')).to.include('SIGHUP ignored: the node is stopping');
  });
});
