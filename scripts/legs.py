#!/usr/bin/env python3
"""The test legs: the Home Assistant releases the integration is tested on.

  minimum   exactly the release hacs.json declares (the oldest one users may run)
  newest    the newest release pytest-homeassistant-custom-component supports,
            resolved from PyPI at set-up, so next month's release is picked up
            without a change here

Each leg gets a virtual environment with that Home Assistant, the test plugin and
the tools of requirements_test.txt. Its Python comes from this machine when one
satisfies the release's Requires-Python; otherwise from a minimal Debian root that
debootstrap builds under .legs/<leg>/root (as root, once; rebuilt when its inputs
change). Commands then run chrooted in a private mount namespace, with the
repository bind-mounted at its own path, so paths, loopback ports and files are
the same inside and out, and nothing stays mounted afterwards.

    scripts/leg setup LEG            build or update the leg's environment
    scripts/leg run LEG CMD [ARG..]  run CMD in it (the leg's venv first on PATH)
    scripts/leg system LEG CMD ...   run CMD with the leg's system only (no venv)
    scripts/leg need LEG CHECK PKG..  install Debian packages unless the shell
                                     command CHECK succeeds in the leg
    scripts/leg info LEG             print what the leg runs, as JSON

Standard library only: this runs on whatever python3 the machine has.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
import fcntl
import hashlib
import json
import os
from pathlib import Path
import re
import shutil
import subprocess
import sys
import time
from typing import Any, NoReturn, cast
import urllib.error
import urllib.request

ROOT = Path(__file__).resolve().parents[1]
LEGS_DIR = ROOT / ".legs"
LEGS = ("minimum", "newest")
PLUGIN = "pytest-homeassistant-custom-component"
PYPI = "https://pypi.org/pypi"
# Extra pins of a leg, for dependencies its Home Assistant release leaves loose.
LEG_CONSTRAINTS = {"minimum": ROOT / "constraints_minimum.txt"}
REQUIREMENTS = ROOT / "requirements_test.txt"
# The Debian suite whose python3.X this machine's registry serves, by minor version.
DEBIAN_SUITES = {(3, 13): "trixie", (3, 14): "forky"}
ROOT_FORMAT = 1  # bump to rebuild every Debian root
ROOT_PACKAGES = ("ca-certificates", "tzdata")
ROOT_VENV = "/opt/venv"
HOST_CA = "/etc/ssl/certs/host-ca.crt"
APT_SOURCES = Path("/etc/apt")
# Re-ask PyPI for the newest release at most this often (seconds) ...
RESOLVE_MAX_AGE = 3600.0
# ... and keep using the last answer when PyPI cannot be reached.


class LegError(Exception):
    """Something the user can act on; printed as one line."""


def fail(message: str) -> NoReturn:
    """Print one clear error line and exit."""
    print(f"error: {message}", file=sys.stderr)
    sys.exit(1)


def note(message: str) -> None:
    """Progress for the user (stderr, so stdout stays clean for `info`)."""
    print(message, file=sys.stderr, flush=True)


# Versions ------------------------------------------------------------------------


def parse_version(text: str) -> tuple[int, ...]:
    """Return the leading numeric release of a version string ('3.14.8+' -> (3, 14, 8))."""
    match = re.match(r"\s*(\d+(?:\.\d+)*)", text)
    if match is None:
        raise ValueError(f"not a version: {text!r}")
    return tuple(int(part) for part in match.group(1).split("."))


def _padded(version: tuple[int, ...], length: int) -> tuple[int, ...]:
    return version + (0,) * (length - len(version))


def satisfies(version: tuple[int, ...], spec: str | None) -> bool:
    """Tell whether `version` meets a Requires-Python specifier such as '>=3.13.2'."""
    for raw in (spec or "").split(","):
        clause = raw.strip()
        if not clause:
            continue
        match = re.fullmatch(r"(>=|<=|==|!=|>|<|~=)\s*([\d.]+)(\.\*)?", clause)
        if match is None:
            raise LegError(f"cannot read the Python requirement {spec!r}")
        operator, bound_text, wildcard = match.groups()
        bound = parse_version(bound_text)
        length = max(len(version), len(bound))
        left, right = _padded(version, length), _padded(bound, length)
        if wildcard:
            left = version[: len(bound)]
            right = bound
        ok = {
            ">=": left >= right,
            "<=": left <= right,
            ">": left > right,
            "<": left < right,
            "==": left == right,
            "!=": left != right,
            "~=": left >= right and version[: len(bound) - 1] == bound[:-1],
        }[operator]
        if not ok:
            return False
    return True


def dotted(version: tuple[int, ...]) -> str:
    """Return (3, 14, 8) as '3.14.8'."""
    return ".".join(map(str, version))


# What each leg tests -------------------------------------------------------------


@dataclass
class Release:
    """The Home Assistant release of a leg and what it needs."""

    homeassistant: str
    requires_python: str | None
    plugin: str | None  # None: the installer picks the plugin release for it
    resolved_at: float


def pypi_json(project: str) -> dict[str, Any]:
    """Return PyPI's JSON description of a project (three tries)."""
    url = f"{PYPI}/{project}/json"
    last: Exception | None = None
    for attempt in range(3):
        try:
            with urllib.request.urlopen(url, timeout=20) as response:  # noqa: S310 - fixed https URL
                return cast("dict[str, Any]", json.load(response))
        except (urllib.error.URLError, TimeoutError, OSError, ValueError) as err:
            last = err
            time.sleep(attempt)
    raise LegError(f"cannot read {url}: {last}")


