# Prints raw packets and their Reticulum packet hashes as computed by Python RNS, for
# packet-hash.test.ts (pasted vectors and the live cross-check). Run with PYTHONPATH pointing at
# a Python RNS checkout. Output lines: name, raw hex, packet hash hex, context. The identity is
# fixed, but announces and encrypted payloads carry fresh randomness on every run.
import RNS
from RNS.Packet import Packet

# Destinations register with Transport on creation; not needed to build packets offline.
RNS.Transport.register_destination = staticmethod(lambda d: None)

identity = RNS.Identity.from_bytes(bytes(range(64)))
inbound = RNS.Destination(identity, RNS.Destination.IN, RNS.Destination.SINGLE, "rnsnet", "vectors")
announce = inbound.announce(app_data=b"hello", send=False)
announce.pack()
outbound = RNS.Destination(identity, RNS.Destination.OUT, RNS.Destination.SINGLE, "rnsnet", "vectors")
data = Packet(outbound, b"payload bytes", create_receipt=False)
data.pack()
plain = Packet(RNS.Destination(None, RNS.Destination.OUT, RNS.Destination.PLAIN, "rnsnet", "plain"),
               b"plain data", create_receipt=False)
plain.pack()
transport_id = bytes([0xAA] * 16)

def header_2(raw, hops):
    # As a transport node rewrites a packet: HEADER_2, TRANSPORT, its id inserted, hops changed.
    return bytes([raw[0] | (Packet.HEADER_2 << 6) | (RNS.Transport.TRANSPORT << 4), hops]) + transport_id + raw[2:]

vectors = [
    ("announce_h1", announce.raw),
    ("data_h1", data.raw),
    ("plain_h1", plain.raw),
    ("announce_h2", header_2(announce.raw, 3)),
    ("data_h2", header_2(data.raw, 1)),
    ("data_h1_hops5", bytes([data.raw[0], 5]) + data.raw[2:]),
    ("keepalive_h1", bytes([0x0C, 0]) + bytes([0x11] * 16) + bytes([0xFA, 0xFF])),
    ("keepalive_h2_ctxflag", bytes([0x6C, 2]) + transport_id + bytes([0x11] * 16) + bytes([0xFA, 0xFE])),
]
for name, raw in vectors:
    parsed = Packet(None, raw)
    assert parsed.unpack()
    print(name, raw.hex(), parsed.get_hash().hex(), parsed.context)
