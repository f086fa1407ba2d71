"""End-to-end: set up ESP RainMaker in a real browser and switch a Thermacell hub.

Home Assistant and the RainMaker emulator run as real processes (see conftest.py);
Debian's chromium, driven by Playwright, goes through the same screens as a user:
log in, Settings, Devices & services, Add integration, the config form (first with
a wrong password, then asking for an e-mailed code), the code step, the created devices, a hub's device page and its switch. The
emulator's admin API confirms that the command reached the cloud. Screenshots of
the main screens go to artifacts/e2e/screenshots/ (docs/screenshots/ with
E2E_UPDATE_SCREENSHOTS=1).
"""

from collections.abc import Callable
import re
import time
from typing import Any

from playwright.sync_api import APIRequestContext, Page, expect
import pytest

from rainmaker_emulator import DEMO_EMAIL
from scripts import ha_bootstrap

from .harness import SCREENSHOTS, Emulator, HomeAssistant

pytestmark = pytest.mark.e2e

DEMO_DEVICES = [
    "Patio",
    "Back Yard",
    "Desk Lamp",
    "Coffee Maker",
    "Garden Lights",
    "Ceiling Fan",
    "Greenhouse",
    "Hallway Thermostat",
    "Bedroom AC",
    "Living Room Blinds",
    "Garage Door",
    "Front Door Lock",
    "Bathroom Humidity",
    "Back Door",
    "Hall Motion",
    "Desk Plug",
    "Air Monitor",
    "Kitchen Speaker",
    "Living Room TV",
]
INVALID_AUTH = "Invalid authentication: the e-mail address or password is wrong."


def poll[T](check: Callable[[], T | None], *, within: float, what: str) -> T:
    """Call `check` until it returns something other than None."""
    deadline = time.monotonic() + within
    while (result := check()) is None:
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {within:g} s waiting for {what}")
        time.sleep(0.1)
    return result


def screenshot(page: Page, name: str, *, full_page: bool = False) -> None:
    """Save a screenshot of the current screen (overwritten on every run)."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=SCREENSHOTS / name, full_page=full_page, animations="disabled")


def hub_node(admin: APIRequestContext, name: str) -> dict[str, Any]:
    """Return the emulator's view of the Thermacell hub called `name`."""
    nodes = admin.get("/_emulator/nodes").json()
    for node in nodes:
        if node["kind"] != "thermacell":
            continue
        snapshot: dict[str, Any] = admin.get(
            f"/_emulator/nodes/{node['node_id']}"
        ).json()
        if snapshot["reported"]["LIV Hub"]["Name"] == name:
            return snapshot
    raise AssertionError(f"no Thermacell hub named {name} in {nodes}")


