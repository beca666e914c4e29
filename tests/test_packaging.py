"""The wheel installs: every subpackage, the messages and the vendored static files are in it.

The wheel is built offline from a copy of the build inputs (``pip wheel --no-deps
--no-build-isolation --no-index``: setuptools comes from the project's venv), installed into a
fresh virtual environment that does not see the source tree, and imported there module by
module. The fresh environment reaches the dependencies through a ``.pth`` line naming the
project venv's site-packages; ``.pth`` files *inside* that folder are not run, so the project's
editable install (which maps ``geo`` to the source tree) stays out.
"""

from __future__ import annotations

import json
import os
import shutil
import site
import subprocess
import sys
import zipfile
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
#: Files of the project root that take part in a build (copied when present).
BUILD_INPUTS: tuple[str, ...] = (
    "pyproject.toml",
    "README.md",
    "setup.py",
    "setup.cfg",
    "MANIFEST.in",
    "LICENSE",
)
#: Modules not imported after installation: ``python -m geo`` runs the command line.
SKIP_MODULES: frozenset[str] = frozenset({"geo.__main__"})
TIMEOUT_S = 240

#: Run inside the fresh environment: import every module, list the installed package's files.
PROBE = """
import importlib, json, sys, traceback
from pathlib import Path
names = json.loads(sys.argv[1])
source_root = Path(sys.argv[2]).resolve()
import geo
package = Path(geo.__file__).resolve().parent
failures = {}
for name in names:
    try:
        importlib.import_module(name)
    except Exception:
        failures[name] = traceback.format_exc(limit=3)
files = sorted(
    p.relative_to(package).as_posix()
    for p in package.rglob("*")
    if p.is_file() and "__pycache__" not in p.parts
)
on_path = [p for p in sys.path if p and Path(p).resolve() == source_root]
print(json.dumps({"package": str(package), "failures": failures, "files": files,
                  "source_on_path": on_path}))
"""


@dataclass(frozen=True)
class Installed:
    """What the probe saw in the fresh environment.

    Attributes
    ----------
    package
        Folder of the imported ``geo`` package.
    failures
        Module name -> traceback, for every module that failed to import.
    files
        Every file of the installed package, relative to ``package`` (POSIX paths).
    source_on_path
        Entries of ``sys.path`` that are the source tree (must be none).
    """

    package: Path
    failures: dict[str, str]
    files: frozenset[str]
    source_on_path: tuple[str, ...]


def source_files(root: Path = ROOT) -> list[str]:
    """Return every file of ``root/geo`` (no caches), relative to ``root/geo``, POSIX paths."""
    package = root / "geo"
    return sorted(
        p.relative_to(package).as_posix()
        for p in package.rglob("*")
        if p.is_file() and "__pycache__" not in p.parts and p.suffix != ".pyc"
    )


def module_names(root: Path = ROOT) -> list[str]:
    """Return the dotted name of every module of ``root/geo`` (``geo``, ``geo.core.i18n``, ...)."""
    names = []
    for rel in source_files(root):
        if rel.endswith(".py"):
            parts = ["geo", *rel[: -len(".py")].split("/")]
            if parts[-1] == "__init__":
                parts.pop()
            names.append(".".join(parts))
    return sorted(set(names) - SKIP_MODULES)


def copy_build_inputs(dest: Path, *, root: Path = ROOT) -> Path:
    """Copy the build inputs and ``geo/`` of ``root`` to ``dest`` (the shared tree stays clean)."""
    dest.mkdir(parents=True)
    for name in BUILD_INPUTS:
        if (root / name).exists():
            shutil.copy2(root / name, dest / name)
    shutil.copytree(root / "geo", dest / "geo", ignore=shutil.ignore_patterns("__pycache__"))
    return dest


def build_wheel(project: Path, dist: Path) -> Path:
    """Build ``project`` into one wheel in ``dist``, offline; return the wheel's path."""
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "wheel",
            "--no-deps",
            "--no-build-isolation",
            "--no-index",
            "--disable-pip-version-check",
            "-w",
            str(dist),
            ".",
        ],
        cwd=project,
        capture_output=True,
        text=True,
        timeout=TIMEOUT_S,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    (wheel,) = dist.glob("*.whl")
    return wheel


