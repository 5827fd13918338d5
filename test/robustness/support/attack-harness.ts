/**
 * The shared fixture of the hostile-input tests: a {@link RobustHub}, two good peers streaming
 * to each other throughout an attack, and the checks every attack must pass afterwards (nothing
 * lost, no crash, decoder bounds held, state and memory back to baseline, no leaked handles).
 */
import { expect } from 'chai';
import { GoodPeer, until } from './good-peer';
import { DECODER_BOUND } from './hostile-clients';
import { HubSnapshot, RobustHub, RobustHubOptions } from './robust-hub';

/** Heap plus Buffer memory may exceed the baseline by this much after an attack (GC noise). */
export const MEMORY_SLACK_BYTES = 8 * 1024 * 1024;

/** Sender ids of the two good peers; probes sent by attackers use {@link PROBE_SENDER}. */
export const SENDER_A = 1;
export const SENDER_B = 2;
/** Sender id of good-format packets that hostile connections send to prove the hub resynced. */
export const PROBE_SENDER = 200;

const gc = (globalThis as { gc?: () => void }).gc;

/** Whether `global.gc` is available (mocha runs with `--expose-gc`, see .mocharc.json). */
export const canMeasureMemory = typeof gc === 'function';

/** Heap plus ArrayBuffer (Buffer) bytes after a full collection. */
export function retainedMemory(): number {
  gc?.();
  gc?.();
  const usage = process.memoryUsage();
  return usage.heapUsed + usage.arrayBuffers;
}

/** The process's active handles and requests, as a sorted list of resource names. */
export function activeResources(): string[] {
  return [...process.getActiveResourcesInfo()].sort();
}

/** One attack's running fixture. */
export class AttackFixture {
  /** Largest buffered partial frame any peer's decoder held, over all samples. */
  maxDecoderBytes = 0;
  /** Samples the decoder-bound sampler took. */
  samples = 0;
  baselineSnapshot: HubSnapshot | null = null;
  baselineMemory = 0;
  private sampler: NodeJS.Timeout | null = null;
  private sentBeforeAttack = 0;
  private readonly extraPeers: GoodPeer[] = [];

  private constructor(
    readonly hub: RobustHub,
    readonly a: GoodPeer,
    readonly b: GoodPeer,
    /** Resources active before the hub started. */
    readonly resourcesBefore: string[],
  ) {}

  /** Starts a hub and the two good peers, exchanges a warm-up burst and takes the baselines. */
  static async start(options: RobustHubOptions = {}): Promise<AttackFixture> {
    // One turn first: a test runner arms its own timeout timer right after calling the test's
    // async function, and that timer is also alive when stop() takes the second count.
    await new Promise((resolve) => setImmediate(resolve));
    const resourcesBefore = activeResources();
    const hub = await RobustHub.start(options);
    const a = await GoodPeer.connect(hub.port, SENDER_A);
    const b = await GoodPeer.connect(hub.port, SENDER_B);
    const fixture = new AttackFixture(hub, a, b, resourcesBefore);
    await until(() => hub.snapshot().peers === 2, 'both good peers online');
    // Warm-up: the first frames allocate the dedup tables, socket buffers and JIT code, which
    // would otherwise count as growth caused by the attack.
    a.sendBurst(200);
    b.sendBurst(200);
    await Promise.all([b.waitForAllFrom(a), a.waitForAllFrom(b)]);
    await fixture.settle();
    fixture.baselineSnapshot = hub.snapshot();
    fixture.baselineMemory = retainedMemory();
    return fixture;
  }

  /** Starts the good peers' streams and the decoder-bound sampler. */
  beginAttack(): void {
    this.sentBeforeAttack = Math.min(this.a.sent, this.b.sent);
    this.a.startStreaming();
    this.b.startStreaming();
    this.sampler = setInterval(() => this.sample(), 1);
  }

