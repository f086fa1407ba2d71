"""Command line: `python -m rainmaker_emulator --port 8089 --demo`."""

import argparse
import asyncio
import contextlib
import signal
import sys

from .seeding import SEED_KINDS, cli_flag
from .server import EmulatorServer
from .settings import Settings
from .state import DEMO_EMAIL, DEMO_PASSWORD, Cloud


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    """Parse the command line."""
    parser = argparse.ArgumentParser(
        prog="python -m rainmaker_emulator",
        description="Local ESP RainMaker cloud emulator",
    )
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8089)
    parser.add_argument("--demo", action="store_true", help="seed the demo account")
    parser.add_argument(
        "--email", default=DEMO_EMAIL, help="account to seed devices into"
    )
    parser.add_argument("--password", default=DEMO_PASSWORD)
    for count, (kind, _label) in SEED_KINDS.items():
        parser.add_argument(
            cli_flag(count),
            dest=count,
            type=int,
            default=0,
            metavar="N",
            help=f"{kind} nodes to seed",
        )
    parser.add_argument("--latency-ms", type=float, default=0.0)
    parser.add_argument("--apply-delay-ms", type=float, default=200.0)
    parser.add_argument("--warmup-s", type=float, default=120.0)
    parser.add_argument("--page-size", type=int, default=10)
    parser.add_argument("--token-ttl-s", type=float, default=3600.0)
    parser.add_argument(
        "--seed", type=int, default=None, help="random seed for node ids"
    )
    return parser.parse_args(argv)


def build_cloud(args: argparse.Namespace) -> Cloud:
    """Create and seed the cloud the arguments describe."""
    cloud = Cloud(
        seed=args.seed,
        page_size=args.page_size,
        settings=Settings(apply_delay=args.apply_delay_ms / 1000, warmup=args.warmup_s),
        token_ttl=args.token_ttl_s,
    )
    cloud.latency = args.latency_ms / 1000
    if args.demo:
        cloud.seed_demo()
    counts = {count: getattr(args, count) for count in SEED_KINDS}
    if any(counts.values()) or not args.demo:
        cloud.seed(args.email, args.password, **counts)
    return cloud


async def serve(args: argparse.Namespace) -> None:
    """Run until interrupted."""
    cloud = build_cloud(args)
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        with contextlib.suppress(NotImplementedError):
            loop.add_signal_handler(sig, stop.set)
    async with EmulatorServer(cloud, host=args.host, port=args.port) as server:
        accounts = ", ".join(
            f"{account.email} ({len(account.node_ids)} nodes)"
            for account in cloud.accounts.values()
        )
        print(f"RainMaker emulator listening on {server.url}", flush=True)
        print(f"  accounts: {accounts}", flush=True)
        if args.demo:
            print(f"  demo login: {DEMO_EMAIL} / {DEMO_PASSWORD}", flush=True)
        await stop.wait()
    print("RainMaker emulator stopped", flush=True)


def main(argv: list[str] | None = None) -> int:
    """Entry point."""
    asyncio.run(serve(parse_args(argv)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