def fresh_environment(where: Path) -> tuple[Path, Path]:
    """Create a venv without pip that sees the project venv's packages but not the source tree.

    Returns
    -------
    tuple of Path
        The venv's python and its site-packages folder.
    """
    subprocess.run(
        [sys.executable, "-m", "venv", "--without-pip", str(where)],
        check=True,
        timeout=TIMEOUT_S,
    )
    python = where / ("Scripts/python.exe" if os.name == "nt" else "bin/python")
    purelib = subprocess.run(
        [str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
        capture_output=True,
        text=True,
        check=True,
        timeout=TIMEOUT_S,
    ).stdout.strip()
    site_packages = Path(purelib)
    deps = [p for p in site.getsitepackages() if Path(p).resolve() != ROOT.resolve()]
    (site_packages / "zz_project_dependencies.pth").write_text("\n".join(deps) + "\n")
    return python, site_packages


def install_wheel(wheel: Path, site_packages: Path) -> None:
    """Install ``wheel`` (no dependencies, offline) into ``site_packages``."""
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "install",
            "--no-deps",
            "--no-index",
            "--disable-pip-version-check",
            "--target",
            str(site_packages),
            str(wheel),
        ],
        capture_output=True,
        text=True,
        timeout=TIMEOUT_S,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr


def probe(python: Path, modules: list[str], *, cwd: Path) -> Installed:
    """Import ``modules`` with ``python`` from ``cwd`` and list the installed package."""
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in {"PYTHONPATH", "PYTHONHOME", "PYTHONSTARTUP", "PYTHONUSERBASE"}
    }
    env |= {"PYTHONNOUSERSITE": "1", "PYTHONDONTWRITEBYTECODE": "1", "MPLBACKEND": "Agg"}
    cwd.mkdir(parents=True, exist_ok=True)
    result = subprocess.run(
        [str(python), "-P", "-c", PROBE, json.dumps(modules), str(ROOT)],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=TIMEOUT_S,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    seen = json.loads(result.stdout.strip().splitlines()[-1])
    return Installed(
        package=Path(seen["package"]),
        failures=seen["failures"],
        files=frozenset(seen["files"]),
        source_on_path=tuple(seen["source_on_path"]),
    )


def install_and_probe(project: Path, work: Path) -> tuple[Path, Installed]:
    """Build ``project``, install the wheel in a fresh venv under ``work`` and probe it."""
    wheel = build_wheel(project, work / "dist")
    python, site_packages = fresh_environment(work / "venv")
    install_wheel(wheel, site_packages)
    installed = probe(python, module_names(project), cwd=work / "elsewhere")
    assert installed.package.resolve() == (site_packages / "geo").resolve(), installed.package
    return wheel, installed


def test_wheel_installs_every_module_and_static_file(tmp_path: Path) -> None:
    project = copy_build_inputs(tmp_path / "project")
    # Bytecode a local run leaves behind must not ship (exclude-package-data).
    (project / "geo" / "core" / "__pycache__").mkdir()
    (project / "geo" / "core" / "__pycache__" / "i18n.cpython-311.pyc").write_bytes(b"x")
    (project / "geo" / "stray.pyc").write_bytes(b"x")
    wheel, installed = install_and_probe(project, tmp_path)

    assert not installed.source_on_path, installed.source_on_path
    assert not installed.failures, "modules that do not import from the wheel:\n" + "\n".join(
        f"{name}:\n{trace}" for name, trace in installed.failures.items()
    )
    expected = source_files(project)
    missing = [rel for rel in expected if rel not in installed.files]
    assert not missing, f"files of geo/ missing from the installed package: {missing}"
    static = [rel for rel in expected if rel.startswith("static/")]
    assert any(rel.endswith(".js") for rel in static), static  # the vendored files are there
    assert any(rel.endswith(".png") for rel in static), static
    assert any("LICEN" in rel for rel in static), static
    with zipfile.ZipFile(wheel) as archive:
        bytecode = [n for n in archive.namelist() if n.endswith((".pyc", ".pyo"))]
        assert not bytecode, bytecode
        entry_points = next(n for n in archive.namelist() if n.endswith("entry_points.txt"))
        assert "peta-umkm = geo.cli:main" in archive.read(entry_points).decode()


def test_module_names_cover_every_subpackage() -> None:
    names = module_names()
    for package in ("core", "wilayah", "ingest", "analysis", "planning", "render", "store"):
        assert f"geo.{package}" in names
    assert "geo.services" in names and "geo.cli" in names
    assert "geo.__main__" not in names
    assert "geo.core.messages" in names
    assert all(not n.endswith(".__init__") for n in names)
