"""Class join codes: short, unambiguous, forgiving of how people type them."""

import secrets

# No 0/O, 1/I/L or 5/S: a code read aloud or copied from a projector survives.
ALPHABET = "ABCDEFGHJKMNPQRTUVWXYZ234679"
LENGTH = 8


def new_code() -> str:
    return "".join(secrets.choice(ALPHABET) for _ in range(LENGTH))


def normalise(typed: str) -> str:
    """Upper-case and drop spaces and dashes, so "k7qm-2p4x " matches "K7QM2P4X"."""
    return "".join(ch for ch in typed.upper() if ch.isalnum())


def display(code: str) -> str:
    """Split a code in two halves for reading: "K7QM-2P4X"."""
    half = len(code) // 2
    return f"{code[:half]}-{code[half:]}"
