import { expect } from 'chai';
import fc from 'fast-check';
import net from 'node:net';
import { Writable } from 'node:stream';
import {
  createNodeLogger,
  LogOutput,
  parseLoglevel,
  PINO_RESERVED_KEYS,
  pinoLevelForLoglevel,
  resolveLogFormat,
} from '../../../../src/node/logging';
import { FullPipe } from '../../../helpers/full-pipe';

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

  it('changes the level of existing children too', () => {
    const out = sink();
    const logger = createNodeLogger({ loglevel: 4, format: 'json', destination: out.stream });
    const child = logger.child({ interface: 'Public' });
    child.debug('hidden');
    logger.setLoglevel(6);
    child.debug('shown');
    expect(child.isLevelEnabled?.('debug')).to.equal(true);
    const lines = out.text().trim().split('\n');
    expect(lines.map((l) => (JSON.parse(l) as { msg: string }).msg)).to.deep.equal(['shown']);
  });

  describe("pino's reserved keys", () => {
    /** How often `"key":` occurs at the top level of a JSON line (its values are scalars). */
    const keyCount = (line: string, key: string): number => line.split(`"${key}":`).length - 1;

    it('renames a field that would duplicate level, time, msg, pid or hostname', () => {
      const out = sink();
      const logger = createNodeLogger({ loglevel: 4, format: 'json', destination: out.stream });
      logger
        .child({ level: 'child', hostname: 'h' })
        .warn('penalised', { ip: '192.0.2.1', level: 3, time: 'then', msg: 'm', pid: 7 });
      const line = out.text().trim();
      for (const key of PINO_RESERVED_KEYS) expect(keyCount(line, key), key).to.be.at.most(1);
      const record = JSON.parse(line) as Record<string, unknown>;
      expect(record).to.include({
        level: 'warn',
        msg: 'penalised',
        levelField: 3,
        timeField: 'then',
        msgField: 'm',
        pidField: 7,
        hostnameField: 'h',
        ip: '192.0.2.1',
      });
    });

    it('keeps the level readable for pino-pretty (no USERLVL)', () => {
      const out = sink();
      const logger = createNodeLogger({ loglevel: 4, format: 'pretty', destination: out.stream });
      logger.warn('penalizing peer 192.0.2.1', { level: 3, penaltyLevel: 3 });
      expect(out.text()).to.match(/WARN: penalizing peer 192\.0\.2\.1/);
      expect(out.text()).not.to.include('USERLVL');
    });

    it('never writes a reserved key twice, whatever the fields (property)', () => {
      const key = fc.oneof(fc.constantFrom(...PINO_RESERVED_KEYS), fc.stringMatching(/^[a-z]{1,8}$/));
      const value = fc.oneof(fc.string(), fc.integer(), fc.boolean(), fc.constant(null));
      fc.assert(
        fc.property(fc.dictionary(key, value), fc.dictionary(key, value), (bindings, fields) => {
          const out = sink();
          const logger = createNodeLogger({ loglevel: 4, format: 'json', destination: out.stream });
          logger.child(bindings).info('line', fields);
          const line = out.text().trim();
          for (const reserved of PINO_RESERVED_KEYS) expect(keyCount(line, reserved)).to.be.at.most(1);
          expect((JSON.parse(line) as { level: string }).level).to.equal('info');
        }),
        { numRuns: 200 },
      );
    });
  });

  describe('LogOutput', () => {
    it('drops and counts lines while the destination holds more than its bound', () => {
      // A stream that never finishes a write: everything stays buffered in it.
      const stalled = new Writable({ write: () => undefined, highWaterMark: 1 });
      const output = new LogOutput(stalled, 1000);
      for (let i = 0; i < 100; i++) output.write(`${'x'.repeat(99)}\n`);
      expect(stalled.writableLength).to.be.at.most(1000);
      expect(output.droppedLines).to.equal(90);
    });

    it('drops every line after the destination failed (EPIPE), without throwing', async () => {
      const broken = new Writable({ write: (_chunk, _enc, done) => done(new Error('EPIPE')) });
      const output = new LogOutput(broken);
      output.write('first\n');
      await new Promise((resolve) => setImmediate(resolve));
      output.write('second\n');
      output.write('third\n');
      expect(output.droppedLines).to.equal(2);
    });

    it('never blocks on a full pipe (as stdout on a pipe): drops past its bound, delivers once read', async function () {
      this.timeout(10000);
      const pipe = FullPipe.open();
      // What process.stdout is when fd 1 is a pipe: a libuv stream that queues what the pipe refuses.
      const socket = new net.Socket({ fd: pipe.blockingWriteFd, readable: false, writable: true });
      try {
        const output = new LogOutput(socket, 16 * 1024);
        for (let i = 0; i < 1000; i++) output.write(`line ${String(i).padStart(4, '0')} ${'x'.repeat(90)}\n`);
        expect(output.droppedLines).to.be.within(830, 1000);
        let text = '';
        const deadline = Date.now() + 5000;
        while (!text.includes('line 0000') && Date.now() < deadline) {
          text += pipe.drain();
          await new Promise((resolve) => setTimeout(resolve, 20));
        }
        expect(text).to.include('line 0000');
      } finally {
        socket.destroy();
        pipe.close();
      }
    });

    it('never blocks on a descriptor whose writes block (a terminal paused with Ctrl-S): drops past its bound, delivers once read', async function () {
      this.timeout(10000);
      const pipe = FullPipe.open();
      // A blocking write end that nobody reads blocks write(2) as a paused terminal does.
      const output = LogOutput.descriptor(pipe.blockingWriteFd, 16 * 1024);
      for (let i = 0; i < 1000; i++) output.write(`line ${String(i).padStart(4, '0')} ${'x'.repeat(90)}\n`);
      // Reached only if the writes left the event loop free (a synchronous write would hang here).
      await new Promise((resolve) => setTimeout(resolve, 50));
      expect(output.droppedLines).to.be.within(830, 1000);
      let text = '';
      const deadline = Date.now() + 5000;
      try {
        while (!text.includes('line 0000') && Date.now() < deadline) {
          text += pipe.drain();
          await new Promise((resolve) => setTimeout(resolve, 20));
        }
        expect(text).to.include('line 0000');
      } finally {
        // Drain until the pool thread's write has returned, so closing the pipe strands nothing.
        for (let i = 0; i < 20; i++) {
          pipe.drain();
          await new Promise((resolve) => setTimeout(resolve, 10));
        }
        pipe.close();
      }
    });
  });
});
