"""Firmware updates: which nodes the cloud offers one, and installing it.

Offers are checked rarely (a round every `FIRMWARE_CHECK_INTERVAL`, each node one
request through the account's rate limiter, `FIRMWARE_CHECK_SPACING` apart), not
with every poll. An install starts the
offered job and then looks at it every few seconds until it ends: success, or
the node reporting the new firmware version, ends it well; failure or refusal by
the device is raised as a translated error and the offer stays.
"""

import asyncio
from collections.abc import Callable

from homeassistant.config_entries import ConfigEntry
from homeassistant.core import CALLBACK_TYPE, HomeAssistant, callback
from homeassistant.exceptions import HomeAssistantError
from homeassistant.helpers.event import async_call_later
from homeassistant.helpers.update_coordinator import DataUpdateCoordinator

from .api import Node, OtaProgress, OtaUpdate, RainMakerClient, RainMakerError
from .const import (
    DOMAIN,
    FIRMWARE_CHECK_INTERVAL,
    FIRMWARE_CHECK_SPACING,
    FIRMWARE_FIRST_CHECK,
    FIRMWARE_INSTALL_TIMEOUT,
    FIRMWARE_PROGRESS_INTERVAL,
    LOGGER,
)

MAX_PROGRESS_CHECKS = round(FIRMWARE_INSTALL_TIMEOUT / FIRMWARE_PROGRESS_INTERVAL)
FIRMWARE_CHECK_INTERVAL_S = FIRMWARE_CHECK_INTERVAL.total_seconds()


async def _wait(hass: HomeAssistant, seconds: float) -> None:
    """Sleep on Home Assistant's clock (which tests move with time-changed events)."""
    woken: asyncio.Future[None] = hass.loop.create_future()

    @callback
    def _wake(_now: object) -> None:
        if not woken.done():
            woken.set_result(None)

    cancel = async_call_later(hass, seconds, _wake)
    try:
        await woken
    finally:
        cancel()


class FirmwareUpdates(DataUpdateCoordinator[dict[str, OtaUpdate]]):
    """The firmware offers of an account's nodes, checked every few hours.

    A round asks for one node at a time, `FIRMWARE_CHECK_SPACING` apart, each
    check a short task of its own; the next round starts `FIRMWARE_CHECK_INTERVAL`
    after a round ends. A node whose check fails keeps its last offer.
    """

    config_entry: ConfigEntry

    def __init__(
        self,
        hass: HomeAssistant,
        entry: ConfigEntry,
        client: RainMakerClient,
        nodes: DataUpdateCoordinator[dict[str, Node]],
    ) -> None:
        """Check the nodes `nodes` polls, through `client`."""
        super().__init__(
            hass,
            LOGGER,
            config_entry=entry,
            name=f"{DOMAIN} {entry.title} firmware",
            update_interval=None,
            always_update=False,
        )
        self.client = client
        self.nodes = nodes
        self.data = {}
        self._round: list[str] = []
        self._unsub_step: CALLBACK_TYPE | None = None

    @callback
    def async_start(self) -> CALLBACK_TYPE:
        """Start the first round a minute from now; return what stops the checks."""
        self._schedule(FIRMWARE_FIRST_CHECK)
        return self._stop

    @callback
    def _stop(self) -> None:
        if self._unsub_step is not None:
            self._unsub_step()
            self._unsub_step = None

    @callback
    def _schedule(self, delay: float) -> None:
        self._stop()
        self._unsub_step = async_call_later(self.hass, delay, self._step)

    @callback
    def _step(self, _now: object) -> None:
        self._unsub_step = None
        if not self.nodes.last_update_success:
            # The cloud is down or refused the password: asking now would only
            # fail, or try the refused password again.
            self._schedule(FIRMWARE_FIRST_CHECK)
            return
        if not self._round:
            self._round = list(self.nodes.data)
        node_id = self._round.pop(0) if self._round else None
        self.config_entry.async_create_background_task(
            self.hass, self._check_and_continue(node_id), f"{DOMAIN} firmware check"
        )

    async def _check_and_continue(self, node_id: str | None) -> None:
        if node_id is not None:
            await self.async_check_node(node_id)
        self._schedule(
            FIRMWARE_CHECK_SPACING if self._round else FIRMWARE_CHECK_INTERVAL_S
        )

    async def async_check_node(self, node_id: str) -> None:
        """Ask for one node's offer (a node that left the account is forgotten)."""
        try:
            offer = await self.client.check_ota(node_id)
        except RainMakerError as err:
            LOGGER.debug("Checking node %s for firmware failed: %s", node_id, err)
            return
        offers = {
            known: value
            for known, value in self.data.items()
            if known in self.nodes.data and known != node_id
        }
        if node_id in self.nodes.data:
            offers[node_id] = offer
        self.async_set_updated_data(offers)

    def _installed(self, node_id: str, version: str | None) -> bool:
        node = self.nodes.data.get(node_id)
        return node is not None and node.config.info.fw_version == version

    async def async_install(
        self,
        node_id: str,
        offer: OtaUpdate,
        on_progress: Callable[[OtaProgress], None],
    ) -> None:
        """Install an offered firmware and follow its job until it ends."""
        node = self.nodes.data.get(node_id)
        name = node.name if node is not None else node_id
        if not offer.available or offer.job_id is None:
            raise HomeAssistantError(
                translation_domain=DOMAIN,
                translation_key="no_firmware_update",
                translation_placeholders={"name": name},
            )
        try:
            await self.client.start_ota(node_id, offer.job_id)
        except RainMakerError as err:
            raise HomeAssistantError(
                translation_domain=DOMAIN,
                translation_key="firmware_start_failed",
                translation_placeholders={"name": name, "error": str(err)},
            ) from err
        try:
            await self._follow(node_id, offer, on_progress, name)
        finally:
            # The node's config carries its firmware version.
            self.client.refresh_configs()
            await self.nodes.async_request_refresh()
            await self.async_check_node(node_id)

    async def _follow(
        self,
        node_id: str,
        offer: OtaUpdate,
        on_progress: Callable[[OtaProgress], None],
        name: str,
    ) -> None:
        job_id = offer.job_id or ""
        for _ in range(MAX_PROGRESS_CHECKS):
            await _wait(self.hass, FIRMWARE_PROGRESS_INTERVAL)
            if self._installed(node_id, offer.fw_version):
                return
            try:
                progress = await self.client.ota_progress(node_id, job_id)
            except RainMakerError as err:
                LOGGER.debug("Following the update of %s failed: %s", name, err)
                # The node's version, in its config, tells instead.
                self.client.refresh_configs()
                continue
            on_progress(progress)
            if progress.state.succeeded:
                return
            if progress.state.finished:
                raise HomeAssistantError(
                    translation_domain=DOMAIN,
                    translation_key="firmware_update_failed",
                    translation_placeholders={
                        "name": name,
                        "state": progress.state.value,
                        "info": progress.info or "",
                    },
                )
        raise HomeAssistantError(
            translation_domain=DOMAIN,
            translation_key="firmware_update_timeout",
            translation_placeholders={"name": name},
        )
