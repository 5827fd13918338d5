/**
 * Cross-checks the codec against the real Python RNS code on random inputs: Python frames
 * random packets, and Python's `BackboneClientInterface.receive` decodes random chunked streams.
 * Needs Python RNS (found by test/helpers/python-rns-locator.ts: set RNS_PYTHON_PATH, or have
 * `RNS` importable); the suite skips cleanly otherwise.
 */
import { expect } from 'chai';
import { spawnSync } from 'node:child_process';
import fc from 'fast-check';
import { frame, HdlcDecoder } from '../../../../src/core/hdlc';
import { findPythonRns, PythonRns } from '../../../helpers/python-rns-locator';
import { garbageWithoutFlag, hdlcBytes, packet, splitAt } from './hdlc-test-support';

// Subclass that bypasses the socket setup of __init__ and records what receive() delivers.
const PYTHON_PROBE = `
import sys, json
from RNS.Interfaces.BackboneInterface import BackboneClientInterface, HDLC
class Probe(BackboneClientInterface):
    def __init__(self, hw_mtu):
        self.frame_buffer = b""; self.HW_MTU = hw_mtu; self.ifac_size = 0
        self.frames = []; self.invalid = 0
    def process_incoming(self, data): self.frames.append(data.hex())
    def invalid_frame(self, frame_len): self.invalid += 1
req = json.load(sys.stdin)
framed = [(bytes([HDLC.FLAG]) + HDLC.escape(bytes.fromhex(p)) + bytes([HDLC.FLAG])).hex() for p in req["packets"]]
decoded = []
for case in req["streams"]:
    probe = Probe(req["hwMtu"])
    # An empty read means "socket closed" to receive(), so it never sees one.
    for chunk in case:
        if chunk: probe.receive(bytes.fromhex(chunk))
    decoded.append({"frames": probe.frames, "invalid": probe.invalid})
json.dump({"framed": framed, "decoded": decoded}, sys.stdout)
`;

interface ProbeReply {
  framed: string[];
  decoded: Array<{ frames: string[]; invalid: number }>;
}

function runProbe(rns: PythonRns, request: unknown): ProbeReply {
  const result = spawnSync(rns.python, ['-c', PYTHON_PROBE], {
    input: JSON.stringify(request),
    env: rns.env,
    encoding: 'utf8',
    timeout: 20_000,
    maxBuffer: 64 * 1024 * 1024,
  });
  if (result.status !== 0) throw new Error(`python probe failed: ${result.stderr || String(result.error)}`);
  return JSON.parse(result.stdout) as ProbeReply;
}

describe('hdlc interop with Python RNS', function () {
  this.timeout(30_000);

  let rns: PythonRns | undefined;

  before(async function () {
    rns = await findPythonRns();
    // Optional external tool: skip cleanly without Python RNS (set RNS_PYTHON_PATH to run).
    if (rns === undefined) this.skip();
  });

  it('frames random packets exactly like Python and decodes chunked streams like receive()', () => {
    // hwMtu 1000 with streams under 2000 bytes: frames can be oversize, but neither side's
    // 2 x HW_MTU buffer cap can trigger (the two caps differ by the opening FLAG byte).
    const hwMtu = 1000;
    const packets = fc.sample(packet(1200), { numRuns: 100 });
    const streamArb = fc
      .tuple(
        fc.array(fc.tuple(garbageWithoutFlag, fc.oneof(packet(1100), hdlcBytes(0, 30))), { maxLength: 4 }),
        hdlcBytes(0, 200),
        fc.array(fc.nat({ max: 5000 }), { maxLength: 12 }),
      )
      .map(([pairs, noise, cuts]) => {
        const stream = Buffer.concat([...pairs.flatMap(([junk, p]) => [junk, frame(p)]), noise]).subarray(
          0,
          1999,
        );
        return splitAt(stream, cuts).map((piece) => Buffer.from(piece));
      });
    const streams = fc.sample(streamArb, { numRuns: 300 });

    const reply = runProbe(rns!, {
      hwMtu,
      packets: packets.map((p) => p.toString('hex')),
      streams: streams.map((chunks) => chunks.map((c) => c.toString('hex'))),
    });

    packets.forEach((p, i) => expect(frame(p).toString('hex')).to.equal(reply.framed[i]));
    streams.forEach((chunks, i) => {
      const decoder = new HdlcDecoder({ hwMtu });
      const frames: string[] = [];
      for (const chunk of chunks) decoder.push(chunk, (f) => frames.push(f.toString('hex')));
      expect(frames, `stream ${i}`).to.deep.equal(reply.decoded[i].frames);
      expect(decoder.stats.droppedShort + decoder.stats.droppedOversize, `stream ${i}`).to.equal(
        reply.decoded[i].invalid,
      );
    });
  });
});
