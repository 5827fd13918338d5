import { createHash } from 'node:crypto';

/**
 * HKDF-SHA256 as Python RNS computes it (`RNS/Cryptography/HKDF.py`): RFC 5869, except that
 * the output may be longer than 255 blocks, the one-byte block counter wrapping modulo 256.
 * IFAC masks need that: a mask covers the whole frame (8208 bytes for an 8 KiB link frame with a
 * 16-byte code), and `crypto.hkdfSync` refuses anything past 8160 bytes.
 *
 * HMAC-SHA256 is computed here rather than with `crypto.createHmac`: an IFAC mask is one HMAC per
 * 32 bytes of frame, and a native HMAC object per block costs about 2.5x more than two SHA-256
 * compressions in JavaScript from precomputed key states (measured on Node 20). Tests check every
 * output against node:crypto.
 */

const ROUND_CONSTANTS = new Int32Array([
  0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5, 0xd807aa98,
  0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174, 0xe49b69c1, 0xefbe4786,
  0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da, 0x983e5152, 0xa831c66d, 0xb00327c8,
  0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967, 0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13,
  0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85, 0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819,
  0xd6990624, 0xf40e3585, 0x106aa070, 0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a,
  0x5b9cca4f, 0x682e6ff3, 0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7,
  0xc67178f2,
]);
const INITIAL_STATE = new Int32Array([
  0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a, 0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19,
]);
const BLOCK = 64;
const DIGEST = 32;

// Message schedule shared by every compression: all of this runs synchronously.
const schedule = new Int32Array(64);

/** One SHA-256 compression of the block loaded in `schedule[0..15]`, from `state` into `out`. */
function compress(state: Int32Array, out: Int32Array): void {
  const w = schedule;
  for (let i = 16; i < 64; i++) {
    const w15 = w[i - 15];
    const w2 = w[i - 2];
    const s0 = ((w15 >>> 7) | (w15 << 25)) ^ ((w15 >>> 18) | (w15 << 14)) ^ (w15 >>> 3);
    const s1 = ((w2 >>> 17) | (w2 << 15)) ^ ((w2 >>> 19) | (w2 << 13)) ^ (w2 >>> 10);
    w[i] = (w[i - 16] + s0 + w[i - 7] + s1) | 0;
  }
  let a = state[0];
  let b = state[1];
  let c = state[2];
  let d = state[3];
  let e = state[4];
  let f = state[5];
  let g = state[6];
  let h = state[7];
  for (let i = 0; i < 64; i++) {
    const s1 = ((e >>> 6) | (e << 26)) ^ ((e >>> 11) | (e << 21)) ^ ((e >>> 25) | (e << 7));
    const t1 = (h + s1 + ((e & f) ^ (~e & g)) + ROUND_CONSTANTS[i] + w[i]) | 0;
    const s0 = ((a >>> 2) | (a << 30)) ^ ((a >>> 13) | (a << 19)) ^ ((a >>> 22) | (a << 10));
    const t2 = (s0 + ((a & b) ^ (a & c) ^ (b & c))) | 0;
    h = g;
    g = f;
    f = e;
    e = (d + t1) | 0;
    d = c;
    c = b;
    b = a;
    a = (t1 + t2) | 0;
  }
  out[0] = (state[0] + a) | 0;
  out[1] = (state[1] + b) | 0;
  out[2] = (state[2] + c) | 0;
  out[3] = (state[3] + d) | 0;
  out[4] = (state[4] + e) | 0;
  out[5] = (state[5] + f) | 0;
  out[6] = (state[6] + g) | 0;
  out[7] = (state[7] + h) | 0;
}

/** Loads 64 bytes at `offset` into the schedule (big-endian words). */
function loadBlock(bytes: Uint8Array, offset: number): void {
  for (let i = 0; i < 16; i++) {
    const at = offset + 4 * i;
    schedule[i] = (bytes[at] << 24) | (bytes[at + 1] << 16) | (bytes[at + 2] << 8) | bytes[at + 3];
  }
}

/**
 * Hashes `message` on from `state` (which has already absorbed `prefixLength` bytes, a whole number
 * of blocks) and leaves the digest words in `out`.
 */
