import { expect } from 'chai';
import { frame } from '../../../../src/core/hdlc';
import { parsePipeConfig } from '../../../../src/plugins/pipe/pipe-config';
import { PipeInterfaceFactory } from '../../../../src/plugins/pipe/pipe-interface-factory';
import { StartedInterface } from '../../../../src/registry/interface-factory';
import { catchConfigError, itRejectsNamingSectionAndKey } from '../../../helpers/config-error';
import { RecordingEventSink } from '../../../helpers/recording-event-sink';
import { RecordingLogger } from '../../../helpers/recording-logger';
import { packet, RecordingClock, startContext } from '../backbone/client/client-fixtures';

const parse = (params: Record<string, string>) => parsePipeConfig('Pipe', 8, params);

/** A command line running `script` with this Node (no shell: quoted as shlex reads it). */
function nodeCommand(script: string): string {
  return `"${process.execPath}" -e '${script}'`;
}

describe('PipeInterface config (Python keys and rules)', () => {
  it('splits command like a shell line, quotes and backslashes included, and runs no shell', () => {
    const config = parse({ command: `socat -  "TCP:host name:4242" 'a b' x\\ y $HOME a|b` });
    expect(config.argv).to.deep.equal(['socat', '-', 'TCP:host name:4242', 'a b', 'x y', '$HOME', 'a|b']);
    expect(config.respawnDelayMs).to.equal(5000);
    expect(parse({ command: 'cat', respawn_delay: '0.25' }).respawnDelayMs).to.equal(250);
  });

  it('requires a command, with a program in it', () => {
    const missing = catchConfigError(() => parse({}));
    expect(missing.key).to.equal('command');
    expect(missing.message).to.include('no command specified');
    expect(catchConfigError(() => parse({ command: '   ' })).key).to.equal('command');
    expect(catchConfigError(() => parse({ command: 'cat "unclosed' })).message).to.include('cannot be split');
  });

  describe('bad values', () => {
    itRejectsNamingSectionAndKey(
      'Pipe',
      [
        ['respawn_delay', 'soon'],
        ['respawn_delay', '-1'],
      ],
      (params) => parse({ command: 'cat', ...params }),
    );
  });
});

describe('PipeInterface (real child processes, fake clock)', () => {
  const factory = new PipeInterfaceFactory();
  let events: RecordingEventSink;
  let clock: RecordingClock;
  let logger: RecordingLogger;
  let started: StartedInterface | undefined;

  beforeEach(() => {
    events = new RecordingEventSink();
    clock = new RecordingClock();
    logger = new RecordingLogger();
    started = undefined;
  });

  afterEach(async () => {
    await started?.stop();
  });

  async function start(params: Record<string, string>): Promise<StartedInterface> {
    started = await factory.start(
      factory.parseConfig('Pipe', 8, params),
      startContext(events, clock, logger),
    );
    return started;
  }

  it('fails to start when the program cannot run, naming it', async () => {
    const err = await start({ command: '/nonexistent/rns-pipe-peer --x' }).then(
      () => expect.fail('started'),
      (e: Error) => e,
    );
    expect(err.message).to.include("cannot run '/nonexistent/rns-pipe-peer'");
  });

  it('relays HDLC frames both ways through the child (cat echoes what it reads)', async () => {
    const pipe = await start({ command: 'cat' });
    if (pipe.kind !== 'single') throw new Error('expected a single interface');
    await events.next('InterfaceUp');
    expect(pipe.info).to.include({ mtu: 1064, bitrate: 1_000_000 });
    const out = packet(300);
    expect(pipe.writer.send(out)).to.equal('accepted');
    const echoed = await events.next('Frame');
    expect(Buffer.from(echoed.type === 'Frame' ? echoed.data : [])).to.deep.equal(out);
  });

  it('drops and counts a frame over HW_MTU (1064) whole, and delivers the next one', async () => {
    const big = frame(packet(1065)).toString('hex');
    const small = frame(packet(100, 3)).toString('hex');
    const script = `process.stdout.write(Buffer.from("${big}${small}", "hex")); setInterval(() => {}, 1000)`;
    const pipe = await start({ command: nodeCommand(script) });
    const delivered = await events.next('Frame');
    expect(Buffer.from(delivered.type === 'Frame' ? delivered.data : [])).to.deep.equal(packet(100, 3));
    expect(pipe.drops?.()).to.include({ rx_frame_oversize: 1 });
  });

  it('goes down when the child exits, and starts it again after respawn_delay', async () => {
    await start({ command: nodeCommand('setTimeout(() => process.exit(3), 50)'), respawn_delay: '1.5' });
    await events.next('InterfaceUp');
    await events.next('InterfaceDown');
    await logger.waitFor('respawning in 1.5s');
    expect(logger.messages('warn')).to.include('subprocess terminated (exit code 3); respawning in 1.5s');
    const respawn = await clock.nextPending((ms) => ms === 1500);
    clock.fire(respawn);
    await events.next('InterfaceUp');
  });
});
