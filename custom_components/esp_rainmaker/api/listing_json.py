"""Decode a node listing page even when one of its entries is not valid JSON.

One node whose entry no JSON decoder accepts (a lone surrogate in a string, a
number beyond float range, nesting deeper than the decoder allows) would otherwise
fail the whole page, and with it every node of the account. When the page does not
decode as a whole, it is split into its members without decoding them, with a
scanner that only tracks strings and brackets (no recursion, so no depth limit),
and each member is decoded on its own: the entries that fail become
`UndecodableEntry` values, which the parser reports as malformed nodes.
"""

from dataclasses import dataclass
from itertools import pairwise
import re
from typing import Any

import orjson

_STRUCTURE = re.compile(rb'["\\\[\]{},:]')


@dataclass(frozen=True, slots=True)
class UndecodableEntry:
    """A listing entry that is not valid JSON; its id when that much could be read."""

    node_id: str | None
    reason: str


def decode_listing(raw: bytes) -> Any:
    """Decode a listing page; entries of `node_details` that fail stand on their own."""
    try:
        return orjson.loads(raw)
    except orjson.JSONDecodeError as err:
        payload = _decode_by_members(raw)
        if payload is None:
            raise err from None
        return payload


def _decode_by_members(raw: bytes) -> dict[str, Any] | None:
    """Decode a top-level object member by member; None if that fails too."""
    members = _members(raw.strip(), b"{", b"}")
    if members is None:
        return None
    payload: dict[str, Any] = {}
    for member in members:
        split = _key_and_value(member)
        if split is None:
            return None
        key, value = split
        if key == "node_details":
            entries = _members(value.strip(), b"[", b"]")
            if entries is None:
                return None
            payload[key] = [_entry(entry) for entry in entries]
            continue
        try:
            payload[key] = orjson.loads(value)
        except orjson.JSONDecodeError:
            return None
    return payload


def _entry(raw: bytes) -> Any:
    try:
        return orjson.loads(raw)
    except orjson.JSONDecodeError as err:
        return UndecodableEntry(_entry_id(raw), f"not valid JSON ({err})")


def _entry_id(raw: bytes) -> str | None:
    """Read `id` (or `node_id`) of an entry whose other members may be invalid."""
    for member in _members(raw.strip(), b"{", b"}") or []:
        split = _key_and_value(member)
        if split is None or split[0] not in ("id", "node_id"):
            continue
        try:
            value = orjson.loads(split[1])
        except orjson.JSONDecodeError:
            continue
        if isinstance(value, str) and value:
            return value
    return None


def _key_and_value(member: bytes) -> tuple[str, bytes] | None:
    """Split `"key": value` at the first colon outside the key's string."""
    colon = _top_level(member, b":")
    if not colon:
        return None
    try:
        key = orjson.loads(member[: colon[0]])
    except orjson.JSONDecodeError:
        return None
    return (key, member[colon[0] + 1 :]) if isinstance(key, str) else None


def _members(raw: bytes, opening: bytes, closing: bytes) -> list[bytes] | None:
    """Split an object or array into its members (raw bytes); None if it is neither."""
    if not (raw.startswith(opening) and raw.endswith(closing)):
        return None
    body = raw[1:-1]
    if not body.strip():
        return []
    commas = _top_level(body, b",")
    if commas is None:
        return None
    bounds = [-1, *commas, len(body)]
    return [body[start + 1 : end] for start, end in pairwise(bounds)]


def _top_level(text: bytes, separator: bytes) -> list[int] | None:
    """Positions of `separator` outside strings and brackets; None if unbalanced."""
    depth = 0
    in_string = False
    escaped_at = -1
    found: list[int] = []
    for match in _STRUCTURE.finditer(text):
        char, at = match.group(), match.start()
        if in_string:
            if char == b"\\" and escaped_at != at:
                escaped_at = at + 1
            elif char == b'"' and escaped_at != at:
                in_string = False
            continue
        if char == b'"':
            in_string = True
        elif char in (b"[", b"{"):
            depth += 1
        elif char in (b"]", b"}"):
            depth -= 1
            if depth < 0:
                return None
        elif char == separator and depth == 0:
            found.append(at)
    return None if depth or in_string else found
