"""The public endpoints of the emulated cloud, spelled as its statistics count them."""

from enum import StrEnum


class Endpoint(StrEnum):
    """`METHOD path` of each public endpoint (the key of its request count)."""

    API_VERSIONS = "GET /apiversions"
    MQTT_HOST = "GET /mqtt_host"
    LOGIN = "POST /v1/login2"
    LOGIN_V1 = "POST /v1/login"
    LOGOUT = "POST /v1/logout2"
    USER = "GET /v1/user2"
    USER_V1 = "GET /v1/user"
    NODES = "GET /v1/user/nodes"
    NODE_CONFIG = "GET /v1/user/nodes/config"
    NODE_STATUS = "GET /v1/user/nodes/status"
    NODE_PARAMS = "GET /v1/user/nodes/params"
    SET_PARAMS = "PUT /v1/user/nodes/params"
    OTA_UPDATE = "GET /v1/user/nodes/ota_update"
    OTA_TRIGGER = "POST /v1/user/nodes/ota_update"
    OTA_STATUS = "GET /v1/user/nodes/ota_status"
    GROUPS = "GET /v1/user/node_group"
    GROUP_CREATE = "POST /v1/user/node_group"
    GROUP_UPDATE = "PUT /v1/user/node_group"
    GROUP_DELETE = "DELETE /v1/user/node_group"

    @property
    def method(self) -> str:
        """The HTTP method."""
        return self.partition(" ")[0]

    @property
    def path(self) -> str:
        """The path, without the method."""
        return self.partition(" ")[2]
