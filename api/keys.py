"""API keys: their form, their hash, their roles.

A key reads `spmo_<id>_<secret>`: `id` is 12 hex digits (public: it names the
key in lists, logs and the audit), `secret` 43 URL-safe characters (256
random bits). The store keeps only `id` and the scrypt hash of the whole key
(`scrypt$n$r$p$salt$hash`, hashlib.scrypt, n=2^14, r=8, p=1, a 16-byte salt
per key): a stolen database gives no key. Checking a key costs one scrypt
(tens of milliseconds), so a server remembers the keys it has checked
(`KeyCache`, by the key's sha256) for as long as the stored hash is the same;
revocation is read from the database on every request.

Roles are ordered: `read` < `plan` < `admin`; a key may do what its role
and every lower role may.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import re
import secrets
import threading
from dataclasses import dataclass

ROLES = ("read", "plan", "admin")
KEY_PATTERN = re.compile(r"^spmo_([0-9a-f]{12})_([A-Za-z0-9_-]{43})$")
SCRYPT = {"n": 2 ** 14, "r": 8, "p": 1}


@dataclass(frozen=True)
class Principal:
    """Who calls: the key's id and name, its organisation and role."""

    key_id: str
    key_name: str
    org: str
    role: str

    def may(self, role: str) -> bool:
        """Whether this key's role is `role` or above."""
        return ROLES.index(self.role) >= ROLES.index(role)


def new_key() -> tuple[str, str]:
    """(id, key): a fresh key and its public id."""
    key_id = secrets.token_hex(6)
    return key_id, f"spmo_{key_id}_{secrets.token_urlsafe(32)}"


def key_id_of(key: str) -> str | None:
    """The id of a key of the right form, else None."""
    found = KEY_PATTERN.match(key.strip())
    return found.group(1) if found else None


def _b64(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).decode("ascii").rstrip("=")


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def hash_key(key: str, salt: bytes | None = None, n: int = SCRYPT["n"], r: int = SCRYPT["r"],
             p: int = SCRYPT["p"]) -> str:
    """The stored form of `key`: `scrypt$n$r$p$salt$hash` (base64url)."""
    salt = salt if salt is not None else secrets.token_bytes(16)
    digest = hashlib.scrypt(key.encode("utf-8"), salt=salt, n=n, r=r, p=p, dklen=32)
    return f"scrypt${n}${r}${p}${_b64(salt)}${_b64(digest)}"


def verify_key(key: str, stored: str) -> bool:
    """Whether `key` hashes to `stored` (constant-time comparison)."""
    try:
        scheme, n, r, p, salt, _ = stored.split("$")
        if scheme != "scrypt":
            return False
        again = hash_key(key, _unb64(salt), int(n), int(r), int(p))
    except ValueError:
        return False
    return hmac.compare_digest(again, stored)


class KeyCache:
    """Keys this process has verified: sha256(key) -> the stored hash it
    matched. A key is accepted from here only while its row holds that hash.
    Keys not yet known are hashed `hashing` at a time (they wait their turn)."""

    def __init__(self, size: int = 4096, hashing: int = 2) -> None:
        self._known: dict[str, str] = {}
        self._size = size
        self._lock = threading.Lock()
        self._hashing = threading.BoundedSemaphore(hashing)

    def verified(self, key: str, stored: str) -> bool:
        """verify_key(key, stored), remembered."""
        fingerprint = hashlib.sha256(key.encode("utf-8")).hexdigest()
        with self._lock:
            if self._known.get(fingerprint) == stored:
                return True
        with self._hashing:  # at most `hashing` scrypts at once: caps the CPU and
            good = verify_key(key, stored)  # memory a flood of wrong keys can take
        if not good:
            return False
        with self._lock:
            if len(self._known) >= self._size:
                self._known.clear()
            self._known[fingerprint] = stored
        return True
