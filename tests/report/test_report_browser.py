"""The audit report opened in headless Chromium: it renders, with nothing on the console.

Chromium writes each console message (errors, uncaught exceptions, failed checks) to stderr as a
``CONSOLE`` log line when started with ``--enable-logging=stderr``. The report has no scripts, so
any such line is a fault. A page with deliberate errors checks that the detection works. The
screenshot is kept in ``tests/report/artifacts/`` (git-ignored) for people to look at.

Without Chromium the test is skipped, except in CI (``CI`` set), where it fails: CI installs it.
"""

from __future__ import annotations

import os
import shutil
import struct
import subprocess
from pathlib import Path

import pytest
from report_support import GENERATED_AT, TODAY

from riskgraph.analysis.report.builder import build_report
from riskgraph.analysis.report.render import render_report
from riskgraph.register import Register
from riskgraph.store.base import Store

ARTIFACTS = Path(__file__).parent / "artifacts"
WINDOW = (1280, 2000)
TIMEOUT_SECONDS = 120


@pytest.fixture(scope="module")
def chromium() -> str:
    found = shutil.which("chromium")
    if found is None:
        if os.environ.get("CI"):
            pytest.fail("chromium is not installed; CI must install it (.ci/run does)")
        pytest.skip("chromium is not installed: apt-get install chromium (CI installs it)")
    return found


def open_in_chromium(
    chromium: str, page: Path, screenshot: Path, profile: Path
) -> subprocess.CompletedProcess[str]:
    """Load ``page`` headless and save a screenshot; console messages go to stderr."""
    command = [
        chromium,
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--host-resolver-rules=MAP * ~NOTFOUND",
        f"--user-data-dir={profile}",
        "--enable-logging=stderr",
        "--v=0",
        f"--screenshot={screenshot}",
        f"--window-size={WINDOW[0]},{WINDOW[1]}",
        page.as_uri(),
    ]
    return subprocess.run(
        command, capture_output=True, text=True, timeout=TIMEOUT_SECONDS, check=False
    )


def console_messages(stderr: str) -> list[str]:
    """Lines where the page wrote to the console or threw."""
    return [line for line in stderr.splitlines() if ":CONSOLE" in line or "Uncaught" in line]


def png_size(path: Path) -> tuple[int, int]:
    data = path.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n", f"{path} is not a PNG"
    width, height = struct.unpack(">II", data[16:24])
    return width, height


def test_console_errors_are_detected(chromium: str, tmp_path: Path) -> None:
    broken = tmp_path / "broken.html"
    broken.write_text(
        "<!DOCTYPE html><title>x</title><p>x</p>"
        "<script>console.error('planted'); notAFunction();</script>",
        encoding="utf-8",
    )
    run = open_in_chromium(chromium, broken, tmp_path / "broken.png", tmp_path / "profile")
    messages = console_messages(run.stderr)
    assert any("planted" in line for line in messages), run.stderr
    assert any("Uncaught" in line and "notAFunction" in line for line in messages), run.stderr


def test_report_renders_in_chromium_without_console_errors(
    chromium: str, harbourline: Register, harbourline_store: Store, tmp_path: Path
) -> None:
    report = build_report(harbourline, harbourline_store, today=TODAY, generated_at=GENERATED_AT)
    page = tmp_path / "report.html"
    page.write_text(render_report(report), encoding="utf-8")
    ARTIFACTS.mkdir(exist_ok=True)
    screenshot = ARTIFACTS / "report.png"
    screenshot.unlink(missing_ok=True)
    run = open_in_chromium(chromium, page, screenshot, tmp_path / "profile")
    assert run.returncode == 0, run.stderr
    assert console_messages(run.stderr) == []
    assert screenshot.exists(), run.stderr
    assert png_size(screenshot) == WINDOW
    assert screenshot.stat().st_size > 50_000, "a blank page compresses to far less"
