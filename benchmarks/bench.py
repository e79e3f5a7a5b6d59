"""Benchmark mhsa-tutor against the floor that any Typer + NumPy + Rich command line pays (issue 6).

Run from anywhere: ``python benchmarks/bench.py [--runs N] [--quick] [--only GROUP ...]``.
It is not part of the test suite and asserts nothing; it prints one table and
exits 1 if a target is missed (``--only run npz`` measures just those rows).

How it measures:

* whole-process rows start ``python -m mhsa_tutor ...`` and the floor app
  ``python benchmarks/floor_app.py ...`` with the same interpreter, one warm-up
  each, then ``--runs`` timed runs interleaved (tutor, floor, floor, tutor, ...),
  and report the medians; peak memory is the child's ``ru_maxrss`` (``os.wait4``);
  children run with Python's bytecode cache on, as an installed package does;
* the engine row runs in this process: ``engine.run`` on the BERT-base scenario
  and the floor's ``bare_forward`` on the same arrays, interleaved, medians;
* the export rows write into a temporary folder and report the file's size
  (the JSON against the floor's forward, the same numbers as an ``.npz``, the
  page at each mask kind ``random`` takes, held under 2 MB);
* rows for features a version may not have yet (a decode step and the tiled
  softmax, ``--decode`` / ``--block``; ``from-model``) are measured when a small
  probe of the feature succeeds, else skipped with the reason printed.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
TUTOR = [sys.executable, "-m", "mhsa_tutor"]
FLOOR = [sys.executable, str(HERE / "floor_app.py")]
SHAPE = {"tokens": 512, "d_model": 768, "heads": 12}  # BERT-base, causal, seed 0
BERT = ["--tokens", "512", "--d-model", "768", "--heads", "12", "--mask", "causal", "--seed", "0"]
# Installed packages run from compiled bytecode (pip compiles at install); this machine sets
# PYTHONDONTWRITEBYTECODE=1, which would make the editable mhsa_tutor recompile on every run.
ENV = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
# 2,048 tokens at BERT's d_k = 64 with 4 heads: H·T² = 16,777,216 attention weights, the engine's limit
BIG = ["--tokens", "2048", "--d-model", "256", "--heads", "4", "--mask", "causal", "--seed", "0"]
MB = 1024 * 1024
ENGINE_LIMIT = 1.3  # engine.run against the bare forward on the same arrays
RUN_LIMIT = 2.0  # run random (BERT) against the floor's forward
PEAK_LIMIT_MB = 300.0  # peak memory of run random (BERT)
JSON_LIMIT = 5.0  # export random (BERT) -o bert.json against the floor's forward
MD_LIMIT = 1_000_000  # bytes
PAGE_LIMIT = 2_000_000  # bytes, at every mask kind
PAGE_MASKS = {"none": [], "causal": [], "sliding": ["--window", "128"]}


@dataclass(frozen=True)
class Sample:
    """One timed run: wall seconds and peak resident memory in MiB (0 when not measured)."""

    seconds: float
    peak_mb: float = 0.0


@dataclass(frozen=True)
class Row:
    """One line of the table."""

    command: str
    how: str
    ours: Sequence[Sample]
    floor: str
    base: Sequence[Sample]
    target: str
    ok: bool
    extra: str = ""

    @property
    def ratio(self) -> float:
        """Median over the floor's median."""
        return median(self.ours) / median(self.base)


def spawn(cmd: Sequence[str], stdout: int | None = subprocess.DEVNULL) -> Sample:
    """Run one whole process; its wall time and peak RSS. Exits on a failed command."""
    with tempfile.TemporaryFile() as err:
        start = time.perf_counter()
        proc = subprocess.Popen(list(cmd), cwd=ROOT, env=ENV, stdin=subprocess.DEVNULL, stdout=stdout, stderr=err)
        _, status, usage = os.wait4(proc.pid, 0)
        seconds = time.perf_counter() - start
        proc.returncode = os.waitstatus_to_exitcode(status)
        if proc.returncode != 0:
            err.seek(0)
            sys.exit(f"bench: {' '.join(cmd)} failed ({proc.returncode}):\n{err.read().decode(errors='replace')}")
    return Sample(seconds, usage.ru_maxrss / 1024)  # ru_maxrss is in KiB on Linux


