import { expect } from 'chai';
import { Writable } from 'node:stream';
import {
  createNodeLogger,
  parseLoglevel,
  pinoLevelForLoglevel,
  resolveLogFormat,
} from '../../../../src/node/logging';

/** Collects what a logger writes. */
function sink(): { stream: Writable; text: () => string } {
  const chunks: string[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _enc, done) {
      chunks.push(chunk.toString('utf8'));
      done();
    },
  });
  return { stream, text: () => chunks.join('') };
}

describe('node logging', () => {
  it('maps Python loglevels 0..8 onto pino levels and clamps the rest', () => {
    const mapped = [-3, 0, 1, 2, 3, 4, 5, 6, 7, 8, 12].map(pinoLevelForLoglevel);
    expect(mapped).to.deep.equal([
      'fatal',
      'fatal',
      'error',
      'warn',
      'info',
      'info',
      'debug',
      'debug',
      'trace',
      'trace',
      'trace',
    ]);
  });

  it('parses --loglevel as an integer 0..8 only', () => {
    expect(['0', '4', ' 8 ', '9', '-1', '4.5', 'x', ''].map(parseLoglevel)).to.deep.equal([
      0,
      4,
      8,
      undefined,
      undefined,
      undefined,
      undefined,
      undefined,
    ]);
  });

  it('picks pretty on a terminal and JSON otherwise, unless told', () => {
    expect(resolveLogFormat(undefined, true)).to.equal('pretty');
    expect(resolveLogFormat(undefined, false)).to.equal('json');
    expect(resolveLogFormat('json', true)).to.equal('json');
    expect(resolveLogFormat('pretty', false)).to.equal('pretty');
  });

  it('writes JSON lines with level names, message and fields, filtered by level', () => {
    const out = sink();
    const logger = createNodeLogger({ loglevel: 4, format: 'json', destination: out.stream });
    logger.child({ interface: 'Public' }).info('listening', { port: 4242 });
    logger.debug('hidden at loglevel 4');
    const lines = out.text().trim().split('\n');
    expect(lines).to.have.length(1);
    const record = JSON.parse(lines[0]) as Record<string, unknown>;
    expect(record).to.include({ level: 'info', msg: 'listening', interface: 'Public', port: 4242 });
    expect(record.time).to.be.a('string');
  });

  it('writes one readable line per message in pretty format', () => {
    const out = sink();
    const logger = createNodeLogger({
      loglevel: 6,
      format: 'pretty',
      destination: out.stream,
      colorize: false,
    });
    logger.debug('peer connected', { ip: '127.0.0.1' });
    logger.warn('stalled');
    const lines = out.text().trim().split('\n');
    expect(lines).to.have.length(2);
    expect(lines[0]).to.match(/DEBUG: peer connected \{"ip":"127\.0\.0\.1"\}$/);
    expect(lines[1]).to.match(/WARN: stalled$/);
  });
});
