"""What seeding an account can create: a count per kind, its CLI flag and node names."""

# Each count `Cloud.seed` takes (and the admin API's seed, and the CLI flag that
# spells it with dashes) → the kind of node and its name (numbered when several).
# Seeding creates the kinds in this order, drawing node ids from the cloud's
# generator: the kinds the emulator started with come first, so that seeding them
# hands out the node ids it always did.
FIRST_KINDS: dict[str, tuple[str, str]] = {
    "thermacell": ("thermacell", "Patio Hub"),
    "lights": ("lightbulb", "Desk Lamp"),
    "switches": ("switch", "Coffee Maker"),
    "fans": ("fan", "Ceiling Fan"),
    "sensors": ("temperature-sensor", "Greenhouse"),
}
LATER_KINDS: dict[str, tuple[str, str]] = {
    "thermostats": ("thermostat", "Hallway Thermostat"),
    "air_conditioners": ("air-conditioner", "Bedroom AC"),
    "blinds": ("blinds", "Living Room Blinds"),
    "garage_doors": ("garage-door", "Garage Door"),
    "locks": ("lock", "Front Door Lock"),
    "humidity_sensors": ("humidity-sensor", "Bathroom Humidity"),
    "contact_sensors": ("contact-sensor", "Back Door"),
    "motion_sensors": ("motion-sensor", "Hall Motion"),
    "energy_meters": ("energy-meter", "Desk Plug"),
    "air_quality": ("air-quality", "Air Monitor"),
    "speakers": ("speaker", "Kitchen Speaker"),
    "tvs": ("tv", "Living Room TV"),
}
SEED_KINDS = FIRST_KINDS | LATER_KINDS

# The demo account: the standard kinds it started with, then (after its hubs and
# outlet, so that those keep their node ids) one of each kind added since.
DEMO_FIRST = {"lights": 1, "switches": 1, "fans": 1, "sensors": 1}
DEMO_LATER = dict.fromkeys(LATER_KINDS, 1)
# The firmware update the demo's Patio hub is offered.
DEMO_RELEASE_NOTES = (
    "Repellers warm up faster after a cartridge change; the LED no longer "
    "flickers at low brightness."
)


def cli_flag(count: str) -> str:
    """Return the command-line flag of a seed count, e.g. `--air-conditioners`."""
    return "--" + count.replace("_", "-")