function finish(state: Int32Array, prefixLength: number, message: Uint8Array, out: Int32Array): void {
  const length = message.length;
  let offset = 0;
  let current = state;
  for (; offset + BLOCK <= length; offset += BLOCK) {
    loadBlock(message, offset);
    compress(current, out);
    current = out;
  }
  // The tail, 0x80, zeros and the bit length, in one block or two.
  const tail = tailBlock;
  tail.fill(0);
  tail.set(message.subarray(offset), 0);
  const rest = length - offset;
  tail[rest] = 0x80;
  const bits = (prefixLength + length) * 8;
  const lengthAt = rest < 56 ? 56 : 120;
  tail[lengthAt + 3] = Math.floor(bits / 2 ** 32) & 0xff;
  tail[lengthAt + 2] = Math.floor(bits / 2 ** 40) & 0xff;
  tail[lengthAt + 4] = (bits >>> 24) & 0xff;
  tail[lengthAt + 5] = (bits >>> 16) & 0xff;
  tail[lengthAt + 6] = (bits >>> 8) & 0xff;
  tail[lengthAt + 7] = bits & 0xff;
  loadBlock(tail, 0);
  compress(current, out);
  if (lengthAt === 120) {
    loadBlock(tail, BLOCK);
    compress(out, out);
  }
}
const tailBlock = new Uint8Array(2 * BLOCK);

function writeWords(words: Int32Array, out: Uint8Array, offset: number, length: number): void {
  for (let i = 0; i < length; i++) out[offset + i] = (words[i >> 2] >>> (24 - 8 * (i & 3))) & 0xff;
}

/** An HMAC-SHA256 key with its padded states absorbed once, for many MACs under one key. */
export class HmacSha256Key {
  private readonly inner = new Int32Array(8);
  private readonly outer = new Int32Array(8);
  private readonly innerDigest = new Int32Array(8);
  private readonly digestBytes = new Uint8Array(DIGEST);
  private readonly result = new Int32Array(8);

  constructor(key: Uint8Array) {
    const material = key.length > BLOCK ? createHash('sha256').update(key).digest() : key;
    const padded = new Uint8Array(BLOCK);
    padded.set(material);
    for (const [pad, state] of [
      [0x36, this.inner],
      [0x5c, this.outer],
    ] as const) {
      const block = padded.map((byte) => byte ^ pad);
      loadBlock(block, 0);
      compress(INITIAL_STATE, state);
    }
  }

  /** Writes HMAC-SHA256(key, message) into `out` at `offset` (32 bytes). */
  macInto(message: Uint8Array, out: Uint8Array, offset = 0): void {
    finish(this.inner, BLOCK, message, this.innerDigest);
    writeWords(this.innerDigest, this.digestBytes, 0, DIGEST);
    finish(this.outer, BLOCK, this.digestBytes, this.result);
    writeWords(this.result, out, offset, DIGEST);
  }

  /** HMAC-SHA256(key, message) as a new 32-byte buffer. */
  mac(message: Uint8Array): Buffer {
    const out = Buffer.allocUnsafe(DIGEST);
    this.macInto(message, out);
    return out;
  }
}

const ZERO_SALT = new Uint8Array(DIGEST);

/**
 * HKDF-SHA256, Python RNS's variant (see the module comment), from a salt whose HMAC states are
 * already computed: IFAC derives every frame's mask with the interface key as the salt.
 *
 * @throws RangeError for a length under 1 or empty input key material, as Python refuses them
 */
export function hkdfWithSaltKey(
  length: number,
  ikm: Uint8Array,
  salt: HmacSha256Key,
  info: Uint8Array | null = null,
): Buffer {
  if (!Number.isSafeInteger(length) || length < 1) throw new RangeError('invalid output key length');
  if (ikm.length === 0) throw new RangeError('cannot derive a key from empty input material');
  const prk = new HmacSha256Key(salt.mac(ikm));
  const infoLength = info === null ? 0 : info.length;
  const blocks = Math.ceil(length / DIGEST);
  const out = Buffer.allocUnsafe(blocks * DIGEST);
  // T(i) = HMAC(prk, T(i-1) + info + counter), the counter wrapping modulo 256.
  const message = new Uint8Array(DIGEST + infoLength + 1);
  let messageStart = DIGEST; // T(0) is empty
  if (info !== null) message.set(info, DIGEST);
  for (let i = 0; i < blocks; i++) {
    message[DIGEST + infoLength] = (i + 1) & 0xff;
    prk.macInto(message.subarray(messageStart), out, i * DIGEST);
    message.set(out.subarray(i * DIGEST, (i + 1) * DIGEST), 0);
    messageStart = 0;
  }
  return out.subarray(0, length);
}

/**
 * HKDF-SHA256 exactly as Python RNS's `RNS.Cryptography.hkdf(length, derive_from, salt, context)`:
 * an empty or absent salt means 32 zero bytes, an absent info means none, and outputs past 8160
 * bytes wrap the block counter.
 */
export function hkdf(
  length: number,
  ikm: Uint8Array,
  salt: Uint8Array | null = null,
  info: Uint8Array | null = null,
): Buffer {
  const saltKey = new HmacSha256Key(salt === null || salt.length === 0 ? ZERO_SALT : salt);
  return hkdfWithSaltKey(length, ikm, saltKey, info);
}
