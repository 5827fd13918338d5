#!/usr/bin/env python3
"""Wire-layer test vectors from Python RNS, and the check of TS-made items against it.

    PYTHONPATH=/path/to/rns python3 test/vectors/generate.py [OUT]      # writes the fixture
    PYTHONPATH=/path/to/rns python3 test/vectors/generate.py --verify FILE

Without arguments the fixture is written to python-rns-vectors.json next to this script. Every
value in it is computed by Python RNS's own code (Packet.pack/unpack/get_hash, Identity,
Destination.announce, Identity.validate_announce, Link.link_id_from_lr_packet,
Transport.transmit/inbound for IFAC, Cryptography.hkdf); this script only arranges inputs.
Randomness and time are pinned, so a rerun against the same RNS writes the same file.

--verify reads a JSON file written by the TS side (test/vectors/ts-made.ts) and checks its
identities, announces, link proofs and IFAC frames with Python RNS, printing one line per item
and exiting non-zero when any fails.
"""

import hashlib
import json
import os
import subprocess
import sys
import tempfile
import time

import RNS
from RNS.Packet import Packet
from RNS.Destination import Destination
from RNS.Link import Link

RNS.loglevel = -1

# Destinations register with Transport on creation; building packets offline needs none of it.
RNS.Transport.register_destination = staticmethod(lambda d: None)

FIXED_TIME = 1767225600.25  # 2026-01-01T00:00:00.25Z: the emission time announces carry


class PinnedRandom:
    """A counter-mode SHA-256 stream standing in for os.urandom, so the fixture is reproducible."""

    def __init__(self, seed):
        self.seed = seed
        self.counter = 0

    def __call__(self, n):
        out = b""
        while len(out) < n:
            out += hashlib.sha256(self.seed + self.counter.to_bytes(8, "big")).digest()
            self.counter += 1
        return out[:n]


def pin_randomness():
    rng = PinnedRandom(b"rns-net wire vectors")
    os.urandom = rng
    time.time = lambda: FIXED_TIME
    identity_module = sys.modules["RNS.Identity"]
    base = identity_module.X25519PrivateKey

    class PinnedX25519(base):
        @classmethod
        def generate(cls):
            return base.from_private_bytes(rng(32))

    identity_module.X25519PrivateKey = PinnedX25519


def hx(value):
    return None if value is None else bytes(value).hex()


def unpack(raw):
    packet = Packet(None, raw)
    if not packet.unpack():
        raise ValueError("Python refused its own packet")
    return packet


def packet_record(name, raw):
    p = unpack(raw)
    return {
        "name": name,
        "raw": hx(raw),
        "hash": hx(p.get_hash()),
        "truncated_hash": hx(p.getTruncatedHash()),
        "header_type": p.header_type,
        "context_flag": p.context_flag,
        "transport_type": p.transport_type,
        "destination_type": p.destination_type,
        "packet_type": p.packet_type,
        "hops": p.hops,
        "transport_id": hx(p.transport_id),
        "destination_hash": hx(p.destination_hash),
        "context": p.context,
        "data": hx(p.data),
    }


def as_header_2(raw, transport_id, hops):
    """The packet as a transport node forwards it: HEADER_2, TRANSPORT, its id inserted."""
    flags = raw[0] | (Packet.HEADER_2 << 6) | (RNS.Transport.TRANSPORT << 4)
    return bytes([flags, hops]) + transport_id + raw[2:]


def fixed_identity(seed):
    return RNS.Identity.from_bytes(hashlib.sha512(seed).digest())


class FakeLink:
    """What Packet.pack reads from a Link when it packs an LRPROOF."""

    def __init__(self, link_id):
        self.type = Destination.LINK
        self.link_id = link_id
        self.hash = link_id
        self.mtu = RNS.Reticulum.MTU