def hacs_minimum() -> str:
    """Return the Home Assistant release hacs.json declares as the minimum."""
    try:
        version = json.loads((ROOT / "hacs.json").read_text())["homeassistant"]
    except (OSError, ValueError, KeyError) as err:
        raise LegError(f"hacs.json declares no Home Assistant version: {err}") from err
    if not re.fullmatch(r"\d{4}\.\d+\.\d+", version):
        raise LegError(f"hacs.json's homeassistant {version!r} is not an exact release")
    return str(version)


def requires_python(version: str) -> str | None:
    """Return Home Assistant `version`'s Requires-Python, from its files on PyPI."""
    files = pypi_json("homeassistant")["releases"].get(version)
    if not files:
        raise LegError(f"Home Assistant {version} is not on PyPI")
    spec = files[0].get("requires_python")
    return spec if isinstance(spec, str) else None


def _resolve(leg: str) -> Release:
    if leg == "minimum":
        version = hacs_minimum()
        return Release(version, requires_python(version), None, time.time())
    plugin = pypi_json(PLUGIN)["info"]
    pins = [
        match.group(1)
        for requirement in plugin.get("requires_dist") or []
        if (
            match := re.fullmatch(
                r"homeassistant\s*==\s*([\w.]+)", requirement.split(";")[0].strip()
            )
        )
    ]
    if not pins:
        raise LegError(f"{PLUGIN} {plugin['version']} pins no homeassistant release")
    return Release(pins[0], requires_python(pins[0]), plugin["version"], time.time())


def resolve(leg: str, *, refresh: bool) -> Release:
    """Return the leg's release: from PyPI when due, else the last answer."""
    cache = LEGS_DIR / leg / "release.json"
    cached = None
    if cache.exists():
        try:
            cached = Release(**json.loads(cache.read_text()))
        except (ValueError, TypeError):
            cached = None
    due = (
        cached is None
        or (leg == "minimum" and cached.homeassistant != hacs_minimum())
        or (
            refresh
            and leg == "newest"
            and time.time() - cached.resolved_at > RESOLVE_MAX_AGE
        )
    )
    if not due and cached is not None:
        return cached
    try:
        release = _resolve(leg)
    except LegError as err:
        if cached is None or (
            leg == "minimum" and cached.homeassistant != hacs_minimum()
        ):
            raise
        note(f"{leg}: {err}; keeping Home Assistant {cached.homeassistant}")
        return cached
    cache.parent.mkdir(parents=True, exist_ok=True)
    cache.write_text(json.dumps(asdict(release), indent=2) + "\n")
    return release


