"""What a node's cloud config says about reaching it over ESP Local Control.

RainMaker firmware that enables local control adds a service of type
`esp.service.local_control` with a `POP` param (the proof of possession) and a
`Type` param (the security scheme), esp-rainmaker
components/esp_rainmaker/src/core/esp_rmaker_local_ctrl.c
(`esp_rmaker_local_ctrl_service_enable`).
"""

from typing import Final

from custom_components.esp_rainmaker.api.models import Node
from custom_components.esp_rainmaker.api.values import number

from .schemes import LocalCredentials
from .secure_session import SecurityScheme

SERVICE_TYPE: Final = "esp.service.local_control"
POP_TYPE: Final = "esp.param.local_control_pop"
SCHEME_TYPE: Final = "esp.param.local_control_type"
MAX_POP_LENGTH: Final = 256
SCHEMES: Final = frozenset(int(scheme) for scheme in SecurityScheme)


def local_credentials(node: Node) -> LocalCredentials | None:
    """Return the credentials the node's config names, or None without local control.

    A scheme that is not 0, 1 or 2 (as an integer, not a bool or a float) or a PoP
    that is not a short string means the service cannot be used.
    """
    for service in node.config.services:
        if service.type != SERVICE_TYPE:
            continue
        pop: object = None
        scheme: object = None
        for param in service.params:
            if param.type == POP_TYPE:
                pop = node.get(service.name, param.name)
            elif param.type == SCHEME_TYPE:
                scheme = node.get(service.name, param.name)
        value = number(scheme)
        if not isinstance(value, int) or value not in SCHEMES:
            return None
        if pop is None and value == SecurityScheme.SEC0:
            pop = ""
        if not isinstance(pop, str) or len(pop) > MAX_POP_LENGTH:
            return None
        return LocalCredentials(SecurityScheme(value), pop)
    return None
