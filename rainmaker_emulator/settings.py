"""Behaviour knobs of the emulated cloud and the modes it can answer in.

The modes are `StrEnum`s: their values are the strings the admin API accepts and
returns.
"""

from dataclasses import dataclass
from enum import StrEnum


class OfflineWrites(StrEnum):
    """What the cloud does with a write to an offline node.

    `queue` delivers it once the node reconnects, `drop` acknowledges it and never
    delivers it, `reject` refuses it with error 102002 (HTTP 500 in the single-node form).
    """

    QUEUE = "queue"
    DROP = "drop"
    REJECT = "reject"


class UnauthorizedBody(StrEnum):
    """The body of a 401: `{"message": ...}` or `{"status": "failure", ...}`."""

    MESSAGE = "message"
    STATUS = "status"


class IdFields(StrEnum):
    """The id keys of a listing entry: `id` (official clients), `node_id` (newer SDKs) or both."""

    BOTH = "both"
    ID = "id"
    NODE_ID = "node_id"


class RetryAfter(StrEnum):
    """The form of the Retry-After header of a throttled answer: seconds or an HTTP date."""

    SECONDS = "seconds"
    DATE = "date"


@dataclass(slots=True)
class Settings:
    """Behaviour knobs shared by every node of an emulator."""

    apply_delay: float = 0.2
    warmup: float = 120.0
    hazard_offline: float = 300.0
    reboot_offline: float = 10.0
    offline_writes: OfflineWrites = OfflineWrites.QUEUE
