"""ESP Local Control of the cloud's nodes: turning it on, and the LAN's faults.

A node with local control serves it on its own loopback port and names it in its
cloud config: a service of type `esp.service.local_control` whose `POP` and
`Type` params are the proof of possession and the security scheme
(espressif/esp-rainmaker components/esp_rainmaker/src/core/esp_rmaker_local_ctrl.c).
Reads and writes act on the same node state the cloud API reads and writes.
"""

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import orjson

from custom_components.esp_rainmaker.api.local.proto import constants_pb2
from rainmaker_emulator.devices.base import local_control_service
from rainmaker_emulator.nodes import EmulatedNode
from rainmaker_emulator.state import Cloud

from .device_security import DeviceSecurity, Sec0Device, Sec1Device, Sec2Device
from .device_server import LocalDevice
from .device_srp import make_verifier

SERVICE_TYPE = "esp.service.local_control"
SERVICE_NAME = "Local Control"  # ESP_RMAKER_LOCAL_CTRL_DEVICE_NAME
# The username ESP-IDF's examples make security 2's salt and verifier for.
SEC2_USERNAME = "wifiprov"


@dataclass(frozen=True, slots=True)
class LocalAccess:
    """How a client reaches a node's local control (what mDNS and the cloud tell)."""

    node_id: str
    host: str
    port: int
    scheme: int
    pop: str = field(repr=False)
    username: str = SEC2_USERNAME


class CloudNode:
    """A node of the cloud as local control's properties see it."""

    def __init__(self, cloud: Cloud, node_id: str) -> None:
        """Act on `node_id` of `cloud`, simulated up to the cloud's clock."""
        self._cloud = cloud
        self._node_id = node_id

    def _node(self) -> EmulatedNode:
        return self._cloud.node(self._node_id)

    def config_text(self) -> bytes:
        """Return the config the cloud holds for the node."""
        return orjson.dumps(self._node().config)

    def params_text(self) -> bytes:
        """Return the params the node reports."""
        return orjson.dumps(self._node().reported)

    def write_params(self, text: bytes) -> constants_pb2.Status:
        """Apply a write at once, on the device: no cloud queue, no apply delay."""
        try:
            payload: Any = orjson.loads(text)
        except orjson.JSONDecodeError:
            return constants_pb2.InternalError
        node = self._node()
        now = self._cloud.clock.now()
        if node.check_write(payload) is not None:
            if node.hazardous(payload):
                node.go_offline(now, now + self._cloud.settings.hazard_offline)
            return constants_pb2.InvalidArgument
        node.writes.append({"time": now, "payload": payload, "source": "local"})
        for device, params in payload.items():
            node.reach_device(device, dict(params), now)
        return constants_pb2.Success


class LocalLan:
    """The nodes of a cloud that serve ESP Local Control on the (loopback) LAN."""

    def __init__(self, cloud: Cloud, host: str = "127.0.0.1") -> None:
        """Serve nothing yet."""
        self._cloud = cloud
        self._host = host
        self._devices: dict[str, LocalDevice] = {}
        self._access: dict[str, LocalAccess] = {}

    async def enable(
        self,
        node_id: str,
        *,
        security: int = 1,
        pop: str | None = None,
        username: str = SEC2_USERNAME,
    ) -> LocalAccess:
        """Turn local control on: serve it and name it in the node's cloud config.

        The PoP is the one the node's config already names, else `pop`, else eight
        random hex digits as the firmware draws them.
        """
        if security not in (0, 1, 2):
            raise ValueError(f"no security scheme {security}")
        await self.disable(node_id)
        node = self._cloud.node(node_id)
        pop = pop or self._known_pop(node) or f"{self._cloud.rng.getrandbits(32):08x}"
        self._announce(node, pop, security)
        device = LocalDevice(
            CloudNode(self._cloud, node_id),
            self._security_factory(security, pop, username),
            scheme=security,
            rng=self._cloud.rng,
            host=self._host,
        )
        await device.start()
        self._devices[node_id] = device
        self._access[node_id] = LocalAccess(
            node_id, self._host, device.port, security, pop, username
        )
        return self._access[node_id]

    async def disable(self, node_id: str) -> None:
        """Stop serving a node's local control (its cloud config keeps the service)."""
        if (device := self._devices.pop(node_id, None)) is not None:
            await device.stop()
        self._access.pop(node_id, None)

    def access(self, node_id: str) -> LocalAccess:
        """Return how to reach a node's local control."""
        return self._access[node_id]

    def device(self, node_id: str) -> LocalDevice:
        """Return a node's local control server."""
        return self._devices[node_id]

    def drop_sessions(self, node_id: str) -> None:
        """Make the node forget its session (a reboot, another app's session)."""
        self._devices[node_id].drop_sessions()

    async def leave_lan(self, node_id: str) -> None:
        """Stop answering on the LAN: connections are refused."""
        await self._devices[node_id].stop()

    async def join_lan(self, node_id: str) -> None:
        """Answer again, on the same port, with no session."""
        await self._devices[node_id].start()

    async def close(self) -> None:
        """Stop every server."""
        for node_id in list(self._devices):
            await self.disable(node_id)

    # Setting up ------------------------------------------------------------------

    def _security_factory(
        self, security: int, pop: str, username: str
    ) -> Callable[[], DeviceSecurity]:
        if security == 0:
            return Sec0Device
        if security == 1:
            return lambda: Sec1Device(pop)
        # The factory stores a salt and verifier on the device, never the PoP.
        salt, verifier = make_verifier(username, pop, self._cloud.rng)
        rng = self._cloud.rng
        return lambda: Sec2Device(salt, verifier, rng)

    @staticmethod
    def _known_pop(node: EmulatedNode) -> str | None:
        for (device, _), spec in node.specs.items():
            if spec.get("type") == "esp.param.local_control_pop":
                values = (
                    node.reported.get(device)
                    if isinstance(node.reported, dict)
                    else None
                )
                value = values.get(spec["name"]) if isinstance(values, dict) else None
                if isinstance(value, str) and value:
                    return value
        return None

    @staticmethod
    def _announce(node: EmulatedNode, pop: str, security: int) -> None:
        """Name the service in the config and its params in the reported state."""
        config = node.config if isinstance(node.config, dict) else {}
        services = [s for s in config.get("services", []) if isinstance(s, dict)]
        service = next((s for s in services if s.get("type") == SERVICE_TYPE), None)
        if service is None:
            service = local_control_service()
            node.replace_config(config | {"services": [*services, service]})
        name = str(service.get("name", SERVICE_NAME))
        if isinstance(node.reported, dict):
            node.reported[name] = {"POP": pop, "Type": security}
