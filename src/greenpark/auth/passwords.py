"""Password hashing (argon2id, argon2-cffi's defaults per RFC 9106) and generation."""

from __future__ import annotations

import hashlib
import secrets

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from greenpark.errors import InputError

_HASHER = PasswordHasher()  # argon2id, RFC 9106 low-memory profile

#: Shortest password accepted [characters].
MIN_PASSWORD_LENGTH = 10


def hash_password(password: str) -> str:
    """The argon2id hash of ``password`` (a PHC string with its own salt and parameters).

    Raises
    ------
    InputError
        If the password is shorter than :data:`MIN_PASSWORD_LENGTH`.
    """
    if len(password) < MIN_PASSWORD_LENGTH:
        raise InputError(f"password too short: at least {MIN_PASSWORD_LENGTH} characters")
    return _HASHER.hash(password)


def verify_password(password_hash: str, password: str) -> bool:
    """Whether ``password`` matches ``password_hash``; False for any malformed hash."""
    try:
        return _HASHER.verify(password_hash, password)
    except (VerificationError, InvalidHashError):
        return False


def needs_rehash(password_hash: str) -> bool:
    """Whether the hash was made with weaker parameters than the current ones."""
    return _HASHER.check_needs_rehash(password_hash)


def generate_password() -> str:
    """A new random password: 16 URL-safe characters (96 bits)."""
    return secrets.token_urlsafe(12)


def generate_token(prefix: str = "gp") -> str:
    """A new random secret for a session or API token (256 bits)."""
    return f"{prefix}_{secrets.token_urlsafe(32)}"


def token_digest(token: str) -> str:
    """The SHA-256 hex digest under which a token is stored (tokens are random, so a fast
    hash is enough: there is nothing to guess)."""
    return hashlib.sha256(token.encode("utf-8")).hexdigest()
