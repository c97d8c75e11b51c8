"""Craft a secretstream that opens, with its final tag, under two keys (SPEC §14.6).

A test tool, not part of the format: it shows why v1's secretstream is not
key-committing and lets the vectors and tests check that v2's commitment
refuses the second key. Pure Python ChaCha20 (RFC 8439 §2.3), HChaCha20
(draft-irtf-cfrg-xchacha §2.2) and Poly1305 (RFC 8439 §2.5) mirror libsodium's
crypto_secretstream_xchacha20poly1305_push for one final chunk:

    poly1305 key = ChaCha20(k', nonce, counter 0)[0..32]
    block        = ChaCha20(k', nonce, counter 1) XOR (tag || 0^63); out[0] = block[0]
    c            = message XOR ChaCha20(k', nonce, counter 2…)
    mac          = Poly1305(ad || pad || block || c || pad || le64(|ad|) || le64(64 + |c|))

with k' = HChaCha20(key, header[0..16]) and nonce = le32(1) || header[16..24].
Both keys must give the same first keystream byte at counter 1 (so the tag
byte decrypts to TAG_FINAL under both: one header in 256), and one free
16-byte block of `c` solves tag(key 1) = tag(key 2) as a linear equation
modulo 2^130 − 5.
"""

import hashlib
import struct
from typing import Final

from crypto.errors import InvalidInputError

P1305: Final = (1 << 130) - 5
TAG_FINAL: Final = 3
_MASK32: Final = 0xFFFFFFFF
_SIGMA: Final = (0x61707865, 0x3320646E, 0x79622D32, 0x6B206574)


def _rotl(v: int, n: int) -> int:
    return ((v << n) & _MASK32) | (v >> (32 - n))


def _rounds(state: list[int]) -> list[int]:
    x = list(state)

    def quarter(a: int, b: int, c: int, d: int) -> None:
        x[a] = (x[a] + x[b]) & _MASK32
        x[d] = _rotl(x[d] ^ x[a], 16)
        x[c] = (x[c] + x[d]) & _MASK32
        x[b] = _rotl(x[b] ^ x[c], 12)
        x[a] = (x[a] + x[b]) & _MASK32
        x[d] = _rotl(x[d] ^ x[a], 8)
        x[c] = (x[c] + x[d]) & _MASK32
        x[b] = _rotl(x[b] ^ x[c], 7)

    for _ in range(10):
        quarter(0, 4, 8, 12)
        quarter(1, 5, 9, 13)
        quarter(2, 6, 10, 14)
        quarter(3, 7, 11, 15)
        quarter(0, 5, 10, 15)
        quarter(1, 6, 11, 12)
        quarter(2, 7, 8, 13)
        quarter(3, 4, 9, 14)
    return x


def chacha20_block(key: bytes, counter: int, nonce: bytes) -> bytes:
    """One 64-byte ChaCha20 block, IETF variant (32-bit counter, 96-bit nonce)."""
    state = [*_SIGMA, *struct.unpack("<8L", key), counter, *struct.unpack("<3L", nonce)]
    mixed = _rounds(state)
    return struct.pack("<16L", *((a + b) & _MASK32 for a, b in zip(mixed, state, strict=True)))


def hchacha20(key: bytes, data16: bytes) -> bytes:
    state = [*_SIGMA, *struct.unpack("<8L", key), *struct.unpack("<4L", data16)]
    x = _rounds(state)
    return struct.pack("<8L", *(x[0:4] + x[12:16]))


def _stream(key: bytes, nonce: bytes, counter: int, length: int) -> bytes:
    out = b""
    while len(out) < length:
        out += chacha20_block(key, counter, nonce)
        counter += 1
    return out[:length]


def _pad16(data: bytes) -> bytes:
    return bytes(-len(data) % 16)


def _poly_blocks(data: bytes) -> list[int]:
    # Every block is full (the construction pads to 16): each gets 2^128 added.
    return [
        int.from_bytes(data[i : i + 16], "little") + (1 << 128) for i in range(0, len(data), 16)
    ]