class CapturingInterface:
    def __init__(self, netname, passphrase, size):
        self.ifac_size = size
        self.ifac_netname = netname
        self.ifac_netkey = passphrase
        origin = b""
        if netname is not None:
            origin += RNS.Identity.full_hash(netname.encode("utf-8"))
        if passphrase is not None:
            origin += RNS.Identity.full_hash(passphrase.encode("utf-8"))
        self.ifac_key = RNS.Cryptography.hkdf(
            length=64, derive_from=RNS.Identity.full_hash(origin), salt=RNS.Reticulum.IFAC_SALT, context=None
        )
        self.ifac_identity = RNS.Identity.from_bytes(self.ifac_key)
        self.sent = []

    def process_outgoing(self, raw):
        self.sent.append(raw)

    def __str__(self):
        return "CapturingInterface"


def ifac_apply(interface, raw):
    interface.sent = []
    RNS.Transport.transmit(interface, raw)
    return interface.sent[0]


def ifac_strip(interface, frame):
    """Runs Transport.inbound's IFAC check and returns the stripped packet, or None if dropped."""
    captured = []

    class Capture:
        def __init__(self, destination, raw):
            captured.append(raw)

        def unpack(self):
            return False

    saved = (RNS.Packet, RNS.Transport.ready, RNS.Transport.identity)
    RNS.Packet, RNS.Transport.ready, RNS.Transport.identity = Capture, True, object()
    try:
        RNS.Transport.inbound(frame, interface)
    finally:
        RNS.Packet, RNS.Transport.ready, RNS.Transport.identity = saved
    return captured[0] if captured else None


def validate(raw):
    """Identity.validate_announce on a fresh table, as a receiver that never heard the destination."""
    RNS.Identity.known_destinations = {}
    RNS.Identity.known_ratchets = {}
    ok = RNS.Identity.validate_announce(unpack(raw))
    RNS.Identity.known_destinations = {}
    RNS.Identity.known_ratchets = {}
    return bool(ok)


def announce_record(name, raw, identity_hash, expect):
    p = unpack(raw)
    d = p.data
    ratchet = p.context_flag == Packet.FLAG_SET
    r = 32 if ratchet else 0
    signature_end = 84 + r + 64
    app_data = d[signature_end:] if len(d) > signature_end else None
    valid = validate(raw)
    if valid != (expect == "valid"):
        raise AssertionError(f"{name}: Python says valid={valid}, expected {expect}")
    return {
        "name": name,
        "raw": hx(raw),
        "valid": valid,
        "expect": expect,
        "identity_hash": hx(identity_hash),
        "destination_hash": hx(p.destination_hash),
        "public_key": hx(d[:64]),
        "name_hash": hx(d[64:74]),
        "random_hash": hx(d[74:84]),
        "ratchet": hx(d[84:116]) if ratchet else None,
        "signature": hx(d[84 + r : signature_end]),
        "app_data": hx(app_data),
        "emission_time": int.from_bytes(d[79:84], "big"),
        "hash": hx(p.get_hash()),
    }


