"""Config flow: a RainMaker cloud account (cloud URL, e-mail, password or code).

An account signs in with its password; with the password and then a one-time code
(multi-factor authentication); or with an e-mailed code alone. The code step is
the same for set-up, re-authentication and reconfiguration, and nothing is stored
before the cloud hands out tokens: no code, no sign-in session, and no password
unless the password alone signs in (only then can it renew a session).
"""

from collections.abc import Awaitable, Mapping
from dataclasses import dataclass
from typing import Any

from homeassistant.config_entries import (
    SOURCE_REAUTH,
    SOURCE_USER,
    ConfigEntryState,
    ConfigFlow,
    ConfigFlowResult,
    OptionsFlow,
)
from homeassistant.const import CONF_PASSWORD, CONF_URL, CONF_USERNAME
from homeassistant.core import callback
from homeassistant.helpers.aiohttp_client import async_get_clientsession
from homeassistant.helpers.selector import (
    BooleanSelector,
    NumberSelector,
    NumberSelectorConfig,
    NumberSelectorMode,
    SelectOptionDict,
    SelectSelector,
    SelectSelectorConfig,
    SelectSelectorMode,
    TextSelector,
    TextSelectorConfig,
    TextSelectorType,
)
from homeassistant.helpers.service_info.zeroconf import ZeroconfServiceInfo

from .api import (
    KNOWN_CLOUDS,
    CodeChallenge,
    RainMakerAuthenticationError,
    RainMakerClient,
    RainMakerCodeError,
    RainMakerCodeExpiredError,
    RainMakerError,
    RainMakerSignInLockedError,
    RainMakerValidationError,
    TokenSet,
    normalize_base_url,
)
from .compat import OptionsFlowWithReload, vol
from .const import (
    CONF_SCAN_INTERVAL,
    CONF_SIGN_IN,
    CONF_TOKENS,
    DEFAULT_SCAN_INTERVAL,
    DOMAIN,
    LOGGER,
    MAX_SCAN_INTERVAL,
    MIN_SCAN_INTERVAL,
    SignIn,
)
from .coordinator import RainMakerConfigEntry

CONF_EMAIL_CODE = "email_code"
CONF_CODE = "code"
CONF_NEW_CODE = "new_code"

URL_SELECTOR = SelectSelector(
    SelectSelectorConfig(
        options=[
            SelectOptionDict(value=url, label=label)
            for url, label in KNOWN_CLOUDS.items()
        ],
        custom_value=True,
        mode=SelectSelectorMode.DROPDOWN,
    )
)
USERNAME_SELECTOR = TextSelector(
    TextSelectorConfig(type=TextSelectorType.EMAIL, autocomplete="username")
)
PASSWORD_SELECTOR = TextSelector(
    TextSelectorConfig(type=TextSelectorType.PASSWORD, autocomplete="current-password")
)
CODE_SELECTOR = TextSelector(TextSelectorConfig(autocomplete="one-time-code"))
# The password is optional: left empty when a code is e-mailed instead.
SIGN_IN_FIELDS = {
    vol.Optional(CONF_PASSWORD): PASSWORD_SELECTOR,
    vol.Optional(CONF_EMAIL_CODE, default=False): BooleanSelector(),
}
ACCOUNT_SCHEMA = vol.Schema(
    {
        vol.Required(CONF_URL): URL_SELECTOR,
        vol.Required(CONF_USERNAME): USERNAME_SELECTOR,
        **SIGN_IN_FIELDS,
    }
)
REAUTH_SCHEMA = vol.Schema(SIGN_IN_FIELDS)
CODE_SCHEMA = vol.Schema(
    {
        vol.Optional(CONF_CODE): CODE_SELECTOR,
        vol.Optional(CONF_NEW_CODE, default=False): BooleanSelector(),
    }
)


@dataclass(slots=True)
class PendingSignIn:
    """A sign-in waiting for its one-time code (kept in the flow, never stored)."""

    url: str
    username: str
    password: str | None
    client: RainMakerClient
    # False when the password alone signed in.
    code_sent: bool
    # Set once the code was accepted, so a retry after an outage needs no new code.
    tokens: TokenSet | None = None

    @property
    def method(self) -> SignIn:
        """How this account signs in."""
        if self.password is None:
            return SignIn.CODE
        return SignIn.PASSWORD_AND_CODE if self.code_sent else SignIn.PASSWORD


@dataclass(frozen=True, slots=True)
class Refused:
    """Why a step did not go on: the errors for the form the user is on."""

    errors: dict[str, str]


def password_of(user_input: Mapping[str, Any]) -> str | None:
    """Return the password typed, or None when the user asked for an e-mailed code."""
    if user_input.get(CONF_EMAIL_CODE):
        return None
    return str(user_input.get(CONF_PASSWORD) or "")


