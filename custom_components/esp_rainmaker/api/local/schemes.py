"""The security of a session, from the scheme and the credentials the cloud names.

The node's cloud config has a service of type `esp.service.local_control` whose
`Type` param is the scheme and whose `POP` param is the proof of possession
(esp-rainmaker components/esp_rainmaker/src/core/esp_rmaker_local_ctrl.c).
"""

from dataclasses import dataclass, field

from .secure_session import Security, SecurityScheme
from .security0 import Security0
from .security1 import Security1
from .security2 import DEFAULT_USERNAME, Security2


@dataclass(frozen=True, slots=True)
class LocalCredentials:
    """How to open a session with a node; the PoP is left out of the repr."""

    scheme: SecurityScheme
    pop: str = field(default="", repr=False)
    # Security 2 only: the SRP username the node's salt and verifier were made for.
    username: str = DEFAULT_USERNAME


def new_security(credentials: LocalCredentials, *, patch: int) -> Security:
    """Return a fresh session of the credentials' scheme (`patch`: the node's)."""
    match credentials.scheme:
        case SecurityScheme.SEC0:
            return Security0()
        case SecurityScheme.SEC1:
            return Security1(credentials.pop)
        case SecurityScheme.SEC2:
            return Security2(
                credentials.pop, username=credentials.username, patch=patch
            )