def build_announces(alice, bob):
    records = []
    dest = Destination(alice, Destination.IN, Destination.SINGLE, "rnsnet", "vectors", "announce")
    plain = dest.announce(send=False)
    plain.pack()
    records.append(announce_record("no_app_data", plain.raw, alice.hash, "valid"))
    with_app = dest.announce(app_data=b"rns-net app data", send=False)
    with_app.pack()
    records.append(announce_record("app_data", with_app.raw, alice.hash, "valid"))
    path_response = dest.announce(app_data=b"pr", path_response=True, send=False)
    path_response.pack()
    records.append(announce_record("path_response", path_response.raw, alice.hash, "valid"))

    ratcheted = Destination(alice, Destination.IN, Destination.SINGLE, "rnsnet", "vectors", "ratchet")
    ratchet_dir = tempfile.mkdtemp()
    ratcheted.enable_ratchets(os.path.join(ratchet_dir, "ratchets"))
    ratchet_plain = ratcheted.announce(send=False)
    ratchet_plain.pack()
    records.append(announce_record("ratchet_no_app_data", ratchet_plain.raw, alice.hash, "valid"))
    ratchet_app = ratcheted.announce(app_data=b"ratcheted app data", send=False)
    ratchet_app.pack()
    records.append(announce_record("ratchet_app_data", ratchet_app.raw, alice.hash, "valid"))

    relayed = as_header_2(with_app.raw, bytes([0xA5] * 16), 4)
    records.append(announce_record("header_2_relayed", relayed, alice.hash, "valid"))

    def flipped(raw, index):
        out = bytearray(raw)
        out[index] ^= 0x01
        return bytes(out)

    d0 = 19  # data offset of a HEADER_1 packet
    records.append(announce_record("tampered_signature", flipped(with_app.raw, d0 + 84 + 10), alice.hash, "invalid-signature"))
    records.append(announce_record("tampered_app_data", flipped(with_app.raw, len(with_app.raw) - 1), alice.hash, "invalid-signature"))
    records.append(announce_record("tampered_random_hash", flipped(with_app.raw, d0 + 75), alice.hash, "invalid-signature"))
    records.append(announce_record("tampered_ratchet", flipped(ratchet_app.raw, d0 + 84 + 3), alice.hash, "invalid-signature"))
    records.append(announce_record("tampered_destination", flipped(with_app.raw, 5), alice.hash, "invalid-signature"))
    records.append(announce_record("tampered_public_key", flipped(with_app.raw, d0 + 40), alice.hash, "invalid-signature"))

    # Bob signs an announce that claims Alice's destination: the signature verifies (it is Bob's
    # key in the announce), the destination hash does not bind to that key.
    name_hash = dest.name_hash
    random_hash = with_app.data[74:84]
    app_data = b"forged"
    signed = dest.hash + bob.get_public_key() + name_hash + random_hash + app_data
    forged_data = bob.get_public_key() + name_hash + random_hash + bob.sign(signed) + app_data
    forged = with_app.raw[:19] + forged_data
    records.append(announce_record("forged_destination", forged, bob.hash, "destination-mismatch"))
    return records


def build_packets(alice):
    out = []
    transport_id = bytes([0xA5] * 16)
    single = Destination(alice, Destination.OUT, Destination.SINGLE, "rnsnet", "vectors", "announce")
    data = Packet(single, b"payload bytes", create_receipt=False)
    data.pack()
    out.append(packet_record("data_single", data.raw))
    out.append(packet_record("data_single_header_2", as_header_2(data.raw, transport_id, 3)))
    out.append(packet_record("data_single_hops_127", bytes([data.raw[0], 127]) + data.raw[2:]))
    group = Destination(alice, Destination.OUT, Destination.GROUP, "rnsnet", "vectors", "group")
    group.create_keys()
    group_packet = Packet(group, b"group payload", create_receipt=False)
    group_packet.pack()
    out.append(packet_record("data_group", group_packet.raw))
    plain = Packet(Destination(None, Destination.OUT, Destination.PLAIN, "rnsnet", "plain"), b"plain data", create_receipt=False)
    plain.pack()
    out.append(packet_record("data_plain", plain.raw))
    empty = Packet(Destination(None, Destination.OUT, Destination.PLAIN, "rnsnet", "plain"), b"", create_receipt=False)
    empty.pack()
    out.append(packet_record("data_plain_empty", empty.raw))
    announce = Destination(alice, Destination.IN, Destination.SINGLE, "rnsnet", "vectors", "announce").announce(app_data=b"x", send=False)
    announce.pack()
    out.append(packet_record("announce", announce.raw))
    out.append(packet_record("announce_header_2", as_header_2(announce.raw, transport_id, 2)))
    link_id = bytes(range(16))
    link = FakeLink(link_id)
    for context_name in [
        "NONE", "RESOURCE", "RESOURCE_ADV", "RESOURCE_REQ", "RESOURCE_HMU", "RESOURCE_PRF", "RESOURCE_ICL",
        "RESOURCE_RCL", "CACHE_REQUEST", "REQUEST", "RESPONSE", "PATH_RESPONSE", "COMMAND", "COMMAND_STATUS",
        "CHANNEL", "KEEPALIVE", "LINKIDENTIFY", "LINKCLOSE", "LINKPROOF", "LRRTT",
    ]:
        context = getattr(Packet, context_name)
        # Link DATA packets carry link-encrypted bytes; the wire layer never looks inside them.
        flags = (Packet.HEADER_1 << 6) | (Destination.LINK << 2) | Packet.DATA
        raw = bytes([flags, 0]) + link_id + bytes([context]) + bytes([context ^ 0x5A]) * 7
        out.append(packet_record(f"link_data_{context_name.lower()}", raw))
    proof = Packet(link, bytes(64) + bytes([0x42] * 32), packet_type=Packet.PROOF, context=Packet.LRPROOF)
    proof.pack()
    out.append(packet_record("proof_lrproof", proof.raw))
    packet_proof = Packet(link, bytes(32) + bytes([0x17] * 64), packet_type=Packet.PROOF, context=Packet.LINKPROOF)
    packet_proof.pack()
    out.append(packet_record("proof_link_packet", packet_proof.raw))
    context_flag = bytes([0x20 | data.raw[0], 1]) + data.raw[2:]
    out.append(packet_record("context_flag_data", context_flag))
    return out


