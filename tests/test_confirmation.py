"""When to poll after a write."""

from custom_components.esp_rainmaker.confirmation import ConfirmationSchedule

KEY = ("node", "Switch", "Power")


def test_polls_while_a_value_is_pending() -> None:
    """Checks poll only while the written value is still unconfirmed."""
    schedule = ConfirmationSchedule()
    schedule.add([1.0, 2.0, 4.0], keys=[KEY])

    assert schedule.next_check({KEY}) == 1.0
    assert schedule.due(1.0, {KEY})
    assert schedule.next_check({KEY}) == 2.0
    assert not schedule.due(1.5, {KEY})
    assert schedule.next_check(set()) is None  # confirmed: nothing to wait for
    assert not schedule.due(2.0, set())
    assert len(schedule) == 0


def test_unconditional_polls() -> None:
    """Writes without an expected value poll a set number of times."""
    schedule = ConfirmationSchedule()
    schedule.add([1.0, 2.0, 3.0], unconditional=2)

    assert schedule.due(1.0, set())
    assert schedule.due(2.5, set())
    assert not schedule.due(3.0, set())
    assert schedule.next_check(set()) is None


def test_windows_share_polls_and_clear() -> None:
    """Checks of several windows due together need one poll; clear forgets them."""
    schedule = ConfirmationSchedule()
    schedule.add([1.0], unconditional=1)
    schedule.add([1.0, 5.0], keys=[KEY])

    assert schedule.due(1.0, {KEY})
    assert schedule.next_check({KEY}) == 5.0
    schedule.clear()
    assert schedule.next_check({KEY}) is None
