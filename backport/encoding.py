"""Text and bytes, one way: kernel sources, mails and git output are read as UTF-8 with
``surrogateescape``, so a Latin-1 or broken byte survives as a lone surrogate and is
written back as the same byte."""
from __future__ import annotations


def decode(data: bytes) -> str:
    """Bytes as text; bytes that are not UTF-8 survive (``surrogateescape``)."""
    return data.decode("utf-8", "surrogateescape")


def encode(text: str) -> bytes:
    """Text back to the bytes it was read from."""
    return text.encode("utf-8", "surrogateescape")