def build_link_requests(alice, rng_identity):
    out = []
    dest = Destination(alice, Destination.OUT, Destination.SINGLE, "rnsnet", "vectors", "link")
    key_material = rng_identity.get_public_key()
    variants = [
        ("no_signalling", key_material),
        ("signalling_500", key_material + Link.signalling_bytes(500, Link.MODE_AES256_CBC)),
        ("signalling_8192", key_material + Link.signalling_bytes(8192, Link.MODE_AES256_CBC)),
        ("signalling_max", key_material + Link.signalling_bytes(0x1FFFFF, Link.MODE_AES256_CBC)),
    ]
    for name, data in variants:
        packet = Packet(dest, data, packet_type=Packet.LINKREQUEST)
        packet.pack()
        p = unpack(packet.raw)
        out.append({
            "name": name,
            "raw": hx(packet.raw),
            "link_id": hx(Link.link_id_from_lr_packet(p)),
            "mtu": Link.mtu_from_lr_packet(p),
            "mode": Link.mode_from_lr_packet(p) if len(data) > 64 else None,
        })
        relayed = unpack(as_header_2(packet.raw, bytes([0xA5] * 16), 2))
        assert Link.link_id_from_lr_packet(relayed) == Link.link_id_from_lr_packet(p)
    return out


def build_link_proofs(alice, responder_identity, link_requests):
    """LRPROOFs as Link.prove makes them: sign(link_id + X25519 pub + Ed25519 pub + signalling)."""
    out = []
    for request in link_requests:
        link_id = bytes.fromhex(request["link_id"])
        x25519_pub = responder_identity.get_public_key()[:32]
        owner_sig_pub = alice.get_public_key()[32:]
        signalling = b"" if request["mtu"] is None else Link.signalling_bytes(request["mtu"], Link.MODE_AES256_CBC)
        signature = alice.sign(link_id + x25519_pub + owner_sig_pub + signalling)
        proof = Packet(FakeLink(link_id), signature + x25519_pub + signalling, packet_type=Packet.PROOF, context=Packet.LRPROOF)
        proof.pack()
        out.append({
            "name": request["name"],
            "raw": hx(proof.raw),
            "link_id": hx(link_id),
            "destination_public_key": hx(alice.get_public_key()),
            "mtu": Link.mtu_from_lp_packet(unpack(proof.raw)),
        })
    return out


def build_path_requests():
    destination = bytes.fromhex("00112233445566778899aabbccddeeff")
    transport_id = bytes([0xA5] * 16)
    tag = bytes.fromhex("0102030405060708090a0b0c0d0e0f10")
    cases = [
        ("short", destination[:15]),
        ("tagless", destination),
        ("tag_1", destination + tag[:1]),
        ("tag_16", destination + tag),
        ("transport_tag_1", destination + transport_id + tag[:1]),
        ("transport_tag_16", destination + transport_id + tag),
        ("transport_tag_long", destination + transport_id + tag + tag),
    ]
    out = []
    request_destination = Destination(None, Destination.OUT, Destination.PLAIN, RNS.Transport.APP_NAME, "path", "request")
    for name, data in cases:
        seen = []
        saved = RNS.Transport.path_request
        RNS.Transport.path_request = staticmethod(
            lambda d, local, iface, requestor_transport_id=None, tag=None: seen.append((d, requestor_transport_id, tag))
        )
        RNS.Transport.discovery_pr_tags = []
        try:
            RNS.Transport.path_request_handler(data, Packet(request_destination, data, create_receipt=False))
        finally:
            RNS.Transport.path_request = saved
        packet = Packet(request_destination, data, create_receipt=False)
        packet.pack()
        record = {"name": name, "data": hx(data), "raw": hx(packet.raw), "handled": bool(seen)}
        if seen:
            d, requestor, t = seen[0]
            record.update({"destination_hash": hx(d), "requesting_transport_id": hx(requestor), "tag": hx(t)})
        out.append(record)
    return out, hx(request_destination.hash)