# Where a leg's Python comes from -------------------------------------------------


def host_pythons() -> list[tuple[tuple[int, ...], str]]:
    """Every Python interpreter on this machine with a working venv module."""
    candidates = [
        shutil.which(name) for name in ("python3.14", "python3.13", "python3")
    ]
    pyenv = shutil.which("pyenv")
    if pyenv:
        try:
            pyenv_root = subprocess.run(
                [pyenv, "root"], capture_output=True, text=True, check=True
            ).stdout.strip()
            candidates += [
                str(p) for p in Path(pyenv_root, "versions").glob("3.*/bin/python3")
            ]
        except (OSError, subprocess.CalledProcessError):
            pass
    found: dict[str, tuple[int, ...]] = {}
    for candidate in filter(None, candidates):
        path = os.path.realpath(candidate)
        if path in found:
            continue
        try:
            out = subprocess.run(
                [
                    path,
                    "-c",
                    "import sys, venv, ensurepip; print(*sys.version_info[:3], sep='.')",
                ],
                capture_output=True,
                text=True,
                timeout=30,
                check=True,
            ).stdout.strip()
        except (OSError, subprocess.SubprocessError):
            continue
        found[path] = parse_version(out)
    return sorted(((version, path) for path, version in found.items()), reverse=True)


@dataclass
class Place:
    """Where a leg runs: this machine's Python, or a Debian root."""

    python: str  # the base interpreter (a path inside the root for a root)
    python_version: str
    root: str | None  # the Debian root, or None on this machine
    suite: str | None
    venv: str  # the venv (a path inside the root for a root)

    def describe(self) -> str:
        """Say where the leg runs, for people."""
        where = f"a Debian {self.suite} root" if self.root else "this machine"
        return f"Python {self.python_version} ({where})"


def choose_place(leg: str, release: Release) -> Place:
    """Pick a host Python for the leg, else the Debian suite that has one."""
    spec = release.requires_python
    usable = [(v, p) for v, p in host_pythons() if satisfies(v, spec)]
    # The oldest Python that runs the oldest release, the newest for the newest.
    if leg == "minimum":
        usable.reverse()
    if usable and not os.environ.get("LEGS_FORCE_ROOT"):
        version, path = usable[0]
        return Place(path, dotted(version), None, None, str(LEGS_DIR / leg / "venv"))
    for minor, suite in sorted(DEBIAN_SUITES.items(), reverse=leg == "newest"):
        # A suite's Python is at least minor.0; the exact version is checked once built.
        if satisfies((*minor, 99), spec):
            return Place(
                f"/usr/bin/python{dotted(minor)}",
                dotted(minor),
                str(LEGS_DIR / leg / "root"),
                suite,
                ROOT_VENV,
            )
    raise LegError(
        f"Home Assistant {release.homeassistant} needs Python {spec}; this machine has "
        f"none and no Debian suite known here provides one"
    )


# The Debian root -----------------------------------------------------------------


def debian_mirror() -> str:
    """Return the Debian mirror this machine's apt uses (deb822 or one-line sources)."""
    texts = []
    for path in [
        APT_SOURCES / "sources.list",
        *sorted((APT_SOURCES / "sources.list.d").glob("*")),
    ]:
        try:
            texts.append(path.read_text())
        except OSError:
            continue
    for text in texts:
        for uri in re.findall(r"^URIs:\s*(\S+)", text, re.MULTILINE) + re.findall(
            r"^deb\s+(?:\[[^]]*\]\s+)?(\S+)", text, re.MULTILINE
        ):
            if "security" not in uri and "/debian" in uri:
                return str(uri).rstrip("/")
    return "http://deb.debian.org/debian"


