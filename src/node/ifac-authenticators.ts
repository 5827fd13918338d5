import { FrameAuthenticator } from '../core/frame-authenticator';
import { InterfaceAccessCode } from '../protocol/ifac';
import { IfacSettings } from './config/ifac-keys';

/**
 * An interface's IFAC as the driver uses it. {@link apply} keeps the last packet it framed and
 * its frame: a relay or transport engine sends one packet object to every peer of a listener in a
 * row, so each peer's writer gets the very same frame object, which a Backbone server's frame
 * arena frames once for all of them ("frame once for all peers" holds per access key).
 */
export class IfacFrameAuthenticator implements FrameAuthenticator {
  private lastPacket: Uint8Array | null = null;
  private lastFrame: Uint8Array = new Uint8Array(0);

  constructor(readonly code: InterfaceAccessCode) {}

  get overhead(): number {
    return this.code.size;
  }

  verifyAndStrip(frame: Uint8Array): Uint8Array | null {
    return this.code.verifyAndStrip(frame);
  }

  apply(packet: Uint8Array): Uint8Array {
    if (packet !== this.lastPacket) {
      this.lastFrame = this.code.apply(packet);
      this.lastPacket = packet;
    }
    return this.lastFrame;
  }
}

/**
 * The node's authenticators, one per distinct access key and size: interfaces configured with
 * the same network name, passphrase and size share one (and its last frame), and deriving a key
 * (an HKDF and two key imports) happens once per key.
 */
export class IfacAuthenticators {
  private readonly byKey = new Map<string, IfacFrameAuthenticator>();

  /** The authenticator for these settings. */
  for(settings: IfacSettings): IfacFrameAuthenticator {
    const code = InterfaceAccessCode.fromCredentials(settings);
    const id = `${code.key.toString('hex')}/${code.size}`;
    let authenticator = this.byKey.get(id);
    if (authenticator === undefined) {
      authenticator = new IfacFrameAuthenticator(code);
      this.byKey.set(id, authenticator);
    }
    return authenticator;
  }
}