def build_identities():
    out = []
    for seed in [b"alice", b"bob", b"carol"]:
        identity = fixed_identity(seed)
        destinations = []
        for app, aspects in [("rnsnet", ["vectors"]), ("lxmf", ["delivery"]), ("nomadnetwork", ["node"]), ("app", [])]:
            destinations.append({
                "app_name": app,
                "aspects": aspects,
                "name_hash": hx(RNS.Identity.full_hash(Destination.expand_name(None, app, *aspects).encode())[:10]),
                "hash": hx(Destination.hash(identity, app, *aspects)),
            })
        message = b"rns-net signs this " + seed
        out.append({
            "name": seed.decode(),
            "private_key": hx(identity.get_private_key()),
            "public_key": hx(identity.get_public_key()),
            "hash": hx(identity.hash),
            "destinations": destinations,
            "message": hx(message),
            "signature": hx(identity.sign(message)),
        })
    return out


def build_rnid_identity():
    """An identity file written by the rnid utility itself (its bytes and the hash rnid printed)."""
    path = os.path.join(tempfile.mkdtemp(), "rnid_identity")
    result = subprocess.run(
        [sys.executable, "-m", "RNS.Utilities.rnid", "-g", path], capture_output=True, text=True, timeout=60
    )
    if result.returncode != 0:
        raise RuntimeError(f"rnid failed: {result.stdout} {result.stderr}")
    with open(path, "rb") as f:
        file_bytes = f.read()
    identity = RNS.Identity.from_file(path)
    return {"file": hx(file_bytes), "hash": hx(identity.hash), "public_key": hx(identity.get_public_key()), "rnid_output": result.stdout.strip()}


def build_known_destinations(announces):
    """A known_destinations file as Identity.save_known_destinations writes it (umsgpack)."""
    from RNS.vendor import umsgpack

    RNS.Identity.known_destinations = {}
    for record in announces:
        if record["valid"] and record["name"] != "header_2_relayed":
            app_data = None if record["app_data"] is None else bytes.fromhex(record["app_data"])
            RNS.Identity.remember(bytes.fromhex(record["hash"]), bytes.fromhex(record["destination_hash"]),
                                  bytes.fromhex(record["public_key"]), app_data)
    table = RNS.Identity.known_destinations
    keys = sorted(table.keys())
    table[keys[0]][4] = -1                     # retained
    table[keys[1]][4] = FIXED_TIME + 60        # used a minute after it was heard
    legacy = bytes([0x42] * 16)                # an entry from before last_used existed
    table[legacy] = [FIXED_TIME - 3600, bytes(32), bytes.fromhex(announces[0]["public_key"]), b"legacy"]
    table[bytes([0x43] * 15)] = [FIXED_TIME, bytes(32), bytes(64), None, 0]   # wrong-length hash: skipped
    data = umsgpack.packb(table)
    RNS.Identity.known_destinations = {}
    return {"file": hx(data), "time": FIXED_TIME}