class RainMakerConfigFlow(ConfigFlow, domain=DOMAIN):
    """Set up, re-authenticate and reconfigure a RainMaker account."""

    VERSION = 1
    _pending: PendingSignIn
    _challenge: CodeChallenge

    async def _attempt[T](self, call: Awaitable[T]) -> tuple[dict[str, str], T | None]:
        """Await a call to the cloud; return the form errors or its result."""
        try:
            return {}, await call
        except RainMakerCodeError:
            return {CONF_CODE: "invalid_code"}, None
        except RainMakerCodeExpiredError:
            return {"base": "code_expired"}, None
        except RainMakerAuthenticationError:
            return {"base": "invalid_auth"}, None
        except RainMakerSignInLockedError:
            return {"base": "too_many_attempts"}, None
        except RainMakerError as err:
            LOGGER.debug("Cannot reach the cloud: %s", err)
            return {"base": "cannot_connect"}, None
        except Exception:  # noqa: BLE001 - any surprise becomes the "unknown" error
            LOGGER.exception("Unexpected error while validating the account")
            return {"base": "unknown"}, None

    async def _sign_in(
        self, url: str, username: str, password: str | None
    ) -> ConfigFlowResult | Refused:
        """Start signing in; return the next step, or the errors for the form."""
        try:
            url = normalize_base_url(url)
        except RainMakerValidationError:
            return Refused(errors={CONF_URL: "invalid_url"})
        if password == "":
            return Refused(errors={CONF_PASSWORD: "password_missing"})
        client = RainMakerClient(
            url, username, password, session=async_get_clientsession(self.hass)
        )
        errors, answer = await self._attempt(client.sign_in())
        if answer is None:
            return Refused(errors)
        code_sent = isinstance(answer, CodeChallenge)
        self._pending = PendingSignIn(url, username, password, client, code_sent)
        if isinstance(answer, CodeChallenge):
            self._challenge = answer
            return await self.async_step_code()
        return await self._finish(answer)

    async def _exchange(
        self, pending: PendingSignIn, code: str
    ) -> ConfigFlowResult | Refused:
        """Exchange the one-time code for tokens, then finish."""
        errors, tokens = await self._attempt(
            pending.client.complete_sign_in(self._challenge, code)
        )
        if tokens is None:
            return Refused(errors)
        return await self._finish(tokens)

    async def _finish(self, tokens: TokenSet) -> ConfigFlowResult | Refused:
        """List the nodes once, then create or update the entry."""
        pending = self._pending
        pending.tokens = tokens
        errors, _ = await self._attempt(pending.client.count_nodes())
        if errors:
            return Refused(errors)
        if tokens.user_id is None:
            LOGGER.error("The cloud's id token names no user id")
            return Refused(errors={"base": "unknown"})
        data: dict[str, Any] = {
            CONF_URL: pending.url,
            CONF_USERNAME: pending.username,
            CONF_TOKENS: tokens.as_dict(),
            CONF_SIGN_IN: pending.method,
        }
        if pending.method is SignIn.PASSWORD:
            data[CONF_PASSWORD] = pending.password
        await self.async_set_unique_id(tokens.user_id)
        if self.source == SOURCE_USER:
            self._abort_if_unique_id_configured()
            return self.async_create_entry(title=data[CONF_USERNAME], data=data)
        self._abort_if_unique_id_mismatch(reason="unique_id_mismatch")
        entry = (
            self._get_reauth_entry()
            if self.source == SOURCE_REAUTH
            else self._get_reconfigure_entry()
        )
        return self.async_update_reload_and_abort(entry, data=data)

    async def async_step_user(
        self, user_input: dict[str, Any] | None = None
    ) -> ConfigFlowResult:
        """Ask for the cloud, the e-mail and the password (or an e-mailed code)."""
        errors: dict[str, str] = {}
        if user_input is not None:
            result = await self._sign_in(
                user_input[CONF_URL],
                user_input[CONF_USERNAME].strip(),
                password_of(user_input),
            )
            if not isinstance(result, Refused):
                return result
            errors = result.errors
        suggested = user_input
        if suggested is None and self.source != SOURCE_USER:
            entry = self._get_reconfigure_entry()
            suggested = {
                CONF_URL: entry.data[CONF_URL],
                CONF_USERNAME: entry.data[CONF_USERNAME],
                CONF_EMAIL_CODE: entry.data.get(CONF_SIGN_IN) == SignIn.CODE,
            }
        return self.async_show_form(
            step_id="user" if self.source == SOURCE_USER else "reconfigure",
            data_schema=self.add_suggested_values_to_schema(
                ACCOUNT_SCHEMA,
                {k: v for k, v in (suggested or {}).items() if k != CONF_PASSWORD},
            ),
            errors=errors,
        )

    async def async_step_reconfigure(
        self, user_input: dict[str, Any] | None = None
    ) -> ConfigFlowResult:
        """Change the cloud, e-mail or way of signing in of the same account."""
        return await self.async_step_user(user_input)

    async def async_step_reauth(
        self, entry_data: Mapping[str, Any]
    ) -> ConfigFlowResult:
        """Start re-authentication after the cloud refused the stored session."""
        return await self.async_step_reauth_confirm()

    async def async_step_reauth_confirm(
        self, user_input: dict[str, Any] | None = None
    ) -> ConfigFlowResult:
        """Ask for the password again, or send a code."""
        entry = self._get_reauth_entry()
        errors: dict[str, str] = {}
        if user_input is not None:
            result = await self._sign_in(
                entry.data[CONF_URL],
                entry.data[CONF_USERNAME],
                password_of(user_input),
            )
            if not isinstance(result, Refused):
                return result
            errors = result.errors
        return self.async_show_form(
            step_id="reauth_confirm",
            data_schema=self.add_suggested_values_to_schema(
                REAUTH_SCHEMA,
                {CONF_EMAIL_CODE: entry.data.get(CONF_SIGN_IN) == SignIn.CODE},
            ),
            description_placeholders={CONF_USERNAME: entry.data[CONF_USERNAME]},
            errors=errors,
        )

    async def async_step_code(
        self, user_input: dict[str, Any] | None = None
    ) -> ConfigFlowResult:
        """Ask for the one-time code the cloud sent; a new one can be requested."""
        pending = self._pending
        errors: dict[str, str] = {}
        if user_input is not None:
            if user_input.get(CONF_NEW_CODE):
                result = await self._sign_in(
                    pending.url, pending.username, pending.password
                )
            elif pending.tokens is not None:
                result = await self._finish(pending.tokens)
            elif code := "".join(str(user_input.get(CONF_CODE) or "").split()):
                result = await self._exchange(pending, code)
            else:
                result = Refused(errors={CONF_CODE: "code_missing"})
            if not isinstance(result, Refused):
                return result
            errors = result.errors
        return self.async_show_form(
            step_id="code",
            data_schema=CODE_SCHEMA,
            description_placeholders={"destination": pending.username},
            errors=errors,
        )

    async def async_step_zeroconf(
        self, discovery_info: ZeroconfServiceInfo
    ) -> ConfigFlowResult:
        """Reach a node found on the LAN locally, when a set-up account has it.

        Nodes advertise `_esp_local_ctrl._tcp` with their node id in the TXT record
        (esp-rainmaker esp_rmaker_local_ctrl.c). A node of no account is ignored.
        """
        node_id = discovery_info.properties.get("node_id")
        if isinstance(node_id, str) and node_id and discovery_info.port:
            for entry in self._async_current_entries(include_ignore=False):
                if (
                    entry.state is ConfigEntryState.LOADED
                    and (
                        reported := entry.runtime_data.coordinator.reported.get(node_id)
                    )
                    is not None
                ):
                    entry.runtime_data.coordinator.local.found(
                        node_id, discovery_info.host, discovery_info.port, reported
                    )
                    return self.async_abort(reason="already_configured")
        return self.async_abort(reason="not_on_an_account")

    @staticmethod
    @callback
    def async_get_options_flow(config_entry: RainMakerConfigEntry) -> OptionsFlow:
        """Return the options flow."""
        return RainMakerOptionsFlow()


class RainMakerOptionsFlow(OptionsFlowWithReload):
    """How often to poll the cloud (the entry reloads when it changes)."""

    async def async_step_init(
        self, user_input: dict[str, Any] | None = None
    ) -> ConfigFlowResult:
        """Ask for the poll interval."""
        if user_input is not None:
            return self.async_create_entry(
                data={CONF_SCAN_INTERVAL: int(user_input[CONF_SCAN_INTERVAL])}
            )
        schema = vol.Schema(
            {
                vol.Required(CONF_SCAN_INTERVAL): NumberSelector(
                    NumberSelectorConfig(
                        min=MIN_SCAN_INTERVAL,
                        max=MAX_SCAN_INTERVAL,
                        step=1,
                        unit_of_measurement="s",
                        mode=NumberSelectorMode.BOX,
                    )
                )
            }
        )
        return self.async_show_form(
            step_id="init",
            data_schema=self.add_suggested_values_to_schema(
                schema,
                {
                    CONF_SCAN_INTERVAL: self.config_entry.options.get(
                        CONF_SCAN_INTERVAL, DEFAULT_SCAN_INTERVAL
                    )
                },
            ),
        )
