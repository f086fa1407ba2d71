"""OTA for users: firmware releases the cloud offers a node, and the jobs that install them.

A release is offered to one node under a job id until the node runs its version (or
a newer release replaces it). Triggering the job starts an attempt whose status is
computed from the simulation clock when asked, like the rest of the emulator:
`triggered` until the node has been online for `START_DELAY` seconds after the
trigger, then `in-progress` (downloading for `DOWNLOAD_TIME` seconds), then `success`
(the node runs the new version and reboots), or `failed` / `rejected` when a fault
was armed for the node. A failed or rejected release stays on offer under the same
job id, so triggering it again retries it.

Simplifications: a node that drops off while downloading still finishes on time,
and a node offline at the start begins when it is next seen online.
"""

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from enum import StrEnum
import re
from typing import Any

from .nodes import EmulatedNode, Nodes

START_DELAY = 2.0
DOWNLOAD_TIME = 20.0
FAIL_AFTER = 10.0
DEFAULT_DESCRIPTION = "Bug fixes and performance improvements"
DEFAULT_FILE_SIZE = 1_572_864


class OtaStatus(StrEnum):
    """The states of an OTA job, as `ota_status` spells them."""

    TRIGGERED = "triggered"
    IN_PROGRESS = "in-progress"
    SUCCESS = "success"
    FAILED = "failed"
    REJECTED = "rejected"


FAULTS = (OtaStatus.FAILED, OtaStatus.REJECTED)
FAULT_INFO = {
    OtaStatus.FAILED: "Image validation failed",
    OtaStatus.REJECTED: "Rejected by the device",
}


def version_key(version: str) -> tuple[int, ...]:
    """Order firmware versions by their numbers ("1.10.0" is newer than "1.9.3")."""
    return tuple(int(number) for number in re.findall(r"\d+", version))


def fw_version(node: EmulatedNode) -> str:
    """Return the firmware version a node's config declares ("" when it declares none)."""
    info = node.config.get("info") if isinstance(node.config, dict) else None
    version = info.get("fw_version") if isinstance(info, dict) else None
    return version if isinstance(version, str) else ""


@dataclass(slots=True)
class OtaRelease:
    """A firmware image the cloud offers one node, under a job id."""

    job_id: str
    node_id: str
    fw_version: str
    description: str
    file_size: int

    def newer_than(self, version: str) -> bool:
        """Tell whether this release is newer than `version`."""
        return version_key(self.fw_version) > version_key(version)


@dataclass(slots=True)
class OtaJob:
    """One attempt at installing a release, from its trigger to its outcome."""

    release: OtaRelease
    triggered: float
    outcome: OtaStatus
    started: float | None = None
    not_before: float = 0.0
    finished: float | None = None

    def __post_init__(self) -> None:
        """Start no earlier than the start delay after the trigger."""
        self.not_before = self.triggered + START_DELAY

    @property
    def duration(self) -> float:
        """Return the seconds from the start to the outcome."""
        return {OtaStatus.SUCCESS: DOWNLOAD_TIME, OtaStatus.FAILED: FAIL_AFTER}.get(
            self.outcome, 0.0
        )

    def due(self) -> float:
        """Return when the unfinished job next changes: it starts, or it finishes."""
        if self.started is None:
            return self.not_before
        return self.started + self.duration

    def status(self, now: float) -> dict[str, Any]:
        """Return the answer of `ota_status` at `now`."""
        if self.finished is not None:
            info = FAULT_INFO.get(self.outcome, f"Updated to {self.release.fw_version}")
            return self._answer(self.outcome, info, self.finished)
        if self.started is None:
            return self._answer(OtaStatus.TRIGGERED, "Triggered", self.triggered)
        percent = min(99, int((now - self.started) / DOWNLOAD_TIME * 100))
        return self._answer(OtaStatus.IN_PROGRESS, f"Downloading {percent}%", now)

    @staticmethod
    def _answer(status: OtaStatus, info: str, time: float) -> dict[str, Any]:
        return {
            "status": str(status),
            "additional_info": info,
            "timestamp": int(time * 1000),
        }


