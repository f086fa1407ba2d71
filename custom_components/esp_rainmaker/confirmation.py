"""When to poll after a write, so the device's confirmation shows up quickly.

The cloud acknowledges a write at once, but reports the new value only after the
device applied it (a fraction of a second to a few seconds). Each write opens a
window of check times; a check asks for the nodes of windows that still wait for
something: written values not yet reported, or a number of unconditional polls
(writes whose effect cannot be predicted, such as a reset). A newer write of the
same value takes it over from older windows, whose checks would come too early.
"""

from collections.abc import Collection, Iterable
from dataclasses import dataclass, field

from .overlay import ParamKey


@dataclass(slots=True)
class _Window:
    checks: list[float]
    keys: frozenset[ParamKey]
    nodes: frozenset[str]
    unconditional: int

    def wants(self, pending: Collection[ParamKey]) -> bool:
        return self.unconditional > 0 or any(key in pending for key in self.keys)


@dataclass(slots=True)
class ConfirmationSchedule:
    """Check times of all open windows."""

    _windows: list[_Window] = field(default_factory=list)

    def add(
        self,
        checks: Iterable[float],
        *,
        keys: Iterable[ParamKey] = (),
        nodes: Iterable[str] = (),
        unconditional: int = 0,
    ) -> None:
        """Open a window: check `nodes` (and the nodes of `keys`) at `checks`.

        The window waits while any of `keys` is pending, or for `unconditional`
        checks when it has no keys to wait for.
        """
        keys = frozenset(keys)
        if keys:
            for window in self._windows:
                window.keys -= keys
            self._windows = [w for w in self._windows if w.keys or w.unconditional]
        nodes = frozenset(nodes) | {node_id for node_id, _, _ in keys}
        self._windows.append(_Window(sorted(checks), keys, nodes, unconditional))

    def next_check(self, pending: Collection[ParamKey]) -> float | None:
        """Return the earliest check time of a window that still waits, if any."""
        times = [w.checks[0] for w in self._windows if w.checks and w.wants(pending)]
        return min(times, default=None)

    def due(self, now: float, pending: Collection[ParamKey]) -> frozenset[str]:
        """Consume checks up to `now`; return the nodes to fetch for them (maybe none)."""
        nodes: set[str] = set()
        for window in self._windows:
            passed = [check for check in window.checks if check <= now]
            if not passed:
                continue
            window.checks = window.checks[len(passed) :]
            if window.wants(pending):
                nodes |= window.nodes
                if window.unconditional > 0:
                    window.unconditional -= 1
        self._windows = [w for w in self._windows if w.checks and w.wants(pending)]
        return frozenset(nodes)

    def clear(self) -> None:
        """Forget every window."""
        self._windows.clear()

    def __len__(self) -> int:
        """Count open windows."""
        return len(self._windows)
