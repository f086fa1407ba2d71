"""The quality-scale checks bite: each fails once its rule is broken.

test_quality_scale.py checks, in place of core's pylint checkers, the rules core
enforces with a checker. A check that passes whatever the code does proves nothing,
so every case here copies the repository as it is now, breaks one rule in the copy
with a plain text replacement and runs that rule's check on the copy: it must fail,
with an assertion. The unmodified copy must pass all of them, or the failures would
prove nothing either.

Each run is a fresh pytest process on its own copy. Starting one costs about 5 s,
nearly all of it importing Home Assistant for the test plugin, so a small server
(started once per module) imports the plugin once and forks a child per run; the
child runs pytest on its copy as `python -m pytest` would.
"""

from collections.abc import Callable, Iterator
from dataclasses import dataclass
import json
import os
from pathlib import Path
import re
import shutil
import subprocess
import sys

import pytest

ROOT = Path(__file__).resolve().parents[2]
CHECKS = "tests/conformance/test_quality_scale.py"
INTEGRATION = Path("custom_components/esp_rainmaker")

# What test_quality_scale.py and source.py import or read (the README's links and
# Development commands for the README tests), and the pytest configuration.
COPIED = (
    "custom_components",
    "tests/__init__.py",
    "tests/conformance",
    "pyproject.toml",
    "README.md",
    "hacs.json",
    "docs",
    "scripts/develop",
    "scripts/test",
)

PYTEST_ARGS = [
    "-q",
    "-rA",
    "-p",
    "no:cacheprovider",
    "-p",
    "no:randomly",
    # `-o addopts=` also drops pyproject's `-p no:sugar`.
    "-p",
    "no:sugar",
    "-p",
    "no:cov",
    "-p",
    "no:xdist",
    "-o",
    "addopts=",
    # The server imported the plugins before pytest could rewrite their asserts.
    "-W",
    "ignore::pytest.PytestAssertRewriteWarning",
]
# Seconds a single pytest run may take before it is killed.
RUN_TIMEOUT = 120

# Run by `python -I -c` (PYTHONPATH ignored, no cwd on sys.path): nothing of the
# repository is importable until a child adds its copy to sys.path. Reads one JSON
# request a line ({"root", "log", "args", "timeout"}), forks a child that runs pytest
# in `root` with `root` on PYTHONPATH and its output in `log`, and writes the child's
# exit code back as one line.
SERVER = """
import json, os, signal, sys, threading, traceback

sys.dont_write_bytecode = True
import pytest
import pytest_homeassistant_custom_component.plugins  # the slow part of a start

assert threading.active_count() == 1, "cannot fork safely"
assert not [m for m in sys.modules if m.split(".")[0] in ("custom_components", "tests")]
for line in sys.stdin:
    request = json.loads(line)
    sys.stdout.flush()
    pid = os.fork()
    if pid == 0:
        rc = 99
        try:
            signal.alarm(request["timeout"])
            os.dup2(os.open(os.devnull, os.O_RDONLY), 0)
            log = os.open(request["log"], os.O_WRONLY | os.O_CREAT | os.O_TRUNC)
            os.dup2(log, 1)
            os.dup2(log, 2)
            os.chdir(request["root"])
            os.environ["PYTHONPATH"] = request["root"]
            sys.path.insert(0, request["root"])
            rc = int(pytest.main(request["args"]))
        except BaseException:
            traceback.print_exc()
        finally:
            sys.stdout.flush()
            sys.stderr.flush()
            os._exit(rc)
    _, status = os.waitpid(pid, 0)
    print(json.dumps(os.waitstatus_to_exitcode(status)), flush=True)
"""


@dataclass(frozen=True)
class Run:
    """The outcome of one pytest run on a copy."""

    returncode: int
    output: str

    def counts(self) -> dict[str, int]:
        """Return the final summary line's counts (`{"failed": 1}`), warnings aside."""
        lines = self.output.strip().splitlines()
        last = lines[-1] if lines else ""
        return {
            word: int(number)
            for number, word in re.findall(r"(\d+) (\w+)", last.split(" in ")[0])
            if word not in ("warning", "warnings")
        }


