#!/usr/bin/env python3
"""KISS framing vectors from Python RNS's TCPInterface, as it frames and reads with kiss_framing.

    PYTHONPATH=/path/to/rns python3 test/vectors/generate-kiss.py [OUT]

Writes python-kiss-vectors.json next to this script unless OUT is given. Encoding is
TCPClientInterface.process_outgoing's framing (FEND, CMD_DATA, KISS.escape(data), FEND); decoding
runs TCPClientInterface.read_loop itself over a socket that returns the given chunks. Inputs are
pinned (a seeded generator), so a rerun writes the same file.
"""

import json
import os
import random
import sys

import RNS
from RNS.Interfaces.TCPInterface import KISS, TCPClientInterface

RNS.loglevel = -1


def python_frame(data):
    # The bytes process_outgoing writes to the socket with kiss_framing.
    return bytes([KISS.FEND]) + bytes([KISS.CMD_DATA]) + KISS.escape(data) + bytes([KISS.FEND])


class ChunkSocket:
    def __init__(self, chunks):
        self.chunks = list(chunks)

    def recv(self, _n):
        return self.chunks.pop(0) if self.chunks else b""


class Owner:
    def __init__(self):
        self.frames = []

    def inbound(self, data, _interface):
        self.frames.append(bytes(data))


def python_read(chunks, hw_mtu):
    """The frames TCPClientInterface.read_loop delivers for a stream arriving in `chunks`."""
    interface = TCPClientInterface.__new__(TCPClientInterface)
    owner = Owner()
    interface.owner = owner
    interface.socket = ChunkSocket(chunks)
    interface.kiss_framing = True
    interface.HW_MTU = hw_mtu
    interface.online = True
    interface.detached = False
    interface.initiator = False
    interface.parent_interface = None
    interface.rxb = 0
    interface.teardown = lambda: None
    interface.name = "vectors"
    interface.target_ip = "127.0.0.1"
    interface.target_port = 0
    interface.read_loop()
    return owner.frames


def main(out_path):
    rng = random.Random(20260101)
    special = [KISS.FEND, KISS.FESC, KISS.TFEND, KISS.TFESC]

    def packet(n, special_share=0.2):
        return bytes(rng.choice(special) if rng.random() < special_share else rng.randrange(256) for _ in range(n))

    encode = []
    for n, share in [(20, 0), (21, 0.5), (64, 0.2), (100, 1.0), (500, 0.1), (1064, 0.05)]:
        data = packet(n, share)
        encode.append({"packet": data.hex(), "framed": python_frame(data).hex()})
    encode.append({"packet": (bytes([KISS.FEND]) * 24).hex(), "framed": python_frame(bytes([KISS.FEND]) * 24).hex()})
    encode.append({"packet": (bytes([KISS.FESC]) * 24).hex(), "framed": python_frame(bytes([KISS.FESC]) * 24).hex()})

    hw_mtu = 600
    decode = []

    def add(name, stream, cuts):
        points = sorted(set(c for c in cuts if 0 < c < len(stream)))
        chunks, previous = [], 0
        for point in points + [len(stream)]:
            chunks.append(stream[previous:point])
            previous = point
        frames = python_read(chunks, hw_mtu)
        decode.append({
            "name": name,
            "hw_mtu": hw_mtu,
            "chunks": [c.hex() for c in chunks],
            "frames": [f.hex() for f in frames],
        })

    packets = [packet(rng.randrange(20, 500), 0.15) for _ in range(6)]
    stream = b"".join(python_frame(p) for p in packets)
    add("back-to-back frames in one chunk", stream, [])
    add("back-to-back frames cut at random", stream, [rng.randrange(len(stream)) for _ in range(25)])
    add("one byte at a time", python_frame(packets[0]) + python_frame(packets[1]),
        list(range(1, len(python_frame(packets[0]) + python_frame(packets[1])))))
    add("garbage before and between frames",
        b"\x01\x02garbage" + python_frame(packets[2]) + b"noise\xdb\xdc" + python_frame(packets[3]), [7, 40])
    add("a frame of another command is skipped",
        b"\xc0\x01\x20\x30\xc0" + python_frame(packets[4]) + b"\xc0\x06\xff\xc0", [3])
    add("the port nibble is stripped: port 1 data is data",
        b"\xc0\x10" + KISS.escape(packets[5]) + b"\xc0", [])
    add("repeated FENDs open no frame", b"\xc0\xc0\xc0\xc0" + python_frame(packets[0])[1:], [2])
    add("an escape split across chunks", python_frame(bytes([KISS.FEND]) * 30 + bytes([KISS.FESC]) * 30), [2, 3, 4, 33, 34])

    fixture = {
        "generator": "test/vectors/generate-kiss.py",
        "rns_version": RNS.__version__ if hasattr(RNS, "__version__") else "unknown",
        "encode": encode,
        "decode": decode,
    }
    with open(out_path, "w") as f:
        json.dump(fixture, f, indent=1)
        f.write("\n")


if __name__ == "__main__":
    default = os.path.join(os.path.dirname(os.path.abspath(__file__)), "python-kiss-vectors.json")
    main(sys.argv[1] if len(sys.argv) > 1 else default)