def _need_root_user(why: str) -> None:
    """Raise unless running as root, which the Debian root needs."""
    if os.geteuid() != 0:
        raise LegError(
            f"{why} needs root (debootstrap, chroot and mounts); run as root or install that Python"
        )


def ensure_debootstrap() -> str:
    """Return debootstrap's path, installing it with apt-get when missing."""
    found = shutil.which("debootstrap") or (
        "/usr/sbin/debootstrap" if Path("/usr/sbin/debootstrap").exists() else None
    )
    if found:
        return found
    apt_get = shutil.which("apt-get")
    if apt_get is None:
        raise LegError(
            "debootstrap is missing and apt-get is not available to install it"
        )
    note("Installing debootstrap with apt-get")
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    install = [
        apt_get,
        "install",
        "-y",
        "-qq",
        "--no-install-recommends",
        "debootstrap",
    ]
    if subprocess.run(install, env=env, capture_output=True, check=False).returncode:
        subprocess.run(
            [apt_get, "update", "-qq"], env=env, capture_output=True, check=False
        )
        result = subprocess.run(
            install, env=env, capture_output=True, text=True, check=False
        )
        if result.returncode:
            raise LegError(
                f"apt-get could not install debootstrap: {result.stderr.strip()[-300:]}"
            )
    return shutil.which("debootstrap") or "/usr/sbin/debootstrap"


def ensure_root(place: Place) -> None:
    """Build the Debian root when it is missing or its inputs changed."""
    if place.root is None or place.suite is None:
        raise LegError("the leg does not run in a Debian root")
    root = Path(place.root)
    packages = sorted(
        {
            *ROOT_PACKAGES,
            f"python{place.python_version}",
            f"python{place.python_version}-venv",
        }
    )
    wanted = {"format": ROOT_FORMAT, "suite": place.suite, "packages": packages}
    stamp = root / ".leg-root.json"
    if stamp.exists() and json.loads(stamp.read_text()) == wanted:
        return
    _need_root_user(f"Python {place.python_version} from Debian {place.suite}")
    debootstrap = ensure_debootstrap()
    if root.exists():
        note(f"Rebuilding the Debian root {root.relative_to(ROOT)}")
        _remove_tree(root)
    mirror = debian_mirror()
    scripts = Path("/usr/share/debootstrap/scripts")
    # Older debootstrap releases lack newer suites; every Debian suite uses sid's script.
    script = (
        scripts / place.suite if (scripts / place.suite).exists() else scripts / "sid"
    )
    note(
        f"Building a Debian {place.suite} root with Python {place.python_version} from {mirror} (about 30 s)"
    )
    partial = root.with_name(root.name + ".partial")
    _remove_tree(partial)
    partial.parent.mkdir(parents=True, exist_ok=True)
    result = subprocess.run(
        [
            debootstrap,
            "--variant=minbase",
            f"--include={','.join(packages)}",
            place.suite,
            str(partial),
            mirror,
            str(script),
        ],
        capture_output=True,
        text=True,
        check=False,
    )
    if result.returncode:
        lines = [
            line
            for line in (result.stdout + result.stderr).splitlines()
            if line.strip()
        ]
        raise LegError(
            f"debootstrap failed: {lines[-1] if lines else result.returncode}"
        )
    # The registry's snapshot may be older than its Release file's Valid-Until.
    (partial / "etc/apt/apt.conf.d/99legs").write_text(
        'Acquire::Check-Valid-Until "false";\n'
    )
    partial.rename(root)
    stamp.write_text(json.dumps(wanted) + "\n")


def _remove_tree(path: Path) -> None:
    if not path.exists():
        return
    # Never follow a mount into the repository: a crashed run leaves none (private
    # namespace), but be certain before deleting recursively.
    for mount in Path("/proc/self/mounts").read_text().splitlines():
        target = mount.split()[1].replace("\\040", " ")
        if target.startswith(str(path) + "/"):
            raise LegError(f"{target} is mounted; unmount it before rebuilding")
    shutil.rmtree(path)