class _KeyState:
    def __init__(self, content_key: bytes, header24: bytes) -> None:
        subkey = hchacha20(content_key, header24[:16])
        self.nonce = b"\x01\x00\x00\x00" + header24[16:]
        self.key = subkey
        block0 = chacha20_block(subkey, 0, self.nonce)
        self.r = int.from_bytes(block0[:16], "little") & 0x0FFFFFFC0FFFFFFC0FFFFFFC0FFFFFFF
        self.s = int.from_bytes(block0[16:32], "little")
        self.block1 = chacha20_block(subkey, 1, self.nonce)

    def poly_input(self, ad: bytes, out0: int, c: bytes) -> bytes:
        block = bytes([out0]) + self.block1[1:]
        return (
            ad
            + _pad16(ad)
            + block
            + c
            + _pad16(block + c)
            + struct.pack("<Q", len(ad))
            + struct.pack("<Q", 64 + len(c))
        )


def _poly_h(r: int, data: bytes) -> int:
    """Poly1305's accumulator before adding s: sum of blocks times powers of r mod p."""
    h = 0
    for m in _poly_blocks(data):
        h = (h + m) * r % P1305
    return h


def _tag(r: int, s: int, data: bytes) -> int:
    return (_poly_h(r, data) + s) % (1 << 128)


def craft_two_key_chunk(
    key1: bytes, key2: bytes, ad: bytes, first_block: bytes, *, label: str
) -> tuple[bytes, bytes]:
    """(secretstream header, one final chunk) opening under both secretstream
    keys. The plaintext under key1 starts with `first_block` (16 bytes); the
    second 16 bytes are whatever the equation needs. Headers are drawn from
    BLAKE2b(label, i), so the result is deterministic."""
    if len(first_block) != 16:
        raise InvalidInputError("first_block must be 16 bytes")
    for attempt in range(100000):
        header = hashlib.blake2b(f"{label} {attempt}".encode(), digest_size=24).digest()
        k1, k2 = _KeyState(key1, header), _KeyState(key2, header)
        if k1.block1[0] != k2.block1[0]:
            continue
        out0 = TAG_FINAL ^ k1.block1[0]
        ks1 = _stream(k1.key, k1.nonce, 2, 32)
        c0 = bytes(a ^ b for a, b in zip(first_block, ks1[:16], strict=True))
        # h_i = A_i + (x + 2^128) r_i^e (mod p): the free block x is c's second block,
        # whose exponent e counts the blocks after it (the lengths block), plus one.
        base1 = k1.poly_input(ad, out0, c0 + bytes(16))
        base2 = k2.poly_input(ad, out0, c0 + bytes(16))
        index = (len(ad) + len(_pad16(ad)) + 64 + 16) // 16  # block position of x
        total = len(base1) // 16
        e = total - index
        h1 = _poly_h(k1.r, base1) - (1 << 128) * pow(k1.r, e, P1305)
        h2 = _poly_h(k2.r, base2) - (1 << 128) * pow(k2.r, e, P1305)
        # h_i(x) = h_i + (x + 2^128) r_i^e; want (h1(x) + s1) ≡ (h2(x) + s2) (mod 2^128).
        denominator = (pow(k1.r, e, P1305) - pow(k2.r, e, P1305)) % P1305
        if denominator == 0:
            continue
        inverse = pow(denominator, -1, P1305)
        for k in range(-6, 7):
            target = (k2.s - k1.s) + k * (1 << 128)
            x = ((target - (h1 - h2)) * inverse - (1 << 128)) % P1305
            if x >= 1 << 128:
                continue
            c = c0 + x.to_bytes(16, "little")
            t1 = _tag(k1.r, k1.s, k1.poly_input(ad, out0, c))
            t2 = _tag(k2.r, k2.s, k2.poly_input(ad, out0, c))
            if t1 == t2:
                return header, bytes([out0]) + c + t1.to_bytes(16, "little")
    raise RuntimeError("no two-key chunk found")