  /** Records the largest partial frame buffered by any peer right now. */
  sample(): void {
    this.samples++;
    this.maxDecoderBytes = Math.max(this.maxDecoderBytes, this.hub.maxDecoderBytes());
  }

  /**
   * Ends the attack phase: stops the streams and the sampler, then checks that each good peer
   * got every packet of the other exactly once, intact, and was never disconnected, and that the
   * hub neither crashed nor broke the decoder bound.
   */
  async endAttack(): Promise<void> {
    await Promise.all([this.a.stopStreaming(), this.b.stopStreaming()]);
    if (this.sampler !== null) clearInterval(this.sampler);
    this.sampler = null;
    this.sample();
    await Promise.all([this.b.waitForAllFrom(this.a), this.a.waitForAllFrom(this.b)]);
    for (const [to, from] of [
      [this.b, this.a],
      [this.a, this.b],
    ] as const) {
      const report = to.reportFrom(from);
      expect(report.received, `peer ${to.sender} got all of peer ${from.sender}`).to.equal(report.sent);
      expect(report.duplicates, `duplicates at peer ${to.sender}`).to.equal(0);
      expect(to.corrupt, `corrupt packets at peer ${to.sender}`).to.equal(0);
      expect(to.echoed, `own packets echoed to peer ${to.sender}`).to.equal(0);
      expect(to.unexpectedClose, `peer ${to.sender} was disconnected`).to.equal(false);
    }
    // The attack ran while the good peers streamed (else the test would prove nothing).
    expect(this.a.sent - this.sentBeforeAttack, 'packets A streamed during the attack').to.be.at.least(50);
    expect(this.b.sent - this.sentBeforeAttack, 'packets B streamed during the attack').to.be.at.least(50);
    expect(this.hub.handlerErrors, 'errors inside the driver').to.deep.equal([]);
    expect(this.hub.running, 'hub still running').to.equal(true);
    expect(this.maxDecoderBytes, 'largest partial frame buffered').to.be.at.most(DECODER_BOUND);
  }

  /**
   * Waits until the hub holds what it held at baseline (only the two good peers, no buffered
   * bytes, no pending writes), then checks memory came back near its baseline and that the
   * server still accepts: a new good peer reaches A.
   */
  async checkRecovered(): Promise<void> {
    const baseline = this.baselineSnapshot as HubSnapshot;
    await until(
      () => JSON.stringify(this.hub.snapshot()) === JSON.stringify(baseline),
      `hub state back to baseline ${JSON.stringify(baseline)}`,
    );
    expect(this.hub.snapshot()).to.deep.equal(baseline);
    if (canMeasureMemory) {
      const grown = retainedMemory() - this.baselineMemory;
      expect(grown, `memory grown by ${(grown / 1048576).toFixed(1)} MiB`).to.be.below(MEMORY_SLACK_BYTES);
    }
    const c = await GoodPeer.connect(this.hub.port, 3);
    this.extraPeers.push(c);
    c.sendBurst(20);
    await this.a.waitForAllFrom(c);
    expect(this.a.reportFrom(c)).to.deep.equal({ sent: 20, received: 20, duplicates: 0 });
  }

  /** Lets pending writes and closes finish. */
  private async settle(): Promise<void> {
    await until(() => this.hub.snapshot().pendingBytes === 0, 'pending writes flushed');
  }

  /** Closes the good peers and the hub, then checks no handle outlived them. */
  async stop(): Promise<void> {
    if (this.sampler !== null) clearInterval(this.sampler);
    await Promise.all([this.a.close(), this.b.close(), ...this.extraPeers.map((p) => p.close())]);
    await this.hub.stop();
    await until(
      () => JSON.stringify(activeResources()) === JSON.stringify(this.resourcesBefore),
      'active handles back to their count before the hub started',
      3000,
    ).catch(() => undefined);
    expect(activeResources(), 'active handles after stopping the hub').to.deep.equal(this.resourcesBefore);
  }
}
