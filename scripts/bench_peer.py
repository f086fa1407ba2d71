"""Drive the peer library (pythermacell) against the emulator; runs in .legs/newest/peer.

Prints one JSON object: wall times of repeated runs and what each run returned.
The client is built the way the thermacell_liv integration builds it (username,
password, session, the emulator as base URL), optionally with the library's own
rate limiter, which that integration does not enable.
"""

import argparse
import asyncio
import json
import time
from typing import Any

import aiohttp
from pythermacell import ThermacellClient
from pythermacell.resilience import RateLimiter


async def get_devices(client: ThermacellClient) -> dict[str, Any]:
    """Time one call of the client's device discovery."""
    start = time.perf_counter()
    devices = await client.get_devices()
    return {"wall_s": time.perf_counter() - start, "devices": len(devices)}


async def turn_off(
    client: ThermacellClient, count: int, *, verify: bool
) -> dict[str, Any]:
    """Turn `count` hubs on, then time turning them all off through the per-device API."""
    devices = (await client.get_devices())[:count]
    await asyncio.gather(*(device.turn_on() for device in devices))
    await asyncio.sleep(0.5)
    start = time.perf_counter()
    results = await asyncio.gather(
        *(device.set_power(False, verify=verify) for device in devices)
    )
    return {
        "wall_s": time.perf_counter() - start,
        "devices": len(devices),
        "succeeded": sum(1 for result in results if result),
    }


async def main() -> None:
    """Run the requested measurement."""
    parser = argparse.ArgumentParser()
    parser.add_argument("--base-url", required=True)
    parser.add_argument("--email", required=True)
    parser.add_argument("--password", required=True)
    parser.add_argument("--mode", choices=["get_devices", "turn_off"], required=True)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--count", type=int, default=50)
    parser.add_argument("--verify", action="store_true")
    parser.add_argument("--rate-limiter", action="store_true")
    args = parser.parse_args()

    runs: list[dict[str, Any]] = []
    async with aiohttp.ClientSession() as session:
        options: dict[str, Any] = {"session": session}
        if args.rate_limiter:
            options["rate_limiter"] = RateLimiter()
        async with ThermacellClient(
            args.email, args.password, base_url=args.base_url, **options
        ) as client:
            for _ in range(args.repeat):
                if args.mode == "get_devices":
                    # A fresh client state per run: the integration polls the same way.
                    runs.append(await get_devices(client))
                else:
                    runs.append(await turn_off(client, args.count, verify=args.verify))
    print(json.dumps({"runs": runs}))


if __name__ == "__main__":
    asyncio.run(main())
