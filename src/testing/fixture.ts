import { InterfaceId } from '../core/interface-id';
import { RuntimeConfigValue } from '../core/runtime-config';
import { ConfigParams, ConfigValue } from '../registry/config-params';
import { InterfaceFactory, StartContext, StartedInterface } from '../registry/interface-factory';
import { RecordingSink } from './recording-sink';

/** The remote side of an interface under test: a TCP peer, a server a client dials, a pipe end. */
export interface CompliancePeer {
  /** Sends one packet into the interface under test, as the remote side would (framing it). */
  send(packet: Uint8Array): Promise<void>;
  /** The next packet the interface wrote to this peer (deframed); rejects after `timeoutMs`. */
  nextPacket(timeoutMs: number): Promise<Uint8Array>;
  /** Closes the remote side; resolves when its handles are closed. Idempotent. */
  close(): Promise<void>;
  /**
   * Stops reading what the interface writes, so the interface's send buffer fills (a socket
   * peer pauses its socket). Omit it for a medium that buffers nothing (an in-process pipe
   * delivers each packet as it is written): the suite then checks that every write is accepted
   * and delivered instead.
   */
  pause?(): void;
  /** Reads again after {@link pause}. */
  resume?(): void;
}

/** The interface under test, as {@link ComplianceFixture.connectPeer} gets it. */
export interface ComplianceTarget<C> {
  /** The parsed config. */
  readonly config: C;
  /** What `start` returned (a listener's `boundAddress` says where to dial). */
  readonly started: StartedInterface;
  /** The context it was started with (its sink is a {@link RecordingSink}). */
  readonly ctx: StartContext;
  /** Every event the interface sent. */
  readonly events: RecordingSink;
}

/** A change of one live setting that the interface accepts, for the runtime-handle round trip. */
export interface RuntimeChange {
  /** The setting's name within the handle, for example `idle_timeout_secs`. */
  readonly setting: string;
  /** A valid value other than the startup value. */
  readonly value: RuntimeConfigValue;
}

/**
 * What a plugin supplies to run the compliance suite. The suite calls `setup()` before every
 * test and the teardown after it, so a fixture may own resources (a TCP server for a client to
 * dial, a pipe peer) that live exactly one test.
 */
export interface ComplianceFixture<C = unknown> {
  /** The factory under test. */
  readonly factory: InterfaceFactory<C>;
  /** The section name to parse and start with. */
  readonly sectionName: string;
  /** The configured id to parse and start with. */
  readonly id: InterfaceId;
  /** Params that parse and start (for a listener, port 0 is best: any free port). */
  readonly params: ConfigParams;
  /** A documented bad value: `params` with `key` set to `value` must fail with a ConfigError on that key. */
  readonly badParam: { readonly key: string; readonly value: ConfigValue };
  /** A key that is required: `params` without it must fail with a ConfigError on that key. */
  readonly requiredKey?: string;
  /**
   * Connects a remote peer to the started interface (for a listener: dials its `boundAddress`;
   * for a client: the fixture's server accepts its connection; for an in-process medium: joins
   * it). Resolves once the peer can send; the interface reports itself up through its events.
   */
  connectPeer(target: ComplianceTarget<C>): Promise<CompliancePeer>;
  /**
   * A live setting to change in the runtime-handle round trip; required when the interface
   * returns a `runtimeConfig` handle with any setting.
   */
  readonly runtimeChange?: RuntimeChange;
  /**
   * The most packets the medium carries in one burst without the receiver reading, for a medium
   * without flow control (UDP loses what overflows the receiving socket's buffer, as it does for
   * Python): the suite then sends its many-packet tests in bursts of this size, each read before
   * the next. Leave it out for a stream medium: every packet must arrive, however many are sent.
   */
  readonly burst?: number;
  /**
   * Set for a medium whose protocol closes the connection on a message over its hardware MTU
   * (WebSocket closes with 1009): the suite then expects the over-long packet to end the
   * connection, with nothing of it delivered, instead of the next packet arriving on it.
   */
  readonly oversizeCloses?: boolean;
  /** How long to wait for any one expected event or packet. Default 2000 ms. */
  readonly timeoutMs?: number;
}