def _sync_host_files(root: Path) -> None:
    """Keep the root's DNS and CA bundle the same as this machine's."""
    copies = {Path("/etc/resolv.conf"): root / "etc/resolv.conf"}
    ca = os.environ.get("SSL_CERT_FILE") or "/etc/ssl/certs/ca-certificates.crt"
    if Path(ca).is_file():
        copies[Path(ca)] = root / HOST_CA.lstrip("/")
    for source, target in copies.items():
        try:
            data = source.read_bytes()
        except OSError:
            continue
        if not target.exists() or target.read_bytes() != data:
            if target.is_symlink():
                target.unlink()
            target.write_bytes(data)


# Running commands ----------------------------------------------------------------


def leg_env(place: Place, *, venv: bool) -> dict[str, str]:
    """Return the environment of a command in the leg."""
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in {"PATH", "VIRTUAL_ENV", "PYTHONHOME", "PYENV_VERSION"}
        and not k.startswith(("PIP_", "UV_", "LD_"))
    }
    path = [
        "/usr/local/sbin",
        "/usr/local/bin",
        "/usr/sbin",
        "/usr/bin",
        "/sbin",
        "/bin",
    ]
    if place.root is None:
        path = [p for p in os.environ.get("PATH", "").split(os.pathsep) if p] or path
    if venv:
        env["VIRTUAL_ENV"] = place.venv
        path.insert(0, f"{place.venv}/bin")
    env["PATH"] = os.pathsep.join(path)
    if place.root is not None:
        env["HOME"] = "/root"
        env.setdefault("LANG", "C.UTF-8")
        for name in (
            "SSL_CERT_FILE",
            "PIP_CERT",
            "REQUESTS_CA_BUNDLE",
            "CURL_CA_BUNDLE",
        ):
            env[name] = HOST_CA
        env.pop("SSL_CERT_DIR", None)
    return env


def run_in(place: Place, argv: list[str], *, venv: bool = True) -> NoReturn:
    """Replace this process with `argv` run in the leg (signals reach it directly)."""
    env = leg_env(place, venv=venv)
    if place.root is None:
        _exec(argv, env)
    _need_root_user("running in the Debian root")
    _sync_host_files(Path(place.root))
    env["LEGS_ENTER"] = json.dumps(
        {"root": place.root, "cwd": os.getcwd(), "argv": argv}
    )
    # A private mount namespace: the mounts vanish with the command.
    _exec(
        [
            _tool("unshare"),
            "--mount",
            "--propagation",
            "private",
            sys.executable,
            __file__,
            "_enter",
        ],
        env,
    )


def _tool(name: str) -> str:
    """Return the path of a system tool (util-linux's unshare and mount)."""
    found = shutil.which(name) or shutil.which(
        name, path="/usr/sbin:/usr/bin:/sbin:/bin"
    )
    if found is None:
        raise LegError(f"{name} is missing (util-linux)")
    return found


def _exec(argv: list[str], env: dict[str, str]) -> NoReturn:
    try:
        os.execvpe(argv[0], argv, env)  # noqa: S606 - the user's own command
    except OSError as err:
        fail(f"cannot run {argv[0]}: {err.strerror}")


def _enter() -> NoReturn:
    """Inside the new mount namespace: mount, chroot, exec the command."""
    spec = json.loads(os.environ.pop("LEGS_ENTER"))
    root = spec["root"]
    mounts = [
        ["--bind", str(ROOT), f"{root}{ROOT}"],
        ["-t", "proc", "proc", f"{root}/proc"],
        ["--rbind", "/dev", f"{root}/dev"],
        ["--rbind", "/sys", f"{root}/sys"],
    ]
    Path(f"{root}{ROOT}").mkdir(parents=True, exist_ok=True)
    for args in mounts:
        result = subprocess.run(
            [_tool("mount"), *args], capture_output=True, text=True, check=False
        )
        if result.returncode:
            fail(f"cannot mount {args[-1]}: {result.stderr.strip()}")
    os.chroot(root)
    os.chdir(spec["cwd"])
    _exec(spec["argv"], dict(os.environ))