def build_hkdf():
    out = []
    cases = [
        (32, b"ikm", None, None),
        (64, bytes(32), b"salt", b""),
        (64, hashlib.sha256(b"origin").digest(), RNS.Reticulum.IFAC_SALT, None),
        (100, b"\x01" * 16, b"\x02" * 64, b"context"),
        (8160, b"ikm", b"salt", None),   # the longest output RFC 5869 (and node:crypto) allow
        (8192, b"ikm", b"salt", None),   # block 256: Python's counter wraps to 0
        (8208, b"\x07" * 16, b"\x09" * 64, None),  # an 8 KiB link frame plus a 16-byte IFAC
        (20000, b"ikm", b"salt", None),  # wraps more than once
    ]
    for length, ikm, salt, info in cases:
        out.append({
            "length": length,
            "ikm": hx(ikm),
            "salt": hx(salt),
            "info": hx(info),
            "okm": hx(RNS.Cryptography.hkdf(length=length, derive_from=ikm, salt=salt, context=info)),
        })
    return out


def ifac_record(name, netname, passphrase, size_bytes, raw):
    interface = CapturingInterface(netname, passphrase, size_bytes)
    frame = ifac_apply(interface, raw)
    assert ifac_strip(interface, frame) == raw
    return {
        "name": name,
        "netname": netname,
        "passphrase": passphrase,
        "size": size_bytes,
        "ifac_key": hx(interface.ifac_key),
        "raw": hx(raw),
        "frame": hx(frame),
    }


def build_ifac(alice):
    dest = Destination(alice, Destination.IN, Destination.SINGLE, "rnsnet", "vectors", "announce")
    announce = dest.announce(app_data=b"ifac", send=False)
    announce.pack()
    small = announce.raw
    big_8k = bytes([0x0C, 0]) + bytes(range(16)) + bytes([Packet.RESOURCE]) + bytes((i * 7) & 0xFF for i in range(8192 - 19))
    big_16k = bytes([0x0C, 0]) + bytes(range(16)) + bytes([Packet.RESOURCE]) + bytes((i * 13) & 0xFF for i in range(16384 - 19))
    minimal = bytes([0x08, 0]) + bytes([0x33] * 16) + bytes([0])
    return [
        ifac_record("netname_and_passphrase_16", "rns-net testnet", "correct horse battery staple", 16, small),
        ifac_record("passphrase_only_8", None, "just a passphrase", 8, small),
        ifac_record("netname_only_16", "open network", None, 16, small),
        ifac_record("unicode_32", "réseau", "pässwörd ✓", 32, small),
        ifac_record("size_1", "tiny", "tiny", 1, small),
        ifac_record("size_64", "huge", "huge", 64, small),
        ifac_record("minimal_packet_16", "rns-net testnet", "correct horse battery staple", 16, minimal),
        ifac_record("frame_8k_16", "rns-net testnet", "correct horse battery staple", 16, big_8k),
        ifac_record("frame_8k_8", None, "just a passphrase", 8, big_8k),
        ifac_record("frame_16k_16", "rns-net testnet", "correct horse battery staple", 16, big_16k),
    ]


def generate(out_path):
    pin_randomness()
    alice = fixed_identity(b"alice")
    bob = fixed_identity(b"bob")
    link_requests = build_link_requests(alice, fixed_identity(b"initiator"))
    announces = build_announces(alice, bob)
    path_requests, path_request_destination = build_path_requests()
    fixture = {
        "generator": "test/vectors/generate.py",
        "rns_version": RNS.__version__,
        "crypto_backend": RNS.Cryptography.Provider.backend(),
        "ifac_salt": hx(RNS.Reticulum.IFAC_SALT),
        "path_request_destination": path_request_destination,
        "packets": build_packets(alice),
        "announces": announces,
        "known_destinations": build_known_destinations(announces),
        "link_requests": link_requests,
        "link_proofs": build_link_proofs(alice, fixed_identity(b"responder"), link_requests),
        "path_requests": path_requests,
        "identities": build_identities(),
        "rnid_identity": build_rnid_identity(),
        "hkdf": build_hkdf(),
        "ifac": build_ifac(alice),
    }
    with open(out_path, "w") as f:
        json.dump(fixture, f, indent=1)
        f.write("\n")
    print(f"wrote {out_path}: " + ", ".join(f"{len(v)} {k}" for k, v in fixture.items() if isinstance(v, list)))