type Runner = Callable[[Path, list[str]], Run]


def _copy(target: Path) -> None:
    """Copy what the quality-scale tests need from the repository into `target`."""
    ignore = shutil.ignore_patterns("__pycache__", "*.pyc")
    for name in COPIED:
        source, destination = ROOT / name, target / name
        assert source.exists(), f"{name} is gone: update COPIED"
        destination.parent.mkdir(parents=True, exist_ok=True)
        if source.is_dir():
            shutil.copytree(source, destination, ignore=ignore)
        else:
            shutil.copy2(source, destination)


@pytest.fixture(scope="module")
def pristine(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A copy of the repository as it is now, shared (read only) by every case."""
    root = tmp_path_factory.mktemp("pristine")
    _copy(root)
    return root


def _environment() -> dict[str, str]:
    """Return the environment without the outer run's pytest, xdist and coverage."""
    return {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("PYTEST_", "COV_CORE_", "COVERAGE_", "PYTHON"))
    }


@pytest.fixture(scope="module")
def run_checks(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Runner]:
    """Run quality-scale tests on a copy, each run in a fresh (forked) process."""
    logs = tmp_path_factory.mktemp("logs")
    server = subprocess.Popen(  # noqa: S603 - our own code, no shell
        [sys.executable, "-I", "-c", SERVER],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        cwd=logs,
        env=_environment(),
        text=True,
    )
    stdin, stdout = server.stdin, server.stdout
    assert stdin is not None
    assert stdout is not None
    runs = 0

    def run(root: Path, tests: list[str]) -> Run:
        nonlocal runs
        runs += 1
        log = logs / f"run-{runs}.log"
        request = {
            "root": str(root),
            "log": str(log),
            "args": [*PYTEST_ARGS, *(f"{CHECKS}::{test}" for test in tests)],
            "timeout": RUN_TIMEOUT,
        }
        stdin.write(json.dumps(request) + "\n")
        stdin.flush()
        reply = stdout.readline()
        assert reply, f"the server died (exit code {server.poll()})"
        return Run(json.loads(reply), log.read_text("utf-8") if log.exists() else "")

    yield run
    stdin.close()
    try:
        server.wait(timeout=30)
    except subprocess.TimeoutExpired:
        server.kill()
        server.wait()
    stdout.close()


@dataclass(frozen=True)
class Mutation:
    """Break one rule: replace `old` (which must occur once) by `new` in a file."""

    test: str
    file: str
    old: str
    new: str


