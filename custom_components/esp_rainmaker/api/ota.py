"""Firmware updates for users: is one available, start it, how far it got.

`GET /v1/user/nodes/ota_update` says whether the cloud has a newer firmware for a
node, `POST` of the same path starts that job, and `GET /v1/user/nodes/ota_status`
follows it: triggered, started or in progress, then success (or completed),
failed or rejected. Answers are read defensively: unknown statuses are kept as
`UNKNOWN`, texts are bounded, and the cloud's "no update available" error reads as
no update.
"""

from dataclasses import dataclass
from enum import StrEnum
import re
from typing import Any, Final

from .exceptions import RainMakerResponseError
from .transport import TokenSource, Transport
from .values import number

PATH_OTA_UPDATE: Final = "/v1/user/nodes/ota_update"
PATH_OTA_STATUS: Final = "/v1/user/nodes/ota_status"
# The cloud's "no update available" (the device API's constant, and Swagger's spelling).
NO_UPDATE_CODES: Final = frozenset({105065, 10561})
# Release notes longer than this are cut: they are shown, not stored.
MAX_TEXT: Final = 4000
PERCENTAGE: Final = re.compile(r"(\d{1,3}(?:\.\d+)?)\s*%")


class OtaJobState(StrEnum):
    """Where a firmware job is."""

    TRIGGERED = "triggered"
    STARTED = "started"
    IN_PROGRESS = "in-progress"
    COMPLETED = "completed"
    SUCCESS = "success"
    FAILED = "failed"
    REJECTED = "rejected"
    UNKNOWN = "unknown"

    @property
    def finished(self) -> bool:
        """Whether the job ended, one way or the other."""
        return self in _ENDS

    @property
    def succeeded(self) -> bool:
        """Whether the job installed the firmware."""
        return self in (OtaJobState.SUCCESS, OtaJobState.COMPLETED)


_ENDS: Final = frozenset(
    {
        OtaJobState.SUCCESS,
        OtaJobState.COMPLETED,
        OtaJobState.FAILED,
        OtaJobState.REJECTED,
    }
)


@dataclass(frozen=True, slots=True)
class OtaUpdate:
    """What the cloud offers a node: a newer firmware and the job that installs it."""

    available: bool
    fw_version: str | None = None
    job_id: str | None = None
    description: str | None = None
    file_size: int | None = None


@dataclass(frozen=True, slots=True)
class OtaProgress:
    """How far a firmware job got: its state, the device's words, a percentage."""

    state: OtaJobState
    info: str | None = None
    percentage: int | None = None
    timestamp: int | None = None


NO_UPDATE: Final = OtaUpdate(available=False)


def _text(value: Any) -> str | None:
    if not isinstance(value, str) or not value.strip():
        return None
    return value.strip()[:MAX_TEXT]


def parse_ota_update(payload: Any) -> OtaUpdate:
    """Read an `ota_update` answer; an offer without version or job is no offer."""
    if not isinstance(payload, dict):
        raise RainMakerResponseError("Unexpected answer to the update check")
    version, job_id = _text(payload.get("fw_version")), _text(payload.get("ota_job_id"))
    if payload.get("ota_available") is not True or version is None or job_id is None:
        return NO_UPDATE
    size = payload.get("file_size")
    return OtaUpdate(
        available=True,
        fw_version=version[:64],
        job_id=job_id[:256],
        description=_text(payload.get("description")),
        file_size=size
        if isinstance(size, int) and not isinstance(size, bool)
        else None,
    )


def parse_ota_status(payload: Any) -> OtaProgress:
    """Read an `ota_status` answer; the percentage comes from the device's text."""
    if not isinstance(payload, dict):
        raise RainMakerResponseError("Unexpected answer to the update status")
    raw = payload.get("status")
    try:
        state = OtaJobState(raw.strip().lower() if isinstance(raw, str) else "")
    except ValueError:
        state = OtaJobState.UNKNOWN
    info = _text(payload.get("additional_info"))
    percentage = None
    if info is not None and (found := PERCENTAGE.search(info)):
        percentage = min(100, round(float(found.group(1))))
    stamp = number(payload.get("timestamp"))
    return OtaProgress(
        state=state,
        info=info,
        percentage=percentage,
        timestamp=int(stamp) if stamp is not None and stamp >= 0 else None,
    )


class OtaApi:
    """The firmware-update calls of one account."""

    def __init__(self, transport: Transport, auth: TokenSource) -> None:
        """Send through the account's transport and session."""
        self._transport = transport
        self._auth = auth

    async def check(self, node_id: str) -> OtaUpdate:
        """Return the update the cloud offers `node_id` (NO_UPDATE when none)."""
        try:
            answer = await self._transport.request(
                "GET", PATH_OTA_UPDATE, query={"node_id": node_id}, auth=self._auth
            )
            return parse_ota_update(answer.json())
        except RainMakerResponseError as err:
            if err.error_code in NO_UPDATE_CODES:
                return NO_UPDATE
            raise

    async def start(self, node_id: str, job_id: str) -> None:
        """Start the job that installs the offered firmware."""
        answer = await self._transport.request(
            "POST",
            PATH_OTA_UPDATE,
            body={"node_id": node_id, "ota_job_id": job_id},
            auth=self._auth,
        )
        payload = answer.json()
        if isinstance(payload, dict) and payload.get("status") == "failure":
            raise RainMakerResponseError(
                str(payload.get("description") or "The update was not started")
            )

    async def progress(self, node_id: str, job_id: str) -> OtaProgress:
        """Return how far the job got."""
        answer = await self._transport.request(
            "GET",
            PATH_OTA_STATUS,
            query={"node_id": node_id, "ota_job_id": job_id},
            auth=self._auth,
        )
        return parse_ota_status(answer.json())
