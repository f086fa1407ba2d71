"""What the admin API's handlers share: reading a JSON object body, answering errors."""

from enum import StrEnum
from typing import Any

from aiohttp import web
import orjson

from .api import json_response


async def read_body(request: web.Request) -> dict[str, Any]:
    """Return the request's JSON object ({} when empty); answer 400 to anything else."""
    raw = await request.read()
    if not raw:
        return {}
    try:
        data = orjson.loads(raw)
    except orjson.JSONDecodeError:
        raise web.HTTPBadRequest(text="invalid JSON") from None
    if not isinstance(data, dict):
        raise web.HTTPBadRequest(text="expected a JSON object")
    return data


def error(message: str, status: int = 400) -> web.Response:
    """Answer an admin call the API refuses."""
    return json_response({"error": message}, status)


def parse_mode[M: StrEnum](modes: type[M], value: Any) -> M | None:
    """Return the mode spelled `value`, or None if there is no such mode."""
    try:
        return modes(value)
    except ValueError:
        return None