MUTATIONS = [
    Mutation(
        "test_has_entity_name",
        "entity.py",
        "    _attr_has_entity_name = True\n",
        "",
    ),
    Mutation(
        "test_entity_unique_id",
        "entity.py",
        "        self._attr_unique_id = entity_unique_id(\n"
        "            node.node_id, device_name, description.key\n"
        "        )\n",
        "",
    ),
    Mutation("test_parallel_updates", "switch.py", "PARALLEL_UPDATES = 0\n", ""),
    Mutation(
        "test_runtime_data",
        "__init__.py",
        "    entry.runtime_data = RainMakerRuntimeData(\n",
        "    hass.data.setdefault(DOMAIN, {})[entry.entry_id] = coordinator\n"
        "    _unused = (\n",
    ),
    Mutation(
        "test_config_entry_unloading",
        "__init__.py",
        "    return await hass.config_entries.async_unload_platforms(entry, PLATFORMS)\n",
        "    return True\n",
    ),
    # A secret left out of the redaction.
    Mutation("test_diagnostics", "diagnostics.py", "    CONF_PASSWORD,\n", ""),
    Mutation(
        "test_reauthentication_flow",
        "config_flow.py",
        "    async def async_step_reauth(\n"
        "        self, entry_data: Mapping[str, Any]\n"
        "    ) -> ConfigFlowResult:\n"
        '        """Start re-authentication after the cloud refused the stored session."""\n'
        "        return await self.async_step_reauth_confirm()\n"
        "\n",
        "",
    ),
    # The LED's turn-off writes through the client, bypassing async_send (and its
    # translated errors).
    Mutation(
        "test_action_exceptions",
        "light.py",
        "        await self.coordinator.async_send(\n"
        "            self.node_id, self.device_name, {PARAM_LED_BRIGHTNESS: 0}\n"
        "        )\n",
        "        await self.coordinator.client.set_params(\n"
        "            {self.node_id: {self.device_name: {PARAM_LED_BRIGHTNESS: 0}}}\n"
        "        )\n",
    ),
    Mutation(
        "test_exception_translations",
        "coordinator.py",
        "            raise HomeAssistantError(\n"
        "                translation_domain=DOMAIN,\n"
        '                translation_key="node_not_found",\n'
        '                translation_placeholders={"node_id": node_id},\n'
        "            )\n",
        '            raise HomeAssistantError(f"Node {node_id} is not in the account")\n',
    ),
    # The user step creates the entry without logging in.
    Mutation(
        "test_test_before_configure",
        "config_flow.py",
        "            result = await self._sign_in(\n"
        "                user_input[CONF_URL],\n"
        "                user_input[CONF_USERNAME].strip(),\n"
        "                password_of(user_input),\n"
        "            )\n",
        '            result = self.async_create_entry(title="x", data=user_input)\n',
    ),
    # The unique id is set, but a second entry for the account is not refused.
    Mutation(
        "test_unique_config_entry",
        "config_flow.py",
        "            self._abort_if_unique_id_configured()\n",
        "",
    ),
]
TESTS = [mutation.test for mutation in MUTATIONS]


def test_cases_cover_the_checked_rules() -> None:
    """One mutation per test of the checked rules, each naming an existing test."""
    assert len(set(TESTS)) == len(TESTS) == 11
    source = (ROOT / CHECKS).read_text("utf-8")
    assert [test for test in TESTS if f"def {test}(" not in source] == []


def test_unmodified_copy_passes(pristine: Path, run_checks: Runner) -> None:
    """The copy as it is passes every check, none skipped."""
    run = run_checks(pristine, TESTS)
    assert run.returncode == 0, run.output
    assert run.counts() == {"passed": len(TESTS)}, run.output
    for test in TESTS:
        assert f"PASSED {CHECKS}::{test}\n" in run.output, run.output


@pytest.mark.parametrize("mutation", MUTATIONS, ids=TESTS)
def test_check_fails_when_rule_broken(
    mutation: Mutation, pristine: Path, run_checks: Runner, tmp_path: Path
) -> None:
    """The rule's check fails, on an assertion, once the copy breaks the rule."""
    root = tmp_path / "repo"
    shutil.copytree(pristine, root)
    path = root / INTEGRATION / mutation.file
    text = path.read_text("utf-8")
    assert text.count(mutation.old) == 1, (
        f"{mutation.file} no longer contains the snippet this case breaks "
        f"exactly once: update the case\n{mutation.old}"
    )
    mutated = text.replace(mutation.old, mutation.new)
    # Still valid Python: the check must fail on the rule, not on a syntax error.
    compile(mutated, str(path), "exec")
    path.write_text(mutated, "utf-8")

    run = run_checks(root, [mutation.test])
    assert run.returncode == 1, run.output
    assert run.counts() == {"failed": 1}, run.output
    failed = re.escape(f"FAILED {CHECKS}::{mutation.test}")
    assert re.search(rf"^{failed}( - .*)?$", run.output, re.MULTILINE), run.output
    # Failed on an assert of the check, not on an exception from elsewhere.
    assert re.search(
        rf"^{re.escape(CHECKS)}:\d+: AssertionError$", run.output, re.MULTILINE
    ), run.output