def run_capture(
    place: Place, argv: list[str], *, venv: bool = True
) -> subprocess.CompletedProcess[str]:
    """Run `argv` in the leg as a child process and return what it printed."""
    command = [
        sys.executable,
        __file__,
        "_run",
        json.dumps(asdict(place)),
        "venv" if venv else "system",
        *argv,
    ]
    return subprocess.run(
        command, capture_output=True, text=True, check=False, cwd=ROOT
    )


def run_checked(place: Place, argv: list[str], what: str, *, venv: bool = True) -> str:
    """Run `argv` in the leg; return its output, or raise naming `what` failed."""
    result = run_capture(place, argv, venv=venv)
    if result.returncode:
        lines = [
            line
            for line in (result.stdout + result.stderr).splitlines()
            if line.strip()
        ]
        tail = " | ".join(lines[-3:]) if lines else f"exit {result.returncode}"
        raise LegError(f"{what} failed: {tail}")
    return result.stdout


# The leg's virtual environment ---------------------------------------------------


def _requirements(leg: str, release: Release) -> list[str]:
    plugin = f"{PLUGIN}=={release.plugin}" if release.plugin else PLUGIN
    args = ["-r", str(REQUIREMENTS), f"homeassistant=={release.homeassistant}", plugin]
    constraints = LEG_CONSTRAINTS.get(leg)
    if constraints is not None and constraints.exists():
        args += ["-c", str(constraints)]
    return args


def _inputs_digest(leg: str) -> str:
    digest = hashlib.sha256()
    for path in (REQUIREMENTS, LEG_CONSTRAINTS.get(leg)):
        if path is not None and path.exists():
            digest.update(path.read_bytes())
    return digest.hexdigest()


def _host_path(place: Place, path: str) -> Path:
    return Path(f"{place.root}{path}") if place.root else Path(path)


def ensure_venv(leg: str, place: Place, release: Release) -> None:
    """Create or update the leg's venv (quick when nothing changed)."""
    wanted = {
        "python": place.python,
        "python_version": place.python_version,
        "homeassistant": release.homeassistant,
        "plugin": release.plugin,
        "inputs": _inputs_digest(leg),
    }
    venv = _host_path(place, place.venv)
    stamp = venv / ".leg.json"
    if stamp.exists() and json.loads(stamp.read_text()) == wanted:
        return
    previous = json.loads(stamp.read_text()) if stamp.exists() else {}
    if not (venv / "bin/python").exists() or previous.get("python") != place.python:
        if venv.exists():
            shutil.rmtree(venv)
        note(f"{leg}: creating the venv with {place.describe()}")
        run_checked(
            place,
            [place.python, "-m", "venv", place.venv],
            "creating the venv",
            venv=False,
        )
    python = f"{place.venv}/bin/python"
    note(f"{leg}: installing Home Assistant {release.homeassistant} and the test tools")
    run_checked(
        place,
        [
            python,
            "-m",
            "pip",
            "install",
            "--quiet",
            "--disable-pip-version-check",
            "uv",
        ],
        "installing uv",
    )
    run_checked(
        place,
        [
            python,
            "-m",
            "uv",
            "pip",
            "install",
            "--quiet",
            "--python",
            python,
            *_requirements(leg, release),
        ],
        f"installing the {leg} leg's requirements",
    )
    stamp.write_text(json.dumps(wanted) + "\n")


def installed_versions(place: Place) -> dict[str, str]:
    """Return the leg's Home Assistant, test plugin and Python versions."""
    script = (
        "import importlib.metadata as m, json, sys; "
        f"print(json.dumps({{'homeassistant': m.version('homeassistant'), 'plugin': m.version('{PLUGIN}'), "
        "'python': '.'.join(map(str, sys.version_info[:3]))}))"
    )
    output = run_checked(
        place, ["python", "-c", script], "reading the installed versions"
    )
    return cast("dict[str, str]", json.loads(output))


