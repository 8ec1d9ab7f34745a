"""The wheel carries the ontology, prompts and example, and finds them from any folder."""

from __future__ import annotations

import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("wheel")
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "wheel",
            "--no-deps",
            "--no-build-isolation",
            "-q",
            "-w",
            str(out),
            str(ROOT),
        ],
        check=True,
        capture_output=True,
    )
    return next(out.glob("riskgraph-*.whl"))


def test_wheel_ships_data_folders(wheel: Path) -> None:
    names = set(zipfile.ZipFile(wheel).namelist())
    for required in (
        "riskgraph/_data/ontology/riskgraph.ttl",
        "riskgraph/_data/ontology/iso42001.ttl",
        "riskgraph/_data/ontology/matrices.ttl",
        "riskgraph/_data/ontology/shapes.ttl",
        "riskgraph/_data/examples/harbourline/register.ttl",
    ):
        assert required in names, f"{required} missing from the wheel"
    assert any(n.startswith("riskgraph/_data/prompts/") for n in names)
    assert any(n.endswith("entry_points.txt") for n in names)


def test_installed_package_finds_its_data_from_another_folder(wheel: Path, tmp_path: Path) -> None:
    site = tmp_path / "site"
    zipfile.ZipFile(wheel).extractall(site)
    code = (
        "from riskgraph.resources import data_dir, example_register\n"
        "print(data_dir('ontology')); print(example_register().exists())\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", code],
        cwd=tmp_path,
        env={"PYTHONPATH": str(site), "PATH": "/usr/bin:/bin"},
        capture_output=True,
        text=True,
        check=True,
    )
    ontology_dir, example_exists = out.stdout.split()
    assert ontology_dir == str(site / "riskgraph" / "_data" / "ontology")
    assert example_exists == "True"


def test_wheel_installs_no_top_level_package_but_riskgraph(wheel: Path) -> None:
    """``benchmarks`` (and tests, scripts) stay in the checkout: ``pip install .`` must not put a
    package of that generic name on everyone's path."""
    tops = {name.split("/", 1)[0] for name in zipfile.ZipFile(wheel).namelist()}
    packages = {top for top in tops if not top.endswith(".dist-info")}
    assert packages == {"riskgraph"}


def test_benchmarks_still_run_from_a_checkout() -> None:
    out = subprocess.run(
        [sys.executable, "-m", "benchmarks.run", "--help"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    assert out.returncode == 0, out.stderr
    assert "usage" in out.stdout.lower()
