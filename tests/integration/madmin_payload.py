"""madmin-go's encrypted admin payloads (EncryptData/DecryptData in madmin-go's encrypt.go) for the
tests that call /minio/admin/v3/ by hand: salt (32) | id (1) | nonce (8) | sio-go DARE 2.0
fragments of 16 KiB, each sealed under `nonce | LE32(sequence)` with associated data
`flag | tag of the empty message under sequence 0` (flag 0x80 on the last fragment).

The AEADs and Argon2id come from Debian's packages for Debian's own interpreter
(python3-cryptography, python3-argon2: `scripts/install-deps.sh --test`), not from PyPI, which
this project cannot reach: the tests run under another Python, so the work is done by
/usr/bin/python3 running this file, one process per payload. A missing interpreter or package is
a missing prerequisite (a skip on a developer's machine, a failure under CI=true).

Encrypts with id 2 (PBKDF2-SHA256 + AES-256-GCM, madmin's FIPS mode, which MinIO and Cairn both
read); decrypts ids 0 and 1 (Argon2id + AES-256-GCM or ChaCha20-Poly1305, what servers answer
with) and 2.

    encrypt(password, data) -> bytes        decrypt(password, data) -> bytes
"""

from __future__ import annotations

import os
import subprocess
import sys

DEBIAN_PYTHON = os.environ.get("CAIRN_DEBIAN_PYTHON", "/usr/bin/python3")
FRAGMENT = 1 << 14
MISSING = 3  # the helper's exit status when a package is absent


def _run(verb: str, password: str, data: bytes) -> bytes:
    from harness import missing_prerequisite
    if not os.access(DEBIAN_PYTHON, os.X_OK):
        raise missing_prerequisite(f"{DEBIAN_PYTHON} not found (Debian python3)")
    env = dict(os.environ, MADMIN_PASSWORD=password)
    env.pop("PYTHONPATH", None)
    env.pop("PYTHONHOME", None)
    done = subprocess.run([DEBIAN_PYTHON, os.path.abspath(__file__), verb], input=data,
                          capture_output=True, env=env, timeout=60)
    if done.returncode == MISSING:
        raise missing_prerequisite(done.stderr.decode(errors="replace").strip())
    if done.returncode != 0:
        raise ValueError(f"madmin {verb} failed: {done.stderr.decode(errors='replace').strip()}")
    return done.stdout


def encrypt(password: str, data: bytes) -> bytes:
    return _run("encrypt", password, data)


def decrypt(password: str, data: bytes) -> bytes:
    """The plaintext; ValueError when the payload is not madmin's or not under `password`."""
    return _run("decrypt", password, data)


# -- run by Debian's python3 ----------------------------------------------------------------------

def _aead(cipher_id: int, password: bytes, salt: bytes):
    import hashlib
    from cryptography.hazmat.primitives.ciphers.aead import AESGCM, ChaCha20Poly1305
    if cipher_id == 2:
        return AESGCM(hashlib.pbkdf2_hmac("sha256", password, salt, 8192, 32))
    if cipher_id in (0, 1):
        from argon2.low_level import Type, hash_secret_raw
        key = hash_secret_raw(password, salt, time_cost=1, memory_cost=64 * 1024,
                              parallelism=4, hash_len=32, type=Type.ID)
        return AESGCM(key) if cipher_id == 0 else ChaCha20Poly1305(key)
    raise ValueError(f"unknown madmin algorithm id {cipher_id}")


def _seq_nonce(nonce: bytes, seq: int) -> bytes:
    return nonce + seq.to_bytes(4, "little")


def _encrypt(password: bytes, data: bytes) -> bytes:
    salt, nonce = os.urandom(32), os.urandom(8)
    aead = _aead(2, password, salt)
    aad = bytearray(b"\x00" + aead.encrypt(_seq_nonce(nonce, 0), b"", None))
    pieces = [data[i:i + FRAGMENT] for i in range(0, len(data), FRAGMENT)] or [b""]
    out = [salt, b"\x02", nonce]
    for seq, piece in enumerate(pieces, 1):
        if seq == len(pieces):
            aad[0] = 0x80
        out.append(aead.encrypt(_seq_nonce(nonce, seq), piece, bytes(aad)))
    return b"".join(out)


def _decrypt(password: bytes, data: bytes) -> bytes:
    from cryptography.exceptions import InvalidTag
    if len(data) < 41:
        raise ValueError("too short for a madmin payload")
    salt, cipher_id, nonce, stream = data[:32], data[32], data[33:41], data[41:]
    aead = _aead(cipher_id, password, salt)
    aad = bytearray(b"\x00" + aead.encrypt(_seq_nonce(nonce, 0), b"", None))
    sealed = FRAGMENT + 16
    out, seq = [], 1
    while True:
        last = len(stream) <= sealed
        piece, stream = stream[:sealed], stream[sealed:]
        if last:
            aad[0] = 0x80
        try:
            out.append(aead.decrypt(_seq_nonce(nonce, seq), piece, bytes(aad)))
        except InvalidTag:
            raise ValueError("not authentic: another password, or a changed payload") from None
        if last:
            return b"".join(out)
        seq += 1


def _main() -> int:
    try:
        import cryptography  # noqa: F401
        import argon2  # noqa: F401
    except ImportError as e:
        print(f"{sys.executable}: {e} (Debian python3-cryptography, python3-argon2)",
              file=sys.stderr)
        return MISSING
    verb = sys.argv[1] if len(sys.argv) > 1 else ""
    password = os.environ.get("MADMIN_PASSWORD", "").encode()
    data = sys.stdin.buffer.read()
    try:
        if verb == "encrypt":
            result = _encrypt(password, data)
        elif verb == "decrypt":
            result = _decrypt(password, data)
        else:
            print("usage: madmin_payload.py encrypt|decrypt < data", file=sys.stderr)
            return 2
    except ValueError as e:
        print(e, file=sys.stderr)
        return 1
    sys.stdout.buffer.write(result)
    return 0


if __name__ == "__main__":
    sys.exit(_main())
