"""When to poll after a write."""

from custom_components.esp_rainmaker.confirmation import ConfirmationSchedule

KEY = ("node", "Switch", "Power")


def test_checks_while_a_value_is_pending() -> None:
    """Checks ask for the node only while the written value is unconfirmed."""
    schedule = ConfirmationSchedule()
    schedule.add([1.0, 2.0, 4.0], keys=[KEY])

    assert schedule.next_check({KEY}) == 1.0
    assert schedule.due(1.0, {KEY}) == {"node"}
    assert schedule.next_check({KEY}) == 2.0
    assert schedule.due(1.5, {KEY}) == set()
    assert schedule.next_check(set()) is None  # confirmed: nothing to wait for
    assert schedule.due(2.0, set()) == set()
    assert len(schedule) == 0


def test_unconditional_checks() -> None:
    """Writes without an expected value check their node a set number of times."""
    schedule = ConfirmationSchedule()
    schedule.add([1.0, 2.0, 3.0], nodes=["hub"], unconditional=2)

    assert schedule.due(1.0, set()) == {"hub"}
    assert schedule.due(2.5, set()) == {"hub"}
    assert schedule.due(3.0, set()) == set()
    assert schedule.next_check(set()) is None


def test_newer_write_takes_the_value_over() -> None:
    """A write of a value an older window waits for ends that window's claim."""
    schedule = ConfirmationSchedule()
    schedule.add([1.0, 10.0], keys=[KEY])
    schedule.add([20.0], keys=[KEY])

    assert schedule.next_check({KEY}) == 20.0
    assert len(schedule) == 1


def test_windows_share_checks_and_clear() -> None:
    """Windows due together need one fetch of their nodes; clear forgets them."""
    schedule = ConfirmationSchedule()
    schedule.add([1.0], nodes=["hub"], unconditional=1)
    schedule.add([1.0, 5.0], keys=[KEY])

    assert schedule.due(1.0, {KEY}) == {"hub", "node"}
    assert schedule.next_check({KEY}) == 5.0
    schedule.clear()
    assert schedule.next_check({KEY}) is None