class OtaService:
    """The OTA releases, jobs and armed faults of one cloud."""

    def __init__(self, new_id: Callable[[], str]) -> None:
        """Keep OTA state; `new_id` makes job ids."""
        self._new_id = new_id
        self.releases: dict[str, OtaRelease] = {}
        # The job id of the release each node is offered.
        self.offered: dict[str, str] = {}
        # The latest attempt of each triggered job, and the unfinished ones by node.
        self.jobs: dict[str, OtaJob] = {}
        self.running: dict[str, list[OtaJob]] = {}
        self.faults: dict[str, OtaStatus] = {}

    def release(
        self,
        node_id: str,
        version: str,
        description: str = DEFAULT_DESCRIPTION,
        file_size: int = DEFAULT_FILE_SIZE,
    ) -> str:
        """Offer a node a firmware version (replacing an earlier offer); return the job id."""
        job_id = self._new_id()
        while job_id in self.releases:
            job_id = self._new_id()
        self.releases[job_id] = OtaRelease(
            job_id, node_id, version, description, file_size
        )
        self.offered[node_id] = job_id
        return job_id

    def fail_next(self, node_id: str, outcome: str) -> None:
        """Make the node's next triggered job end `failed` or `rejected`."""
        if outcome not in FAULTS:
            raise ValueError("outcome must be 'failed' or 'rejected'")
        self.faults[node_id] = OtaStatus(outcome)

    def available(self, node: EmulatedNode) -> OtaRelease | None:
        """Return the release on offer to a node, if newer than what it runs."""
        job_id = self.offered.get(node.node_id)
        release = self.releases.get(job_id) if job_id else None
        if release is None or not release.newer_than(fw_version(node)):
            return None
        return release

    def trigger(self, node: EmulatedNode, job_id: str, now: float) -> bool:
        """Start the job (a retry after a failure too); False if it is not on offer.

        Triggering a job that is still under way changes nothing.
        """
        release = self.available(node)
        if release is None or release.job_id != job_id:
            return False
        job = self.jobs.get(job_id)
        if job is None or job.finished is not None:
            outcome = self.faults.pop(node.node_id, OtaStatus.SUCCESS)
            job = OtaJob(release, now, outcome)
            self.jobs[job_id] = job
            self.running.setdefault(node.node_id, []).append(job)
        return True

    def job(self, node_id: str, job_id: str) -> OtaJob | None:
        """Return a node's job of this id, if it was triggered."""
        job = self.jobs.get(job_id)
        return job if job is not None and job.release.node_id == node_id else None

    def forget(self, node_id: str) -> None:
        """Drop everything about a removed node."""
        self.offered.pop(node_id, None)
        self.faults.pop(node_id, None)
        self.running.pop(node_id, None)
        for job_id, release in list(self.releases.items()):
            if release.node_id == node_id:
                del self.releases[job_id]
                self.jobs.pop(job_id, None)

    def describe(self, node_id: str, now: float) -> dict[str, Any]:
        """Describe the node's OTA state, for the admin API."""
        offered = self.offered.get(node_id)
        job = self.jobs.get(offered) if offered else None
        return {
            "offered": offered,
            "fw_version": self.releases[offered].fw_version if offered else None,
            "job": job.status(now) if job else None,
            "fault": self.faults.get(node_id),
        }

    # Simulation ------------------------------------------------------------------

    def catch_up(self, node: EmulatedNode, now: float) -> None:
        """Run the node's unfinished job up to `now`, simulating the node alongside."""
        while (job := self._running(node.node_id)) is not None:
            due = job.due()
            if due > now:
                return
            node.advance(due)
            if job.started is not None:
                self._finish(node, job, due)
            elif node.online:
                job.started = max(due, node.connectivity_ts / 1000)
                self._report(node, OtaStatus.IN_PROGRESS, "Downloading")
            elif node.offline_until is not None and node.offline_until > due:
                job.not_before = node.offline_until
            else:
                return

    def _running(self, node_id: str) -> OtaJob | None:
        """Return the node's unfinished job that changes first, if any."""
        jobs = self.running.get(node_id)
        return min(jobs, key=OtaJob.due) if jobs else None

    def _finish(self, node: EmulatedNode, job: OtaJob, now: float) -> None:
        job.finished = now
        self.running[node.node_id].remove(job)
        if job.outcome != OtaStatus.SUCCESS:
            self._report(node, job.outcome, FAULT_INFO[job.outcome])
            return
        info = node.config.get("info") if isinstance(node.config, dict) else None
        if isinstance(info, dict):
            info["fw_version"] = job.release.fw_version
        self._report(node, OtaStatus.SUCCESS, f"Updated to {job.release.fw_version}")
        node.go_offline(now, now + node.settings.reboot_offline)

    @staticmethod
    def _report(node: EmulatedNode, status: OtaStatus, info: str) -> None:
        """Report the job's state in the node's OTA service params, if it has them."""
        service = node.reported.get("OTA")
        if isinstance(service, dict):
            service.update({"Status": str(status), "Info": info})


class OtaNodes(Nodes):
    """The cloud's nodes, each handed out simulated up to now, its OTA job included."""

    def __init__(
        self,
        nodes: Mapping[str, EmulatedNode],
        now: Callable[[], float],
        ota: OtaService,
    ) -> None:
        """View `nodes`, running their OTA jobs and simulating them up to `now()`."""
        super().__init__(nodes, now)
        self._all = nodes
        self._clock = now
        self._ota = ota

    def __getitem__(self, node_id: str) -> EmulatedNode:
        """Return a node, its OTA job and simulation run up to now."""
        self._ota.catch_up(self._all[node_id], self._clock())
        return super().__getitem__(node_id)