def interleaved(a: Callable[[], Sample], b: Callable[[], Sample], runs: int) -> tuple[list[Sample], list[Sample]]:
    """One untimed warm-up each, then ``runs`` of each in ABBA order (drift hits both alike)."""
    a(), b()
    xs: list[Sample] = []
    ys: list[Sample] = []
    for i in range(runs):
        if i % 2:
            ys.append(b())
            xs.append(a())
        else:
            xs.append(a())
            ys.append(b())
    return xs, ys


def median(samples: Sequence[Sample]) -> float:
    """Median seconds."""
    return statistics.median(s.seconds for s in samples)


def spread(samples: Sequence[Sample]) -> str:
    """``0.243 s (0.21–0.30)``: the median, then the fastest and slowest run."""
    seconds = [s.seconds for s in samples]
    return f"{statistics.median(seconds):.3f} s ({min(seconds):.2f}–{max(seconds):.2f})"


def peak(samples: Sequence[Sample]) -> float:
    """Largest peak RSS of the runs, MiB."""
    return max(s.peak_mb for s in samples)


def compare(label: str, tutor: list[str], floor_label: str, floor: list[str], limit: float, runs: int) -> Row:
    """A whole-process row: the tutor command against a floor command."""
    ours, base = interleaved(lambda: spawn(TUTOR + tutor), lambda: spawn(FLOOR + floor), runs)
    return Row(
        label,
        f"{runs} process{'es' if runs != 1 else ''}",
        ours,
        floor_label,
        base,
        f"≤ {limit}×",
        median(ours) / median(base) <= limit,
    )


def engine_row(runs: int) -> Row:
    """In-process: ``engine.run`` at BERT-base shape against ``bare_forward`` on the same arrays."""
    sys.path.insert(0, str(HERE))
    sys.path.insert(0, str(ROOT))  # this checkout's mhsa_tutor, as the whole-process rows run it (cwd=ROOT)
    from floor_app import bare_forward

    from mhsa_tutor.core.engine import run
    from mhsa_tutor.io.generate import build_random

    scn = build_random(SHAPE["tokens"], SHAPE["d_model"], SHAPE["heads"], 0, "causal")
    assert scn.X is not None and scn.W_Q is not None and scn.W_K is not None
    assert scn.W_V is not None and scn.W_O is not None
    X, W_Q, W_K, W_V, W_O = scn.X, scn.W_Q, scn.W_K, scn.W_V, scn.W_O

    def engine() -> Sample:
        start = time.perf_counter()
        run(scn)
        return Sample(time.perf_counter() - start)

    def bare() -> Sample:
        start = time.perf_counter()
        bare_forward(X, W_Q, W_K, W_V, W_O, heads=scn.heads, causal=True)
        return Sample(time.perf_counter() - start)

    reps = max(runs, 5) * 2
    ours, base = interleaved(engine, bare, reps)
    return Row(
        "engine.run(BERT-base scenario)",
        f"in-process, {reps} calls",
        ours,
        "bare_forward(same arrays)",
        base,
        f"≤ {ENGINE_LIMIT}×",
        median(ours) / median(base) <= ENGINE_LIMIT,
    )