def need_packages(place: Place, check: str, packages: list[str]) -> None:
    """Install Debian `packages` into the leg's system unless `check` succeeds there."""
    if run_capture(place, ["sh", "-c", check]).returncode == 0:
        return
    names = " ".join(packages)
    apt = ["apt-get", "-qq"]
    if place.root is None:
        if not shutil.which("apt-get"):
            raise LegError(
                f"`{check}` fails and apt-get is not available to install {names}"
            )
        if os.geteuid() != 0:
            apt.insert(0, "sudo")
    note(
        f"Installing {names} with apt-get{' in the Debian root' if place.root else ''}"
    )
    run_checked(place, [*apt, "update"], "apt-get update", venv=False)
    run_checked(
        place,
        [
            "env",
            "DEBIAN_FRONTEND=noninteractive",
            *apt,
            "install",
            "-y",
            "--no-install-recommends",
            *packages,
        ],
        f"installing {names}",
        venv=False,
    )
    if run_capture(place, ["sh", "-c", check]).returncode != 0:
        raise LegError(f"`{check}` still fails after installing {names}")


# Commands ------------------------------------------------------------------------


def setup(leg: str, *, refresh: bool = True) -> Place:
    """Build or update the leg; return where it runs."""
    leg_dir = LEGS_DIR / leg
    leg_dir.mkdir(parents=True, exist_ok=True)
    with (leg_dir / ".lock").open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        release = resolve(leg, refresh=refresh)
        place = choose_place(leg, release)
        if place.root is not None:
            ensure_root(place)
            actual = run_checked(
                place,
                [
                    place.python,
                    "-c",
                    "import sys; print(*sys.version_info[:3], sep='.')",
                ],
                "checking the root's Python",
                venv=False,
            ).strip()
            if not satisfies(parse_version(actual), release.requires_python):
                raise LegError(
                    f"Debian {place.suite}'s Python {actual} does not satisfy {release.requires_python}"
                )
            place.python_version = actual
        ensure_venv(leg, place, release)
        (leg_dir / "place.json").write_text(json.dumps(asdict(place), indent=2) + "\n")
    return place


def current_place(leg: str) -> Place:
    """Where an already set-up leg runs (setting it up when it is not)."""
    saved = LEGS_DIR / leg / "place.json"
    if saved.exists():
        place = Place(**json.loads(saved.read_text()))
        if _host_path(place, place.venv).joinpath(".leg.json").exists():
            return place
    return setup(leg, refresh=False)


def _command(argv: list[str]) -> list[str]:
    command = argv[1:] if argv[:1] == ["--"] else argv
    if not command:
        fail("no command given")
    return command


def main(argv: list[str]) -> int:
    """Run one command (see the module docstring)."""
    try:
        match argv:
            case ["_enter"]:
                _enter()
            case ["_run", saved, venv, *command]:
                run_in(Place(**json.loads(saved)), command, venv=venv == "venv")
            case ["setup", leg] if leg in LEGS:
                place = setup(leg)
                versions = installed_versions(place)
                note(
                    f"{leg}: Home Assistant {versions['homeassistant']}, "
                    f"{PLUGIN} {versions['plugin']}, {place.describe()}"
                )
            case ["info", leg] if leg in LEGS:
                place = current_place(leg)
                print(
                    json.dumps(
                        {"leg": leg, **asdict(place), **installed_versions(place)},
                        indent=2,
                    )
                )
            case ["need", leg, check, *packages] if leg in LEGS and packages:
                need_packages(current_place(leg), check, packages)
            case ["run" | "system" as how, leg, *command] if leg in LEGS:
                run_in(current_place(leg), _command(command), venv=how == "run")
            case _:
                print(__doc__.split("\n\n")[1], file=sys.stderr)
                fail(
                    f"unknown command {' '.join(argv) or '(none)'}; legs are {', '.join(LEGS)}"
                )
    except LegError as err:
        fail(str(err))
    except KeyboardInterrupt:
        return 130
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
