"""Config flow: a RainMaker cloud account (cloud URL, e-mail, password)."""

from collections.abc import Mapping
from typing import Any

from homeassistant.config_entries import (
    SOURCE_RECONFIGURE,
    ConfigFlow,
    ConfigFlowResult,
    OptionsFlow,
)
from homeassistant.const import CONF_PASSWORD, CONF_URL, CONF_USERNAME
from homeassistant.core import callback
from homeassistant.helpers.aiohttp_client import async_get_clientsession
from homeassistant.helpers.selector import (
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

from .api import (
    KNOWN_CLOUDS,
    RainMakerAuthenticationError,
    RainMakerClient,
    RainMakerError,
    RainMakerMfaRequiredError,
    RainMakerValidationError,
    normalize_base_url,
)
from .compat import OptionsFlowWithReload, vol
from .const import (
    CONF_SCAN_INTERVAL,
    CONF_TOKENS,
    DEFAULT_SCAN_INTERVAL,
    DOMAIN,
    LOGGER,
    MAX_SCAN_INTERVAL,
    MIN_SCAN_INTERVAL,
)
from .coordinator import RainMakerConfigEntry

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
ACCOUNT_SCHEMA = vol.Schema(
    {
        vol.Required(CONF_URL): URL_SELECTOR,
        vol.Required(CONF_USERNAME): USERNAME_SELECTOR,
        vol.Required(CONF_PASSWORD): PASSWORD_SELECTOR,
    }
)
PASSWORD_SCHEMA = vol.Schema({vol.Required(CONF_PASSWORD): PASSWORD_SELECTOR})


class RainMakerConfigFlow(ConfigFlow, domain=DOMAIN):
    """Set up, re-authenticate and reconfigure a RainMaker account."""

    VERSION = 1

    async def _validate(
        self, url: str, username: str, password: str
    ) -> tuple[dict[str, str], dict[str, Any] | None, str | None]:
        """Log in and list the nodes; return errors, or the entry data and user id."""
        try:
            url = normalize_base_url(url)
        except RainMakerValidationError:
            return {CONF_URL: "invalid_url"}, None, None
        client = RainMakerClient(
            url, username, password, session=async_get_clientsession(self.hass)
        )
        try:
            tokens = await client.login()
            await client.count_nodes()
        except RainMakerMfaRequiredError:
            return {"base": "mfa_not_supported"}, None, None
        except RainMakerAuthenticationError:
            return {"base": "invalid_auth"}, None, None
        except RainMakerError as err:
            LOGGER.debug("Cannot reach %s: %s", url, err)
            return {"base": "cannot_connect"}, None, None
        except Exception:  # noqa: BLE001 - any surprise becomes the "unknown" error
            LOGGER.exception("Unexpected error while validating the account")
            return {"base": "unknown"}, None, None
        if tokens.user_id is None:
            LOGGER.error("The cloud's id token names no user id")
            return {"base": "unknown"}, None, None
        data = {
            CONF_URL: url,
            CONF_USERNAME: username,
            CONF_PASSWORD: password,
            CONF_TOKENS: tokens.as_dict(),
        }
        return {}, data, tokens.user_id

    async def async_step_user(
        self, user_input: dict[str, Any] | None = None
    ) -> ConfigFlowResult:
        """Ask for the cloud, e-mail and password; also serves reconfigure."""
        errors: dict[str, str] = {}
        if user_input is not None:
            username = user_input[CONF_USERNAME].strip()
            errors, data, user_id = await self._validate(
                user_input[CONF_URL], username, user_input[CONF_PASSWORD]
            )
            if data is not None:
                await self.async_set_unique_id(user_id)
                if self.source == SOURCE_RECONFIGURE:
                    self._abort_if_unique_id_mismatch(reason="unique_id_mismatch")
                    return self.async_update_reload_and_abort(
                        self._get_reconfigure_entry(), data_updates=data
                    )
                self._abort_if_unique_id_configured()
                return self.async_create_entry(title=username, data=data)
        suggested = user_input
        if suggested is None and self.source == SOURCE_RECONFIGURE:
            entry = self._get_reconfigure_entry()
            suggested = {
                CONF_URL: entry.data[CONF_URL],
                CONF_USERNAME: entry.data[CONF_USERNAME],
            }
        return self.async_show_form(
            step_id="reconfigure" if self.source == SOURCE_RECONFIGURE else "user",
            data_schema=self.add_suggested_values_to_schema(
                ACCOUNT_SCHEMA,
                {k: v for k, v in (suggested or {}).items() if k != CONF_PASSWORD},
            ),
            errors=errors,
        )

    async def async_step_reconfigure(
        self, user_input: dict[str, Any] | None = None
    ) -> ConfigFlowResult:
        """Change the cloud, e-mail or password of the same account."""
        return await self.async_step_user(user_input)

    async def async_step_reauth(
        self, entry_data: Mapping[str, Any]
    ) -> ConfigFlowResult:
        """Start re-authentication after the cloud refused the stored credentials."""
        return await self.async_step_reauth_confirm()

    async def async_step_reauth_confirm(
        self, user_input: dict[str, Any] | None = None
    ) -> ConfigFlowResult:
        """Ask for the password again."""
        entry = self._get_reauth_entry()
        errors: dict[str, str] = {}
        if user_input is not None:
            errors, data, user_id = await self._validate(
                entry.data[CONF_URL],
                entry.data[CONF_USERNAME],
                user_input[CONF_PASSWORD],
            )
            if data is not None:
                await self.async_set_unique_id(user_id)
                self._abort_if_unique_id_mismatch(reason="unique_id_mismatch")
                return self.async_update_reload_and_abort(entry, data_updates=data)
        return self.async_show_form(
            step_id="reauth_confirm",
            data_schema=PASSWORD_SCHEMA,
            description_placeholders={CONF_USERNAME: entry.data[CONF_USERNAME]},
            errors=errors,
        )

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