def export_row(fmt: str, runs: int, folder: Path, floor: Sequence[Sample], options: Sequence[str] = BERT) -> Row:
    """``export random`` (BERT-base) as ``fmt``: time, size, peak memory.

    Markdown must stay under 1 MB and the page under 2 MB; the JSON within ``JSON_LIMIT`` × the floor's forward;
    the npz (the same numbers as NumPy arrays) is reported.
    """
    target = folder / f"bert.{fmt}"
    samples = [spawn([*TUTOR, "export", "random", *options, "-o", str(target), "--force"]) for _ in range(runs)]
    size = target.stat().st_size
    target.unlink()
    ratio = median(samples) / median(floor)
    checks = {
        "md": (f"< {MD_LIMIT / 1e6:.0f} MB", size < MD_LIMIT),
        "html": (f"< {PAGE_LIMIT / 1e6:.0f} MB", size < PAGE_LIMIT),
        "json": (f"≤ {JSON_LIMIT}×", ratio <= JSON_LIMIT),
    }
    target_text, ok = checks.get(fmt, ("reported", True))
    mask = options[options.index("--mask") + 1] if "--mask" in options else "none"
    label = f"BERT, --mask {mask}" if fmt == "html" else "BERT"
    written = f"{size / MB:.2f} MB written" if size < 10 * MB else f"{size / MB:.0f} MB written"
    return Row(
        f"mhsa-tutor export random ({label}) -o bert.{fmt}",
        f"{runs} process{'es' if runs != 1 else ''}",
        samples,
        "floor forward",
        floor,
        target_text,
        ok,
        written,
    )


def page_options(mask: str) -> list[str]:
    """The BERT-base options with ``mask`` (and its window) in place of the causal mask."""
    shape = BERT[: BERT.index("--mask")]
    return [*shape, "--mask", mask, *PAGE_MASKS[mask], "--seed", "0"]


def probe(args: Sequence[str]) -> str | None:
    """None when ``mhsa-tutor ARGS`` runs (the feature exists), else why not (its last error line)."""
    out = subprocess.run([*TUTOR, *args], cwd=ROOT, env=ENV, capture_output=True, text=True, check=False)
    if out.returncode == 0:
        return None
    lines = [line for line in (out.stderr or out.stdout).splitlines() if line.strip()]
    return lines[-1].strip() if lines else f"exit {out.returncode}"


def optional_rows(runs: int, floor: Sequence[Sample]) -> tuple[list[Row], list[str]]:
    """Rows of the newer stages, each only when its feature is there: (rows, reasons for those skipped)."""
    rows: list[Row] = []
    skipped: list[str] = []
    small = ["run", "random", "--tokens", "4", "--d-model", "4", "--heads", "2", "--mask", "causal", "--brief"]
    for name, extra in (("a decode step", ["--decode", "1"]), ("the tiled softmax", ["--block", "64"])):
        why = probe([*small, *extra])
        if why is not None:
            skipped.append(f"{name} ({' '.join(extra)}): not measured: {why}")
            continue
        big_floor = ["--tokens", "2048", "--d-model", "256", "--heads", "4"]
        for label, shape, floor_args in (("BERT", BERT, []), ("2,048 tokens, d_model 256, 4 heads", BIG, big_floor)):
            why = probe(["run", "random", *shape, *extra, "--brief"])
            if why is not None:
                skipped.append(f"{name} at {label}: not measured: {why}")
                continue
            base = floor if not floor_args else [spawn([*FLOOR, "forward", *floor_args]) for _ in range(runs)]
            ours = [spawn([*TUTOR, "run", "random", *shape, *extra]) for _ in range(runs)]
            rows.append(
                Row(
                    f"mhsa-tutor run random ({label}) {' '.join(extra)}",
                    f"{runs} processes",
                    ours,
                    f"floor forward{' ' + ' '.join(floor_args) if floor_args else ''}",
                    base,
                    "reported",
                    True,
                )
            )
    why = probe(["from-model", "--help"])
    if why is not None:
        skipped.append(f"from-model (reading a checkpoint, tokenizer): not measured: {why}")
    else:
        rows_or_reason = from_model_row(runs, floor)
        if isinstance(rows_or_reason, str):
            skipped.append(f"from-model (reading a checkpoint, tokenizer): not measured: {rows_or_reason}")
        else:
            rows.append(rows_or_reason)
    return rows, skipped


TEXT = " ".join(["the cat sat on the mat and it was red"] * 4)  # 40 words: the file stays under 1 MB


