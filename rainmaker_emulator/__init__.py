"""A local emulator of the ESP RainMaker cloud (user REST API) for tests, demos and benchmarks."""

from .admin_client import AdminError, EmulatorAdmin
from .devices import KINDS
from .endpoints import Endpoint
from .nodes import Role
from .server import EmulatorServer, create_app
from .settings import IdFields, OfflineWrites, RetryAfter, Settings, UnauthorizedBody
from .state import DEMO_EMAIL, DEMO_PASSWORD, Cloud

__all__ = [
    "DEMO_EMAIL",
    "DEMO_PASSWORD",
    "KINDS",
    "AdminError",
    "Cloud",
    "EmulatorAdmin",
    "EmulatorServer",
    "Endpoint",
    "IdFields",
    "OfflineWrites",
    "RetryAfter",
    "Role",
    "Settings",
    "UnauthorizedBody",
    "create_app",
]
