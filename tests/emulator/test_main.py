"""`python -m rainmaker_emulator` as scripts/develop and the benchmark run it."""

import asyncio
import os
from pathlib import Path
import signal
import sys

import aiohttp
import pytest

from rainmaker_emulator import DEMO_EMAIL, DEMO_PASSWORD

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.usefixtures("socket_enabled")
async def test_cli_serves_demo_and_stops_on_sigint() -> None:
    """--demo serves the demo account on the printed URL; SIGINT stops it cleanly."""
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "rainmaker_emulator",
        "--port",
        "0",
        "--demo",
        cwd=ROOT,
        stdout=asyncio.subprocess.PIPE,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
    )
    assert process.stdout is not None
    try:
        banner = [
            (await asyncio.wait_for(process.stdout.readline(), 30)).decode()
            for _ in range(3)
        ]
        assert banner[0].startswith("RainMaker emulator listening on http://127.0.0.1:")
        assert f"{DEMO_EMAIL} (19 nodes)" in banner[1]
        assert banner[2].strip() == f"demo login: {DEMO_EMAIL} / {DEMO_PASSWORD}"
        url = banner[0].rsplit(" ", 1)[-1].strip()
        async with (
            aiohttp.ClientSession() as session,
            session.post(
                f"{url}/v1/login2",
                json={"user_name": DEMO_EMAIL, "password": DEMO_PASSWORD},
            ) as response,
        ):
            assert response.status == 200
            assert "accesstoken" in await response.json()
        process.send_signal(signal.SIGINT)
        rest = await asyncio.wait_for(process.stdout.read(), 30)
        assert await asyncio.wait_for(process.wait(), 30) == 0
        assert rest.decode().strip() == "RainMaker emulator stopped"
    finally:
        if process.returncode is None:
            process.kill()
            await process.wait()