def from_model_row(runs: int, floor: Sequence[Sample]) -> Row | str:
    """``from-model`` on a local BERT-family checkpoint (d_model 64, 4 heads, 2 layers, random weights), or why not."""
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) / "bert-width"
        made = subprocess.run(
            [sys.executable, "-c", MAKE_CHECKPOINT, str(folder)], env=ENV, capture_output=True, text=True, check=False
        )
        if made.returncode != 0:
            return (made.stderr.strip().splitlines() or ["cannot build a checkpoint"])[-1]
        out = Path(tmp) / "layer.toml"
        args = ["from-model", str(folder), "--text", TEXT, "--layer", "1", "-o", str(out), "--force"]
        why = probe(args)
        if why is not None:
            return why
        ours = [spawn([*TUTOR, *args]) for _ in range(runs)]
    return Row(
        "mhsa-tutor from-model (BERT family, d_model 64, 40 words) --layer 1",
        f"{runs} processes",
        ours,
        "floor forward",
        floor,
        "reported",
        True,
    )


#: A small BERT-family checkpoint (d_model 64, 4 heads, 2 layers; a word-level tokenizer), built locally:
#: from-model writes a scenario file, held under 1 MB, so a BERT-base width does not fit.
MAKE_CHECKPOINT = """
import sys, torch, transformers
from tokenizers import Tokenizer, models, pre_tokenizers, processors
words = ["[UNK]", "[CLS]", "[SEP]", "the", "cat", "sat", "on", "mat", "and", "it", "was", "red"]
cfg = transformers.BertConfig(vocab_size=len(words), hidden_size=64, num_hidden_layers=2,
                              num_attention_heads=4, intermediate_size=256, max_position_embeddings=512)
torch.manual_seed(0)
model = transformers.BertModel(cfg).eval()
model.save_pretrained(sys.argv[1])
tok = Tokenizer(models.WordLevel({w: i for i, w in enumerate(words)}, unk_token="[UNK]"))
tok.pre_tokenizer = pre_tokenizers.Whitespace()
tok.post_processor = processors.TemplateProcessing(single="[CLS] $A [SEP]", special_tokens=[("[CLS]", 1), ("[SEP]", 2)])
tok.save(sys.argv[1] + "/tokenizer.json")
"""


def help_imports() -> str:
    """Which heavy modules ``mhsa-tutor --help`` imports (``python -X importtime``)."""
    out = subprocess.run(
        [sys.executable, "-X", "importtime", "-m", "mhsa_tutor", "--help"],
        cwd=ROOT,
        env=ENV,
        capture_output=True,
        text=True,
        check=True,
    )
    loaded = {line.rsplit("|", 1)[-1].strip() for line in out.stderr.splitlines()}
    heavy = [
        m for m in ("numpy", "pydantic", "mhsa_tutor.core.engine", "mhsa_tutor.views.terminal.render") if m in loaded
    ]
    return ", ".join(heavy) if heavy else "none of numpy, pydantic, the engine, the renderers"


def table(rows: Sequence[Row]) -> str:
    """The rows as a GitHub markdown table."""
    head = ["command", "measured as", "median (min–max)", "floor", "floor median (min–max)", "ratio", "target"]
    head += ["peak RSS (floor)", "result"]
    lines = ["| " + " | ".join(head) + " |", "|" + "|".join(["---"] * len(head)) + "|"]
    for r in rows:
        rss = f"{peak(r.ours):.0f} MB ({peak(r.base):.0f} MB)" if peak(r.ours) else "-"
        cells = [
            f"`{r.command}`",
            r.how,
            spread(r.ours),
            f"`{r.floor}`",
            spread(r.base),
            f"{r.ratio:.2f}×",
            r.target,
            rss + (f"; {r.extra}" if r.extra else ""),
            "pass" if r.ok else "FAIL",
        ]
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines)


def load() -> str:
    """The 1-minute load average, for the record."""
    return f"{os.getloadavg()[0]:.2f}"


#: The row groups ``--only`` picks from (every group by default).
GROUPS = ("help", "small", "engine", "run", "md", "json", "npz", "page", "newer")