def verify(path):
    with open(path) as f:
        made = json.load(f)
    failures = 0

    def report(kind, name, ok, detail=""):
        nonlocal failures
        if not ok:
            failures += 1
        print(f"{'PASS' if ok else 'FAIL'} {kind} {name}{': ' + detail if detail else ''}")

    for item in made.get("identities", []):
        file_path = os.path.join(tempfile.mkdtemp(), "identity")
        with open(file_path, "wb") as f:
            f.write(bytes.fromhex(item["file"]))
        identity = RNS.Identity.from_file(file_path)
        ok = identity is not None and identity.hash.hex() == item["hash"] and identity.get_public_key().hex() == item["public_key"]
        message = bytes.fromhex(item["message"])
        ok = ok and identity.validate(bytes.fromhex(item["signature"]), message)
        ok = ok and identity.sign(message).hex() == item["signature"]
        for d in item.get("destinations", []):
            ok = ok and Destination.hash(identity, d["app_name"], *d["aspects"]).hex() == d["hash"]
        report("identity", item["name"], ok)

    for item in made.get("announces", []):
        raw = bytes.fromhex(item["raw"])
        valid = validate(raw)
        report("announce", item["name"], valid == item["valid"], f"Python says valid={valid}")

    for item in made.get("link_proofs", []):
        raw = bytes.fromhex(item["raw"])
        p = unpack(raw)
        identity = RNS.Identity(create_keys=False)
        identity.load_public_key(bytes.fromhex(item["destination_public_key"]))
        signalling = b""
        if len(p.data) == 99:
            signalling = Link.signalling_bytes(Link.mtu_from_lp_packet(p), Link.mode_from_lp_packet(p))
        signed = bytes.fromhex(item["link_id"]) + p.data[64:96] + identity.get_public_key()[32:] + signalling
        ok = p.context == Packet.LRPROOF and identity.validate(p.data[:64], signed)
        report("link_proof", item["name"], ok)

    for item in made.get("ifac", []):
        interface = CapturingInterface(item["netname"], item["passphrase"], item["size"])
        frame = bytes.fromhex(item["frame"])
        raw = bytes.fromhex(item["raw"])
        stripped = ifac_strip(interface, frame)
        ok = stripped == raw and ifac_apply(interface, raw) == frame
        wrong = CapturingInterface(item["netname"], (item["passphrase"] or "") + "x", item["size"])
        ok = ok and ifac_strip(wrong, frame) is None
        report("ifac", item["name"], ok)

    known = made.get("known_destinations")
    if known is not None:
        storage = tempfile.mkdtemp()
        with open(os.path.join(storage, "known_destinations"), "wb") as f:
            f.write(bytes.fromhex(known["file"]))
        RNS.Reticulum.storagepath = storage
        RNS.Identity.known_destinations = {}
        RNS.Identity.load_known_destinations()
        table = RNS.Identity.known_destinations
        ok = len(table) == len(known["entries"])
        for entry in known["entries"]:
            got = table.get(bytes.fromhex(entry["destination_hash"]))
            app_data = None if entry["app_data"] is None else bytes.fromhex(entry["app_data"])
            ok = ok and got is not None and got[2].hex() == entry["public_key"] and got[3] == app_data
            ok = ok and got[1].hex() == entry["packet_hash"] and abs(got[0] - entry["last_heard"]) < 1e-6
            ok = ok and got[4] == entry["last_used"]
            recalled = RNS.Identity.recall(bytes.fromhex(entry["destination_hash"]), _no_use=True)
            ok = ok and recalled is not None and recalled.get_public_key().hex() == entry["public_key"]
        report("known_destinations", f"{len(known['entries'])} entries", ok)

    print(f"{'OK' if failures == 0 else 'FAILED'}: {failures} failure(s)")
    return failures == 0


if __name__ == "__main__":
    args = sys.argv[1:]
    if args[:1] == ["--verify"]:
        if len(args) != 2:
            sys.exit("usage: generate.py --verify FILE")
        sys.exit(0 if verify(args[1]) else 1)
    generate(args[0] if args else os.path.join(os.path.dirname(os.path.abspath(__file__)), "python-rns-vectors.json"))