def test_set_up_account_and_switch_repellers(
    page: Page,
    home_assistant: HomeAssistant,
    emulator: Emulator,
    admin: APIRequestContext,
) -> None:
    """A user adds the demo account in the UI and turns a hub's repellers on."""
    patio = hub_node(admin, "Patio")
    assert patio["reported"]["LIV Hub"]["Enable Repellers"] is False
    assert patio["writes"] == []

    # Log in.
    page.goto(home_assistant.url)
    page.locator("input[name=username]").fill(ha_bootstrap.HA_USERNAME)
    page.locator("input[name=password]").fill(ha_bootstrap.HA_PASSWORD)
    page.get_by_role("button", name="Log in").click()
    expect(page.locator("home-assistant-main")).to_be_attached()

    # Settings -> Devices & services -> Add integration -> ESP RainMaker.
    page.locator('ha-sidebar a[href="/config"]').click()
    page.wait_for_url("**/config/dashboard")
    page.locator("ha-config-navigation").get_by_text(
        "Devices & services", exact=True
    ).click()
    page.wait_for_url("**/config/integrations/dashboard")
    page.get_by_role("button", name="Add integration").click()
    page.get_by_placeholder("Search for a brand name").fill("ESP RainMaker")
    page.get_by_text("ESP RainMaker", exact=True).click()

    # The account form; the cloud field is a picker that also takes any address.
    dialog = page.locator("dialog-data-entry-flow")
    expect(dialog.get_by_text("Connect a RainMaker account")).to_be_visible()
    cloud = dialog.locator("ha-selector-select")
    cloud.click()
    address = page.get_by_placeholder("Search | Add custom item")
    address.fill(emulator.url)
    page.get_by_text(f'Add custom item "{emulator.url}"').click()
    expect(cloud).to_have_js_property("value", emulator.url)
    dialog.locator("input[name=username]").fill(DEMO_EMAIL)
    password = dialog.locator("input[name=password]")
    password.fill("not-the-password")
    screenshot(page, "config-flow.png")

    # A wrong password: the translated error appears in the form.
    dialog.get_by_role("button", name="Submit").click()
    expect(dialog.get_by_text(INVALID_AUTH)).to_be_visible()
    screenshot(page, "config-flow-error.png")

    # A code by e-mail instead: the code step says where it went; the code from the
    # emulator's outbox (the user's inbox) creates the entry, and every device of the
    # account is offered for naming and an area.
    password.fill("")
    dialog.locator("ha-selector-boolean ha-switch").first.click()
    dialog.get_by_role("button", name="Submit").click()
    expect(dialog.get_by_text("Enter the one-time code")).to_be_visible()
    expect(dialog.get_by_text(f"sent a one-time code to {DEMO_EMAIL}")).to_be_visible()
    codes = admin.get(f"/_emulator/accounts/{DEMO_EMAIL}/codes").json()["codes"]
    assert len(codes) == 1
    dialog.locator("input[name=code]").fill(codes[0]["code"])
    screenshot(page, "config-flow-code.png")
    dialog.get_by_role("button", name="Submit").click()
    expect(dialog.get_by_text("Name and assign")).to_be_visible()
    names = dialog.get_by_role("textbox", name="Device name")
    expect(names).to_have_count(len(DEMO_DEVICES))
    assert sorted(names.evaluate_all("inputs => inputs.map(i => i.value)")) == sorted(
        DEMO_DEVICES
    )
    screenshot(page, "config-flow-success.png")
    # The demo's hubs come with their group as area, so the dialog offers "Finish"
    # (it says "Skip and finish" when no device has an area yet).
    dialog.get_by_role("button", name=re.compile(r"^(Skip and finish|Finish)$")).click()
    expect(dialog).to_be_hidden()

    # Finishing opens the integration's page: the account with its devices.
    page.wait_for_url(re.compile(r"/config/integrations/integration/esp_rainmaker\b"))
    expect(page.get_by_text(DEMO_EMAIL)).to_be_visible()
    devices = page.get_by_role("link", name=f"{len(DEMO_DEVICES)} devices").first
    expect(devices).to_be_visible()
    screenshot(page, "integration.png")

    # The devices list, then the Patio hub's device page.
    devices.click()
    for name in DEMO_DEVICES:
        # A device's model can read like its name ("Garage Door"): the first is the name.
        expect(page.get_by_text(name, exact=True).first).to_be_visible()
    page.get_by_text("Patio", exact=True).click()
    page.wait_for_url("**/config/devices/device/**")
    # The entity row's toggle (newer frontends give the switch no accessible name).
    row = page.locator("hui-toggle-entity-row").filter(has_text="Repellers")
    repellers = row.get_by_role("switch")
    expect(repellers).not_to_be_checked()
    expect(page.get_by_text("Refill life")).to_be_visible()

    # Turn the repellers on: the cloud receives the write and the page follows.
    row.locator("ha-switch").click()

    def written() -> dict[str, Any] | None:
        node = hub_node(admin, "Patio")
        return node if node["reported"]["LIV Hub"]["Enable Repellers"] else None

    node = poll(written, within=30, what="the emulator to apply the write")
    assert node["node_id"] == patio["node_id"]
    assert [write["payload"] for write in node["writes"]] == [
        {"LIV Hub": {"Enable Repellers": True}}
    ]
    expect(repellers).to_be_checked()
    # The hub warms up after it is switched on; the status sensor shows it.
    expect(page.get_by_text("Warming up")).to_be_visible()
    expect(repellers).to_be_checked()
    screenshot(page, "device-hub.png", full_page=True)

    # The thermostat is a climate entity and the blinds a cover.
    for name, state, shot in (
        ("Hallway Thermostat", "Current temperature", "device-thermostat.png"),
        ("Living Room Blinds", "Closed", "device-blinds.png"),
    ):
        page.go_back()
        page.wait_for_url("**/config/devices/dashboard**")
        page.get_by_text(name, exact=True).first.click()
        page.wait_for_url("**/config/devices/device/**")
        # Its main entity's more-info dialog: the thermostat's dial, the blinds' position.
        controls = page.locator("ha-card").filter(has_text="Controls")
        controls.locator("state-badge").first.click()
        shown = page.get_by_text(state, exact=True).first
        expect(shown).to_be_visible()
        screenshot(page, shot)
        page.keyboard.press("Escape")
        expect(shown).to_be_hidden()
