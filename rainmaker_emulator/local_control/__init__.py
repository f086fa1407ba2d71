"""ESP Local Control of emulated nodes: protocomm over HTTP on loopback ports.

`LocalLan(cloud).enable(node_id, security=1)` starts a node's server and returns
its `LocalAccess` (host, port, scheme, PoP); `drop_sessions`, `leave_lan` and
`join_lan` are the faults a LAN has. `EmulatorServer.local` is one for its cloud.
"""

from .device_server import LocalDevice
from .lan import LocalAccess, LocalLan

__all__ = ["LocalAccess", "LocalDevice", "LocalLan"]
