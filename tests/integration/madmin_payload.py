"""madmin-go's encrypted admin payloads (EncryptData in madmin-go's encrypt.go) for the tests
that call /minio/admin/v3/ by hand: salt | id | nonce | sio-go DARE 2.0 fragments. Encrypts
with id 2 (PBKDF2-SHA256 + AES-256-GCM, madmin's FIPS mode, which MinIO and Cairn both read)
because the standard library has PBKDF2 and no Argon2; AES-GCM comes from `cryptography`."""

from __future__ import annotations

import hashlib
import os
import struct

from harness import missing_prerequisite

FRAGMENT = 1 << 14


def _aesgcm(key: bytes):
    try:
        from cryptography.hazmat.primitives.ciphers.aead import AESGCM
    except ImportError as e:  # pragma: no cover - depends on the machine
        raise missing_prerequisite(f"python cryptography (AES-GCM) is not installed: {e}")
    return AESGCM(key)


def encrypt(password: str, data: bytes) -> bytes:
    salt, nonce = os.urandom(32), os.urandom(8)
    key = hashlib.pbkdf2_hmac("sha256", password.encode(), salt, 8192, 32)
    aead = _aesgcm(key)
    # Associated data: flag | the tag of the empty message under sequence 0.
    aad = bytearray(b"\x00" + aead.encrypt(nonce + struct.pack("<I", 0), b"", None))
    pieces = [data[i:i + FRAGMENT] for i in range(0, len(data), FRAGMENT)] or [b""]
    out = [salt, b"\x02", nonce]
    for seq, piece in enumerate(pieces, 1):
        if seq == len(pieces):
            aad[0] = 0x80
        out.append(aead.encrypt(nonce + struct.pack("<I", seq), piece, bytes(aad)))
    return b"".join(out)
