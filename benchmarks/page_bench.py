"""Measure the interactive page at BERT-base size (issue 13): bytes, build time, time to open in Chromium.

Run: ``python benchmarks/page_bench.py [--runs N]``. Not part of the test suite; it
prints figures and exits 1 if the page is 2 MB or more or opens in a second or more.

* build: ``mhsa-tutor export random --tokens 512 --d-model 768 --heads 12 -o bert.html``
  as a whole process (median of the runs);
* open: Debian's headless Chromium (Playwright) loads the file and its script
  has run (``#progress`` filled, ``load`` fired); reported as the median of the
  runs after one warm-up, each in a fresh browser context;
* click: time from clicking a softmax cell to ``#explain`` holding its text.
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

BERT = ["random", "--tokens", "512", "--d-model", "768", "--heads", "12"]
CHROMIUM = "/usr/bin/chromium"
ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
LIMIT_BYTES = 2_000_000
LIMIT_OPEN_S = 1.0


def build(target: Path, runs: int) -> list[float]:
    """Wall time of each ``export`` process."""
    times = []
    for _ in range(runs):
        t = time.perf_counter()
        cmd = [sys.executable, "-m", "mhsa_tutor", "export", *BERT, "-o", str(target), "--force"]
        subprocess.run(cmd, check=True)
        times.append(time.perf_counter() - t)
    return times


def open_times(target: Path, runs: int) -> tuple[list[float], list[float]]:
    """(seconds to load and run the page, seconds from a click to its explanation), per run."""
    from playwright.sync_api import sync_playwright

    opens, clicks = [], []
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        for k in range(runs + 1):
            context = browser.new_context()
            page = context.new_page()
            t = time.perf_counter()
            page.goto(target.as_uri(), wait_until="load")
            page.wait_for_function("document.getElementById('progress').textContent.startsWith('stage 1/')")
            opened = time.perf_counter() - t
            page.click('#stage-list a[data-go="6"]')  # head 1's softmax (no mask)
            t = time.perf_counter()
            page.click('section.stage:not([hidden]) td[data-row="512"][data-col="512"]')
            page.wait_for_function("document.getElementById('explain').textContent.startsWith('A[t512, t512]')")
            clicked = time.perf_counter() - t
            if k:  # the first run warms the browser up
                opens.append(opened)
                clicks.append(clicked)
            context.close()
        browser.close()
    return opens, clicks


def main() -> int:
    """Print the figures; 1 if a limit is missed."""
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--runs", type=int, default=5)
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        target = Path(tmp) / "bert.html"
        built = build(target, max(1, args.runs // 2))
        size = target.stat().st_size
        opens, clicks = open_times(target, args.runs)
    med = statistics.median
    print(f"BERT-base page ({' '.join(BERT)}): {size:,} bytes ({size / 1e6:.2f} MB; limit {LIMIT_BYTES / 1e6:.0f} MB)")
    print(f"export (whole process): median {med(built):.2f} s over {len(built)} run(s)")
    print(f"open in headless Chromium: median {med(opens) * 1000:.0f} ms (max {max(opens) * 1000:.0f} ms)")
    print(f"click to explanation: median {med(clicks) * 1000:.0f} ms")
    ok = size < LIMIT_BYTES and med(opens) < LIMIT_OPEN_S
    print("limits met" if ok else "limit missed")
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
