"""The command batcher: coalescing, ordering, per-node results, cancellation."""

import asyncio
from collections.abc import Coroutine
from typing import Any

import pytest

from custom_components.esp_rainmaker.api import (
    NodeFailure,
    ParamWrites,
    RainMakerConnectionError,
    RainMakerNodeError,
)
from custom_components.esp_rainmaker.commands import CommandBatcher


class Recorder:
    """A write callable that records batches and can fail."""

    def __init__(self) -> None:
        self.batches: list[ParamWrites] = []
        self.error: Exception | None = None
        self.gate = asyncio.Event()
        self.gate.set()
        self.called = asyncio.Event()

    async def __call__(self, writes: ParamWrites) -> None:
        self.batches.append(writes)
        self.called.set()
        await self.gate.wait()
        if self.error is not None:
            raise self.error


def batcher(recorder: Recorder) -> CommandBatcher:
    """A batcher running its flushes as plain tasks."""

    def create_task(coro: Coroutine[Any, Any, None]) -> asyncio.Task[None]:
        return asyncio.get_running_loop().create_task(coro)

    return CommandBatcher(recorder, create_task)


async def test_commands_issued_together_are_one_batch() -> None:
    """Commands from many concurrent callers merge into one write per burst."""
    recorder = Recorder()
    commands = batcher(recorder)

    async def caller(index: int) -> None:
        await asyncio.sleep(0)
        await commands.add(f"node{index % 3}", "Switch", {f"P{index}": True})

    await asyncio.gather(*(caller(index) for index in range(9)))

    assert len(recorder.batches) == 1
    assert recorder.batches[0]["node0"] == {
        "Switch": {"P0": True, "P3": True, "P6": True}
    }
    assert commands.sent_batches == 1


async def test_writes_stay_in_order() -> None:
    """Commands issued while a write is in flight go out after it, merged."""
    recorder = Recorder()
    commands = batcher(recorder)
    recorder.gate.clear()
    first = commands.add("n", "Switch", {"Power": True})
    await asyncio.sleep(0.01)
    second = commands.add("n", "Switch", {"Power": False})
    third = commands.add("n", "Switch", {"Power": True})
    recorder.gate.set()

    await asyncio.gather(first, second, third)

    assert recorder.batches == [
        {"n": {"Switch": {"Power": True}}},
        {"n": {"Switch": {"Power": True}}},
    ]


async def test_per_node_failures() -> None:
    """A node's failure reaches only that node's callers."""
    recorder = Recorder()
    recorder.error = RainMakerNodeError({"bad": NodeFailure("busy", 102002)})
    commands = batcher(recorder)

    good = commands.add("good", "Switch", {"Power": True})
    bad = commands.add("bad", "Switch", {"Power": True})

    await good
    with pytest.raises(RainMakerNodeError) as err:
        await bad
    assert set(err.value.failures) == {"bad"}


@pytest.mark.parametrize(
    "error", [RainMakerConnectionError("down"), RuntimeError("bug")]
)
async def test_whole_batch_failure(error: Exception) -> None:
    """Any other error fails every caller of the batch with that error."""
    recorder = Recorder()
    recorder.error = error
    commands = batcher(recorder)

    results = await asyncio.gather(
        commands.add("a", "Switch", {"Power": True}),
        commands.add("b", "Switch", {"Power": True}),
        return_exceptions=True,
    )

    assert results == [error, error]


async def test_cancel_drops_queued_commands() -> None:
    """Cancelling (unload) drops a queued batch; its callers are cancelled."""
    recorder = Recorder()
    commands = batcher(recorder)
    future = commands.add("n", "Switch", {"Power": True})

    commands.cancel()

    with pytest.raises(asyncio.CancelledError):
        await future
    await asyncio.sleep(0)
    assert recorder.batches == []


async def test_cancel_while_sending() -> None:
    """A write cancelled in flight cancels its callers too."""
    recorder = Recorder()
    recorder.gate.clear()
    tasks: list[asyncio.Task[None]] = []

    def create_task(coro: Coroutine[Any, Any, None]) -> asyncio.Task[None]:
        tasks.append(asyncio.get_running_loop().create_task(coro))
        return tasks[-1]

    commands = CommandBatcher(recorder, create_task)
    future = commands.add("n", "Switch", {"Power": True})
    await recorder.called.wait()

    tasks[0].cancel()

    with pytest.raises(asyncio.CancelledError):
        await future
