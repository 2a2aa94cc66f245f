"""argon2id password hashes, generated passwords and token digests."""

from __future__ import annotations

import hashlib

import pytest

from greenpark.auth import generate_password, hash_password, verify_password
from greenpark.auth.passwords import (
    MIN_PASSWORD_LENGTH,
    generate_token,
    needs_rehash,
    token_digest,
)
from greenpark.errors import InputError


def test_hash_is_argon2id_with_its_own_salt() -> None:
    first = hash_password("correct horse battery")
    second = hash_password("correct horse battery")
    assert first.startswith("$argon2id$v=19$")
    assert first != second  # a new salt each time
    assert not needs_rehash(first)


def test_verify() -> None:
    stored = hash_password("correct horse battery")
    assert verify_password(stored, "correct horse battery") is True
    assert verify_password(stored, "correct horse batterY") is False
    assert verify_password(stored, "") is False


@pytest.mark.parametrize("stored", ["", "plain text", "$argon2id$v=19$broken", "$2b$12$abc"])
def test_malformed_hash_is_false_not_an_error(stored: str) -> None:
    assert verify_password(stored, "correct horse battery") is False


@pytest.mark.parametrize("password", ["", "short", "x" * (MIN_PASSWORD_LENGTH - 1)])
def test_short_passwords_are_refused(password: str) -> None:
    with pytest.raises(InputError, match=f"at least {MIN_PASSWORD_LENGTH} characters"):
        hash_password(password)


def test_generated_secrets() -> None:
    passwords = {generate_password() for _ in range(20)}
    assert len(passwords) == 20
    assert all(len(p) >= MIN_PASSWORD_LENGTH for p in passwords)
    token = generate_token("gpt")
    assert token.startswith("gpt_") and len(token) > 40
    assert token_digest(token) == hashlib.sha256(token.encode()).hexdigest()
