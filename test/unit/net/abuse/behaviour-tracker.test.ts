import { expect } from 'chai';
import sinon from 'sinon';
import { MAX_TIMER_DELAY_MS, systemClock } from '../../../../src/core/clock';
import { AbuseSettings, DEFAULT_ABUSE_SETTINGS } from '../../../../src/net/abuse/abuse-settings';
import { BehaviourTracker, DisconnectRecord } from '../../../../src/net/abuse/behaviour-tracker';

const SEC = 1000;
const IP = '203.0.113.7';
const OTHER = '198.51.100.9';

const idle: DisconnectRecord = { connectedForMs: 30 * SEC, hadReceivedData: false, cause: 'idle_timeout' };
const stall: DisconnectRecord = { connectedForMs: 60 * SEC, hadReceivedData: true, cause: 'write_stall' };
const silentFlap: DisconnectRecord = {
  connectedForMs: 2 * SEC,
  hadReceivedData: false,
  cause: 'remote_closed',
};
const cleanClose: DisconnectRecord = {
  connectedForMs: 60 * SEC,
  hadReceivedData: true,
  cause: 'remote_closed',
};

describe('BehaviourTracker', () => {
  let clock: sinon.SinonFakeTimers;
  let settings: AbuseSettings;
  let busy: Set<string>;
  let capMs: number;
  let tracker: BehaviourTracker;

  beforeEach(() => {
    clock = sinon.useFakeTimers({
      now: 1_000_000,
      toFake: ['setTimeout', 'clearTimeout', 'setInterval', 'clearInterval', 'Date'],
    });
    settings = {
      ...DEFAULT_ABUSE_SETTINGS,
      penaltyExempt: [],
      blockFastFlapping: false,
      blacklistDurationMs: 120 * SEC,
      idleTimeoutThreshold: 4,
      idleTimeoutWindowMs: 300 * SEC,
      writeStallThreshold: 2,
      writeStallWindowMs: 300 * SEC,
      flapThreshold: 3,
      flapWindowMs: 60 * SEC,
      flapMaxConnectionAgeMs: 10 * SEC,
      connectRateThreshold: 5,
      connectRateWindowMs: 10 * SEC,
    };
    busy = new Set();
    capMs = 0;
    tracker = new BehaviourTracker({
      clock: systemClock,
      settings,
      maxPenaltyDurationMs: () => capMs,
      isQuiet: (ip) => !busy.has(ip),
    });
  });

  afterEach(() => clock.restore());

  it('takes no action below a threshold and penalises at it (idle timeouts)', () => {
    for (let i = 0; i < 3; i++) expect(tracker.recordDisconnect(IP, idle)).to.equal(undefined);
    expect(tracker.recordDisconnect(IP, idle)).to.deep.equal({
      ip: IP,
      level: 1,
      durationMs: 120 * SEC,
      reason: 'repeated idle timeouts',
    });
  });

  it('penalises repeated unfinished-frame timeouts within their window', () => {
    settings.partialFrameThreshold = 2;
    settings.partialFrameWindowMs = 300 * SEC;
    const held: DisconnectRecord = {
      connectedForMs: 30 * SEC,
      hadReceivedData: true,
      cause: 'partial_frame_timeout',
    };
    expect(tracker.recordDisconnect(IP, held)).to.equal(undefined);
    expect(tracker.snapshot(IP)?.windowCounts).to.include({ partial_frame_timeouts: 1 });
    clock.tick(301 * SEC);
    expect(tracker.recordDisconnect(IP, held)).to.equal(undefined, 'the first fell out of the window');
    expect(tracker.recordDisconnect(IP, held)).to.deep.include({
      level: 1,
      reason: 'repeated partial frame timeouts',
    });
    settings.partialFrameThreshold = 0;
    expect(tracker.recordDisconnect(OTHER, held)).to.equal(undefined);
    expect(tracker.snapshot(OTHER)).to.equal(undefined, 'a detector that is off tracks nothing');
  });

  it('penalises a refusal at the per-IP cap at once, unless penalties are off or the IP is exempt', () => {
    expect(tracker.recordCapRefusal(IP)).to.deep.equal({
      ip: IP,
      level: 1,
      durationMs: 120 * SEC,
      reason: 'connections per IP exceeded',
    });
    expect(tracker.recordCapRefusal(IP)).to.deep.include({ level: 2, durationMs: 240 * SEC });
    settings.penaltyExempt = [OTHER];
    expect(tracker.recordCapRefusal(OTHER)).to.equal(undefined);
    settings.penaltyExempt = [];
    settings.blacklistDurationMs = 0;
    expect(tracker.recordCapRefusal(OTHER)).to.equal(undefined);
  });

  it('penalises repeated write stalls', () => {
    expect(tracker.recordDisconnect(IP, stall)).to.equal(undefined);
    expect(tracker.recordDisconnect(IP, stall)).to.include({ level: 1, reason: 'repeated write stalls' });
  });

  it('penalises rapid silent reconnect churn but not young connections that sent data or old ones', () => {
    expect(tracker.recordDisconnect(IP, { ...silentFlap, hadReceivedData: true })).to.equal(undefined);
    expect(tracker.recordDisconnect(IP, { ...silentFlap, connectedForMs: 11 * SEC })).to.equal(undefined);
    expect(tracker.recordDisconnect(IP, silentFlap)).to.equal(undefined);
    expect(tracker.recordDisconnect(IP, silentFlap)).to.equal(undefined);
    expect(tracker.recordDisconnect(IP, silentFlap)).to.include({ reason: 'rapid silent reconnect churn' });
  });

  it('penalises a connection burst at the threshold', () => {
    for (let i = 0; i < 4; i++) expect(tracker.recordConnectAttempt(IP)).to.equal(undefined);
    expect(tracker.recordConnectAttempt(IP)).to.include({ level: 1, reason: 'connection rate exceeded' });
  });

  it('never penalises clean connections', () => {
    for (let i = 0; i < 50; i++) {
      clock.tick(3 * SEC);
      expect(tracker.recordConnectAttempt(IP)).to.equal(undefined);
      expect(tracker.recordDisconnect(IP, cleanClose)).to.equal(undefined);
    }
  });

  it('forgets events that leave the window', () => {
    tracker.recordDisconnect(IP, stall);
    clock.tick(301 * SEC);
    expect(tracker.recordDisconnect(IP, stall)).to.equal(undefined);
    expect(tracker.snapshot(IP)?.windowCounts.write_stalls).to.equal(1);
  });

  it('escalates x2 per level and clears the windows after each penalty', () => {
    const levels: Array<[number, number]> = [];
    for (let round = 0; round < 3; round++) {
      expect(tracker.recordDisconnect(IP, stall)).to.equal(
        undefined,
        'a single stall after a penalty does nothing',
      );
      const p = tracker.recordDisconnect(IP, stall);
      levels.push([p?.level ?? 0, p?.durationMs ?? 0]);
    }
    expect(levels).to.deep.equal([
      [1, 120 * SEC],
      [2, 240 * SEC],
      [3, 480 * SEC],
    ]);
  });

  it('caps every duration at max_penalty_duration', () => {
    settings.blacklistDurationMs = 20 * SEC;
    capMs = 100 * SEC;
    const durations: number[] = [];
    for (let i = 0; i < 4; i++) {
      tracker.recordDisconnect(IP, stall);
      durations.push(tracker.recordDisconnect(IP, stall)?.durationMs ?? 0);
    }
    expect(durations).to.deep.equal([20 * SEC, 40 * SEC, 80 * SEC, 100 * SEC]);
  });

  it('never lets the doubling pass the longest duration (about 24.8 days) when nothing caps it', () => {
    settings.blacklistDurationMs = 2_000_000_000;
    const durations: number[] = [];
    for (let i = 0; i < 40; i++) {
      tracker.recordDisconnect(IP, stall);
      durations.push(tracker.recordDisconnect(IP, stall)?.durationMs ?? 0);
    }
    expect(durations[0]).to.equal(2_000_000_000);
    expect(durations.slice(1).every((ms) => ms === MAX_TIMER_DELAY_MS)).to.equal(true);
  });

  it('decays one level per quiet interval after the blacklist ends', () => {
    settings.blacklistDurationMs = 1 * SEC;
    settings.penaltyDecayIntervalMs = 1 * SEC;
    for (let i = 0; i < 3; i++) {
      tracker.recordDisconnect(IP, stall);
      tracker.recordDisconnect(IP, stall);
    }
    expect(tracker.snapshot(IP)?.penaltyLevel).to.equal(3);
    // The last blacklist (4 s at level 3) must pass before quiet time counts.
    clock.tick(4 * SEC);
    expect(tracker.snapshot(IP)?.penaltyLevel).to.equal(3);
    clock.tick(2 * SEC);
    expect(tracker.snapshot(IP)?.penaltyLevel).to.equal(1);
  });

  it('does not decay while the IP is connected', () => {
    settings.penaltyDecayIntervalMs = 10 * SEC;
    tracker.recordDisconnect(IP, stall);
    tracker.recordDisconnect(IP, stall);
    busy.add(IP);
    clock.tick(1000 * SEC);
    expect(tracker.snapshot(IP)?.penaltyLevel).to.equal(1);
    busy.delete(IP);
    tracker.recordDisconnect(IP, cleanClose);
    clock.tick(10 * SEC);
    expect(tracker.snapshot(IP)?.penaltyLevel).to.equal(0);
  });

  it('tracks IPs independently', () => {
    tracker.recordDisconnect(IP, stall);
    expect(tracker.recordDisconnect(OTHER, stall)).to.equal(undefined);
    expect(tracker.recordDisconnect(IP, stall)).to.include({ ip: IP });
    expect(tracker.snapshot(OTHER)?.windowCounts.write_stalls).to.equal(1);
  });

  it('turns a detector off when its threshold, window or the base duration is 0', () => {
    settings.writeStallThreshold = 0;
    for (let i = 0; i < 5; i++) expect(tracker.recordDisconnect(IP, stall)).to.equal(undefined);
    settings.writeStallThreshold = 2;
    settings.blacklistDurationMs = 0;
    for (let i = 0; i < 5; i++) expect(tracker.recordDisconnect(IP, stall)).to.equal(undefined);
  });

  it('blocks fast flapping from the grace+1-th flap, as Python does, and expires flaps after the block time', () => {
    settings.blockFastFlapping = true;
    const flap: DisconnectRecord = { connectedForMs: 5 * SEC, hadReceivedData: true, cause: 'remote_closed' };
    for (let i = 0; i < 5; i++) expect(tracker.recordDisconnect(OTHER, flap)).to.equal(undefined);
    expect(tracker.recordDisconnect(OTHER, flap)).to.deep.equal({
      ip: OTHER,
      level: 1,
      durationMs: 12 * 60 * 60 * SEC,
      reason: 'fast flapping',
    });
    for (let i = 0; i < 5; i++) tracker.recordDisconnect(IP, flap);
    clock.tick(12 * 60 * 60 * SEC + 1);
    expect(tracker.recordDisconnect(IP, flap)).to.equal(undefined, 'old flaps expired');
    expect(tracker.snapshot(IP)?.windowCounts.fast_flaps).to.equal(1);
    expect(tracker.recordDisconnect(IP, { ...flap, connectedForMs: 21 * SEC })).to.equal(undefined);
  });

  it('never penalises exempt addresses', () => {
    settings.penaltyExempt = ['127.0.0.0/8', '::1', '2001:db8::/32'];
    for (const ip of ['127.0.0.1', '127.9.9.9', '::1', '2001:db8::5']) {
      for (let i = 0; i < 10; i++) {
        expect(tracker.recordConnectAttempt(ip)).to.equal(undefined);
        expect(tracker.recordDisconnect(ip, stall)).to.equal(undefined);
      }
    }
    expect(tracker.size).to.equal(0);
  });

  it('keeps the table bounded under many addresses, evicting the oldest quiet entries', () => {
    settings.maxTrackedIps = 1000;
    busy.add('10.0.0.1');
    tracker.recordConnectAttempt('10.0.0.1');
    for (let i = 0; i < 20_000; i++) tracker.recordConnectAttempt(`10.1.${i >> 8}.${i & 255}`);
    expect(tracker.size).to.equal(1000);
    expect([...tracker.trackedIps()]).to.include('10.0.0.1', 'a busy IP outlives quiet ones');
  });

  it('evicts in O(1) amortised: busy IPs at the old end are not scanned again for every new IP', () => {
    settings.maxTrackedIps = 20_000;
    for (let i = 0; i < 20_000; i++) {
      const ip = `10.2.${i >> 8}.${i & 255}`;
      if (i < 19_000) busy.add(ip);
      tracker.recordConnectAttempt(ip);
    }
    let quietChecks = 0;
    const isQuiet = (ip: string): boolean => (quietChecks++, !busy.has(ip));
    tracker = new BehaviourTracker({ clock: systemClock, settings, maxPenaltyDurationMs: () => 0, isQuiet });
    for (let i = 0; i < 20_000; i++) tracker.recordConnectAttempt(`10.2.${i >> 8}.${i & 255}`);
    quietChecks = 0;
    for (let i = 0; i < 5000; i++) tracker.recordConnectAttempt(`10.3.${i >> 8}.${i & 255}`);
    expect(tracker.size).to.equal(20_000);
    // A scan from the old end per new IP would have made ~19,000 checks each (95 million).
    expect(quietChecks).to.be.below(5000 * 16 + 20_000);
  });

  it('works off a lowered cap in linear time, a sweep step at a time', () => {
    let quietChecks = 0;
    tracker = new BehaviourTracker({
      clock: systemClock,
      settings,
      maxPenaltyDurationMs: () => 0,
      isQuiet: (ip) => (quietChecks++, !busy.has(ip)),
    });
    for (let i = 0; i < 8000; i++) tracker.recordConnectAttempt(`10.4.${i >> 8}.${i & 255}`);
    settings.maxTrackedIps = 100;
    quietChecks = 0;
    expect(tracker.sweep(1000)).to.equal(false);
    expect(tracker.size).to.equal(7000, 'one step evicts at most its budget');
    while (!tracker.sweep(1000));
    expect(tracker.size).to.equal(100);
    // Quadratic (a scan from the old end per eviction) would be ~32 million checks.
    expect(quietChecks).to.be.below(4 * 8000);
    expect([...tracker.trackedIps()]).to.include('10.4.31.63', 'the most recent IP stays');
  });

  it('prunes records that hold nothing', () => {
    tracker.recordConnectAttempt(IP);
    tracker.recordDisconnect(OTHER, stall);
    clock.tick(301 * SEC);
    tracker.sweep();
    expect(tracker.size).to.equal(0);
  });

  it('forgets an IP on request', () => {
    tracker.recordDisconnect(IP, stall);
    expect(tracker.forget(IP)).to.equal(true);
    expect(tracker.recordDisconnect(IP, stall)).to.equal(undefined);
  });

  it('lets connection attempts spread wider than the window pass', () => {
    for (let i = 0; i < 20; i++) {
      expect(tracker.recordConnectAttempt(IP)).to.equal(undefined);
      clock.tick(3 * SEC);
    }
    // At t = 60 s the window (inclusive, 10 s) holds the attempts at 51, 54 and 57 s.
    expect(tracker.snapshot(IP)?.windowCounts.connects).to.equal(3);
  });

  it('reads max_penalty_duration live and caps the fast-flap block time by it too', () => {
    settings.blockFastFlapping = true;
    settings.fastFlappingGrace = 0;
    capMs = 3600 * SEC;
    const flap: DisconnectRecord = { connectedForMs: SEC, hadReceivedData: true, cause: 'remote_closed' };
    expect(tracker.recordDisconnect(IP, flap)).to.include({
      reason: 'fast flapping',
      durationMs: 3600 * SEC,
    });
    capMs = 60 * SEC;
    tracker.recordDisconnect(OTHER, stall);
    expect(tracker.recordDisconnect(OTHER, stall)).to.include({ durationMs: 60 * SEC });
  });

  it('never counts closes the server caused', () => {
    settings.flapThreshold = 1;
    const local: DisconnectRecord = { connectedForMs: 0, hadReceivedData: false, cause: 'local' };
    for (let i = 0; i < 10; i++) expect(tracker.recordDisconnect(IP, local)).to.equal(undefined);
    expect(tracker.size).to.equal(0);
  });

  it('decays to level 0 and then the sweep drops the record', () => {
    settings.penaltyDecayIntervalMs = 60 * SEC;
    tracker.recordDisconnect(IP, stall);
    tracker.recordDisconnect(IP, stall);
    clock.tick(120 * SEC + 60 * SEC);
    tracker.sweep();
    expect(tracker.size).to.equal(0);
  });

  it('keeps a penalised record through sweeps until it has decayed', () => {
    tracker.recordDisconnect(IP, stall);
    tracker.recordDisconnect(IP, stall);
    clock.tick(10_000 * SEC);
    tracker.sweep();
    expect(tracker.snapshot(IP)).to.deep.include({ penaltyLevel: 1 });
  });
});
