"""A local emulator of the ESP RainMaker cloud (user REST API) for tests, demos and benchmarks."""

from .admin_client import AdminError, EmulatorAdmin
from .devices import KINDS, Settings
from .server import EmulatorServer, create_app
from .state import DEMO_EMAIL, DEMO_PASSWORD, Cloud

__all__ = [
    "DEMO_EMAIL",
    "DEMO_PASSWORD",
    "KINDS",
    "AdminError",
    "Cloud",
    "EmulatorAdmin",
    "EmulatorServer",
    "Settings",
    "create_app",
]