def main(argv: Sequence[str] | None = None) -> int:
    """Run every benchmark (or the ``--only`` groups) and print the table; 1 if a target was missed."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--runs", type=int, default=15, help="timed runs of each command (default 15; at least 5)")
    parser.add_argument("--quick", action="store_true", help="3 runs each and one JSON export: a smoke test")
    parser.add_argument(
        "--only",
        nargs="+",
        choices=GROUPS,
        default=list(GROUPS),
        metavar="GROUP",
        help=f"measure only these rows ({', '.join(GROUPS)}; default all): for a quick look, not for the README",
    )
    args = parser.parse_args(argv)
    runs = 3 if args.quick else max(args.runs, 5)
    only = set(args.only)

    import numpy as np

    start_load = load()
    rows: list[Row] = []
    if "help" in only:
        rows.append(compare("mhsa-tutor --help", ["--help"], "floor --help", ["--help"], 1.1, runs))
    if "small" in only:
        rows.append(
            compare(
                "mhsa-tutor run acting_machines",
                ["run", "acting_machines"],
                "floor run acting_machines",
                ["run", "acting_machines"],
                1.3,
                runs,
            )
        )
    if "engine" in only:
        rows.append(engine_row(runs))
    few = 1 if args.quick else min(runs, 5)
    skipped: list[str] = []
    if "run" in only:
        whole = compare(
            "mhsa-tutor run random (BERT)", ["run", "random", *BERT], "floor forward", ["forward"], RUN_LIMIT, runs
        )
        fits = peak(whole.ours) <= PEAK_LIMIT_MB
        rows.append(replace(whole, target=f"{whole.target}, peak ≤ {PEAK_LIMIT_MB:.0f} MB", ok=whole.ok and fits))
        floor = whole.base
    elif only - {"help", "small", "engine"}:
        floor = [spawn([*FLOOR, "forward"]) for _ in range(few)]
    with tempfile.TemporaryDirectory() as tmp:
        if "md" in only:
            rows.append(export_row("md", runs, Path(tmp), floor))
        if "json" in only:
            rows.append(export_row("json", few, Path(tmp), floor))
        if "npz" in only:
            why_not = probe(["export", "first_steps", "-o", str(Path(tmp) / "probe.npz"), "--force"])
            if why_not is None:
                rows.append(export_row("npz", few, Path(tmp), floor))
            else:
                skipped.append(f"export --format npz: not measured: {why_not}")
        if "page" in only:
            for mask in PAGE_MASKS:
                rows.append(export_row("html", min(few, 3), Path(tmp), floor, page_options(mask)))
    if "newer" in only:
        more, why = optional_rows(min(few, 3), floor)
        rows += more
        skipped += why
    partial = "" if only == set(GROUPS) else f" (--only {' '.join(g for g in GROUPS if g in only)}: not for the README)"

    today = dt.datetime.now().astimezone().strftime("%Y-%m-%d %H:%M %Z")
    print(f"mhsa-tutor benchmark, {today}{' (--quick: not for the README)' if args.quick else ''}{partial}")
    print(
        f"machine: {os.cpu_count()} cores, {platform.machine()}; Python {platform.python_version()}, "
        f"numpy {np.__version__}; OPENBLAS_CORETYPE={os.environ.get('OPENBLAS_CORETYPE', '(unset)')}; "
        f"load average {start_load} at start, {load()} at end"
    )
    print("BERT = --tokens 512 --d-model 768 --heads 12 --mask causal --seed 0; floor = benchmarks/floor_app.py")
    print(f"commands: {' '.join(TUTOR[1:])} ... against {Path(FLOOR[1]).name} ..., same interpreter, bytecode cache on")
    print()
    print(table(rows))
    print()
    print(f"`mhsa-tutor --help` imports: {help_imports()}")
    for reason in skipped:
        print(f"skipped: {reason}")
    missed = [r.command for r in rows if not r.ok]
    print("all targets met" if not missed else "missed: " + "; ".join(missed))
    return 1 if missed else 0


if __name__ == "__main__":
    sys.exit(main())
