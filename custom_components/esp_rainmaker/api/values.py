"""Reading values a node reports, whose JSON types cannot be trusted.

In Python `True == 1 == 1.0`, and `bool` is a subclass of `int`: a device's `true`
must never pass for a number, nor stand in for an equal value of another type.
"""

from collections.abc import Hashable
from typing import Any


def number(value: Any) -> int | float | None:
    """Return `value` if it is a number (and not a bool), else None."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    return value


def exact_key(value: Any) -> Hashable:
    """Return a key equal only for values of the same types all the way down.

    Python compares True, 1 and 1.0 equal (and False, 0, 0.0 and -0.0), so equal
    values a device reports could otherwise stand in for each other.
    """
    if isinstance(value, tuple | list):
        return (type(value), tuple(exact_key(item) for item in value))
    if isinstance(value, dict):
        return (dict, tuple(sorted((str(k), exact_key(v)) for k, v in value.items())))
    if isinstance(value, float):
        return (float, value.hex())
    return (type(value), value)
