import { expect } from 'chai';
import sinon from 'sinon';
import { systemClock } from '../../../../src/core/clock';
import { LogLevel } from '../../../../src/core/logger';
import { LogRateLimiter, RateLimitedLogger } from '../../../../src/node/logging/rate-limited-logger';
import { RecordingLogger } from '../../../helpers/recording-logger';

describe('RateLimitedLogger', () => {
  let clock: sinon.SinonFakeTimers;
  let out: RecordingLogger;
  let limiter: LogRateLimiter;
  let logger: RateLimitedLogger;

  beforeEach(() => {
    clock = sinon.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'Date'] });
    out = new RecordingLogger();
    limiter = new LogRateLimiter({ clock: systemClock }, out);
    logger = new RateLimitedLogger(out, limiter);
  });

  afterEach(() => clock.restore());

  const summaries = (): string[] => out.messages('warn').filter((m) => m.startsWith('log lines suppressed'));

  it('writes 10 lines of a kind per second and holds back the rest', () => {
    for (let i = 0; i < 25; i++) logger.info('backbone peer connected', { port: i });
    expect(out.lines).to.have.length(10);
    expect(limiter.suppressedLines).to.equal(15);
    clock.tick(1000);
    for (let i = 0; i < 25; i++) logger.info('backbone peer connected', { port: i });
    expect(out.lines.filter((l) => l.message === 'backbone peer connected')).to.have.length(20);
  });

  it('limits each kind (level and message) on its own, children included', () => {
    const child = logger.child({ interface: 'Public' });
    for (let i = 0; i < 20; i++) {
      child.info('backbone peer connected');
      child.debug('backbone peer connected');
      logger.warn('backbone max connections reached, rejecting peer');
    }
    expect(out.messages('info')).to.have.length(10);
    expect(out.messages('debug')).to.have.length(10);
    expect(out.messages('warn')).to.have.length(10);
  });

  it('writes one summary 10 s after the first held-back line, naming what was held back', () => {
    for (let i = 0; i < 30; i++) logger.info('backbone peer connected');
    for (let i = 0; i < 12; i++) logger.debug('rejecting blacklisted backbone peer');
    clock.tick(9999);
    expect(summaries()).to.deep.equal([]);
    clock.tick(1);
    expect(summaries()).to.have.length(1);
    const summary = out.lines.find((l) => l.message.startsWith('log lines suppressed'));
    expect(summary?.fields).to.deep.include({ suppressed: 22, kinds: 2 });
    expect(summary?.fields?.top).to.equal(
      'info: backbone peer connected x20; debug: rejecting blacklisted backbone peer x2',
    );
    // Nothing more held back: no further summary, no timer left running.
    clock.tick(60_000);
    expect(summaries()).to.have.length(1);
    expect(clock.countTimers()).to.equal(0);
  });

  it('keeps no timer while nothing is held back', () => {
    for (let i = 0; i < 10; i++) logger.info('interface online');
    expect(clock.countTimers()).to.equal(0);
    expect(limiter.suppressedLines).to.equal(0);
  });

  it('does not count lines the inner logger filters out by level', () => {
    class InfoAndUp extends RecordingLogger {
      isLevelEnabled(level: LogLevel): boolean {
        return level !== 'debug';
      }
    }
    const quiet = new InfoAndUp();
    const limited = new RateLimitedLogger(quiet, new LogRateLimiter({ clock: systemClock }, quiet));
    for (let i = 0; i < 100; i++) limited.debug('peer connected');
    expect(quiet.lines).to.deep.equal([]);
    clock.tick(20_000);
    expect(quiet.lines).to.deep.equal([]);
  });

  it('stays bounded in memory under endless distinct messages', () => {
    const small = new LogRateLimiter({ clock: systemClock, maxCategories: 50 }, out);
    const limited = new RateLimitedLogger(out, small);
    for (let i = 0; i < 10_000; i++) limited.warn(`penalizing peer 10.0.${i >> 8}.${i & 255}`);
    expect(small.trackedCategories).to.be.at.most(51);
    // One line for each of the 50 tracked kinds, then 10 for everything sharing the overflow kind.
    expect(out.lines).to.have.length(60);
    expect(small.suppressedLines).to.equal(10_000 - 60);
    clock.tick(10_000);
    // The summary forgets kinds with nothing to report; a second later the table is empty again.
    clock.tick(1000);
    limited.warn('one more');
    clock.tick(10_000);
    expect(small.trackedCategories).to.be.at.most(2);
  });

  it('frees an idle kind for a new one once the table is full', () => {
    const small = new LogRateLimiter({ clock: systemClock, maxCategories: 2 }, out);
    const limited = new RateLimitedLogger(out, small);
    limited.info('a');
    limited.info('b');
    clock.tick(1000);
    for (let i = 0; i < 15; i++) limited.info('c');
    // 'c' took an idle kind's place, so it got its own 10 lines.
    expect(out.messages('info').filter((m) => m === 'c')).to.have.length(10);
  });

  it('writes the pending summary when stopped', () => {
    for (let i = 0; i < 14; i++) logger.info('backbone peer connected');
    limiter.stop();
    expect(summaries()).to.have.length(1);
    expect(clock.countTimers()).to.equal(0);
    for (let i = 0; i < 14; i++) logger.info('backbone peer connected');
    expect(clock.countTimers()).to.equal(0);
  });
});
