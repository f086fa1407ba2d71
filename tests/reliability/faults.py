"""The cloud's transient misbehaviours, as emulator fault rules."""

from typing import Any

from rainmaker_emulator import Endpoint

LISTING = Endpoint.NODES.path
HTML = "<html><body><h1>{status}</h1>upstream error</body></html>"

TRANSIENT_FAULTS: dict[str, dict[str, Any]] = {
    "429 Retry-After seconds": {
        "status": 429,
        "headers": {"Retry-After": "3"},
        "body": {"message": "Too Many Requests"},
    },
    "429 Retry-After HTTP date": {
        "status": 429,
        "headers": {"Retry-After": "Wed, 21 Oct 2015 07:28:00 GMT"},
    },
    "429 without Retry-After": {
        "status": 429,
        "body": {"message": "Too Many Requests"},
    },
    "500 HTML": {"status": 500, "body": HTML.format(status=500)},
    "502 HTML": {"status": 502, "body": HTML.format(status=502)},
    "503 HTML": {"status": 503, "body": HTML.format(status=503)},
    "504 HTML": {"status": 504, "body": HTML.format(status=504)},
    "connection reset mid-response": {"drop_connection": True},
    "malformed JSON": {"malformed": True},
    "listing without node_details": {
        "status": 200,
        "body": {"nodes": ["a", "b"], "total": 2},
    },
    "listing of the wrong shape": {"status": 200, "body": ["not", "an", "object"]},
    "error body with 400": {
        "status": 400,
        "body": {
            "status": "failure",
            "description": "Fetching nodes failed",
            "error_code": 103001,
        },
    },
}
