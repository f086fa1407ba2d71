"""Coalesce commands into bulk writes, one write in flight at a time.

Commands issued together (a scene, a group, an automation touching many devices, a
burst of service calls) are merged into one bulk PUT. While a write is in flight the
next commands gather into the following one, so writes reach the cloud in the order
they were issued and a storm of commands costs few requests.
"""

import asyncio
from collections.abc import Awaitable, Callable, Coroutine
import time
from typing import Any

from .api import ParamWrites, RainMakerNodeError

type TaskFactory = Callable[[Coroutine[Any, Any, None]], asyncio.Task[None]]

# Loop iterations without a new command before a batch is sent; commands issued in
# the same tick arrive within one or two iterations of each other.
SETTLE_ITERATIONS = 2
MAX_SETTLE_ROUNDS = 50


class CommandBatcher:
    """Merge concurrent commands and send them with one write callable."""

    def __init__(
        self,
        send: Callable[[ParamWrites], Awaitable[None]],
        create_task: TaskFactory,
    ) -> None:
        """Send batches with `send`, running them in tasks made by `create_task`."""
        self._send = send
        self._create_task = create_task
        self._batch: dict[str, dict[str, dict[str, Any]]] = {}
        self._waiters: dict[str, list[asyncio.Future[float]]] = {}
        self._added = 0
        self._flush: asyncio.Task[None] | None = None
        self._lock = asyncio.Lock()
        self.sent_batches = 0

    def add(
        self, node_id: str, device: str, params: dict[str, Any]
    ) -> asyncio.Future[float]:
        """Queue a write; the future gives the (monotonic) time the batch was sent."""
        self._batch.setdefault(node_id, {}).setdefault(device, {}).update(params)
        future: asyncio.Future[float] = asyncio.get_running_loop().create_future()
        self._waiters.setdefault(node_id, []).append(future)
        self._added += 1
        if self._flush is None:
            self._flush = self._create_task(self._run())
        return future

    async def _settle(self) -> None:
        """Wait until no new command arrived for a couple of loop iterations."""
        for _ in range(MAX_SETTLE_ROUNDS):
            seen = self._added
            for _ in range(SETTLE_ITERATIONS):
                await asyncio.sleep(0)
            if self._added == seen:
                return

    async def _run(self) -> None:
        try:
            await self._settle()
            await self._lock.acquire()
        except asyncio.CancelledError:
            self.cancel()
            raise
        batch, waiters = self._batch, self._waiters
        self._batch, self._waiters, self._flush = {}, {}, None
        self.sent_batches += 1
        try:
            await self._deliver(batch, waiters)
        finally:
            self._lock.release()
            _cancel(waiters)

    async def _deliver(
        self, batch: ParamWrites, waiters: dict[str, list[asyncio.Future[float]]]
    ) -> None:
        failures: dict[str, Exception] = {}
        sent_at = time.monotonic()
        try:
            await self._send(batch)
        except RainMakerNodeError as err:
            failures = {
                node_id: RainMakerNodeError({node_id: failure})
                for node_id, failure in err.failures.items()
            }
        except Exception as err:  # noqa: BLE001 - handed to every caller of the batch
            failures = dict.fromkeys(batch, err)
        for node_id, futures in waiters.items():
            for future in futures:
                if future.done():
                    continue
                if node_id in failures:
                    future.set_exception(failures[node_id])
                else:
                    future.set_result(sent_at)

    def cancel(self) -> None:
        """Stop: a queued batch is dropped and its callers get CancelledError."""
        if self._flush is not None:
            self._flush.cancel()
            self._flush = None
        _cancel(self._waiters)
        self._batch, self._waiters = {}, {}


def _cancel(waiters: dict[str, list[asyncio.Future[float]]]) -> None:
    for futures in waiters.values():
        for future in futures:
            if not future.done():
                future.cancel()
