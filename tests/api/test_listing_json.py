"""Decoding listing pages entry by entry when the page as a whole is not valid JSON."""

from typing import Any

from hypothesis import given, settings, strategies as st
import orjson
import pytest

from custom_components.esp_rainmaker.api.listing_json import (
    UndecodableEntry,
    _decode_by_members,
    decode_listing,
)

JSON_SCALARS = (
    st.none()
    | st.booleans()
    | st.integers(min_value=-(2**63), max_value=2**63 - 1)
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text()
)
JSON_VALUES = st.recursive(
    JSON_SCALARS,
    lambda children: st.lists(children, max_size=4)
    | st.dictionaries(st.text(max_size=8), children, max_size=4),
    max_leaves=20,
)


@settings(max_examples=200, deadline=None)
@given(
    st.dictionaries(st.text(max_size=8), JSON_VALUES, max_size=4),
    st.lists(st.dictionaries(st.text(max_size=8), JSON_VALUES, max_size=4), max_size=5),
)
def test_member_by_member_equals_whole(
    top: dict[str, Any], details: list[dict[str, Any]]
) -> None:
    """Split and decoded member by member, any valid page decodes to the same."""
    payload = {**top, "node_details": details}
    assert _decode_by_members(orjson.dumps(payload)) == orjson.loads(
        orjson.dumps(payload)
    )


def test_bad_entries_stand_alone() -> None:
    """The entries around a bad one decode; the bad one keeps its id and a reason."""
    raw = (
        b'{"nodes": ["a", "b", "c"], "node_details": [{"id": "a", "v": "x\\"],{"},'
        b' {"id": "b", "name": "\\ud83c"}, {"node_id": "c", "v": 1e400},'
        b' {"v": [' + b"[" * 1100 + b"]" * 1100 + b"]}], "
        b'"next_id": "d", "total": 4}'
    )
    with pytest.raises(orjson.JSONDecodeError):
        orjson.loads(raw)
    payload = decode_listing(raw)
    assert payload["nodes"] == ["a", "b", "c"]
    assert payload["next_id"] == "d"
    first, second, third, fourth = payload["node_details"]
    assert first == {"id": "a", "v": 'x"],{'}
    assert isinstance(second, UndecodableEntry)
    assert second.node_id == "b"
    assert "not valid JSON" in second.reason
    assert isinstance(third, UndecodableEntry)
    assert third.node_id == "c"
    assert fourth == UndecodableEntry(None, fourth.reason)


@pytest.mark.parametrize(
    "raw",
    [
        b"not json",
        b'["a", "\\ud83c"]',
        b'{"nodes": [1e400]}',
        b'{"node_details": {"id": "\\ud83c"}}',
        b'{"node_details": [{"id": "a"}, {"id": "b"]}',
        b'{"a": 1, "b": "\\ud83c"',
        b'{"a" 1, "b": "\\ud83c"}',
        b'{1: 2, "b": "\\ud83c"}',
        b'{"a": "\\ud83c"}',
        b'{"\\ud83c": 1}',
        b'{"a": ]]}',
    ],
)
def test_still_invalid_pages_fail(raw: bytes) -> None:
    """Only entries of node_details may be bad: anything else still fails the page."""
    with pytest.raises(orjson.JSONDecodeError):
        decode_listing(raw)


def test_entries_without_a_readable_id() -> None:
    """An entry whose id itself is broken is still an undecodable entry, without id."""
    payload = decode_listing(
        b'{"node_details": [{"id": "\\ud83c", "x": 1e400}, {"id": 5, "x": 1e400},'
        b' {"x": 1e400, "id"}, "\\ud83c"]}'
    )
    assert [entry.node_id for entry in payload["node_details"]] == [None] * 4
    assert decode_listing(b'{"node_details": []}') == {"node_details": []}
