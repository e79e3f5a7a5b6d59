"""Re-apply by hand each class of mutation that survived the suite before issue 17, and count failing tests.

Each mutant is (name, file, old text, new text); the script copies the tree given as its argument into a
scratch directory, applies one mutant, runs the focused test files with pytest and records passed/failed.

Run: ``python tests/mutants/issue17.py .`` (about a minute); the log beside it is the last run's output.
"""

import json
import pathlib
import shutil
import subprocess
import sys
import tempfile

SRC = pathlib.Path(sys.argv[1])
TESTS = [
    "tests/test_explain_arith.py",
    "tests/test_reads.py",
    "tests/test_json_explain.py",
    "tests/test_mistakes.py",
    "tests/test_quiz.py",
    "tests/test_scenario.py",
    "tests/test_cli_errors.py",
    "tests/test_variants.py",
    "tests/test_page.py",
    "tests/test_explain.py",
]
MUTANTS = [
    (
        "10 a decoding step reads the row of its step number, not of its token (P + s)",
        "mhsa_tutor/core/reads/resolve.py",
        '"step": layout.prefill + i,',
        '"step": i,',
    ),
    (
        "11 an online-softmax block reads one key fewer",
        "mhsa_tutor/core/reads/resolve.py",
        "min((b + 1) * layout.block, layout.keys) - 1)",
        "min((b + 1) * layout.block, layout.keys) - 2)",
    ),
    (
        "12 a decoding step's k reads its query head's columns of W_K (GQA)",
        "mhsa_tutor/core/reads/rules.py",
        'cmap: ColMap = "head" if m == "q" else "kv_head"',
        'cmap: ColMap = "head"',
    ),
    (
        "1a explain writes a K/V column numbered by query head (nonexistent under GQA)",
        "mhsa_tutor/teach/explain.py",
        "    source_col = op.col + 1\n",
        "    source_col = (c.head - 1) * width + c.j + 1\n",
    ),
    (
        "1b the split rule numbers K/V columns by query head",
        "mhsa_tutor/core/reads/rules.py",
        'cols="col", col_map="kv_head"),)',
        'cols="col", col_map="head"),)',
    ),
    (
        "2 rotary arithmetic with sin and cos swapped",
        "mhsa_tutor/teach/explain_variants.py",
        'formula = f"a·cos − b·sin {rel} {term(a, cos, p)} − {term(b, sin, p)}"',
        'formula = f"a·cos − b·sin {rel} {term(a, sin, p)} − {term(b, cos, p)}"',
    ),
    (
        "3 ALiBi arithmetic with a signed distance (|i − j| = −2)",
        "mhsa_tutor/teach/explain_variants.py",
        "    dist = abs(c.i - c.j)\n",
        "    dist = c.i - c.j\n",
    ),
    (
        "4 projections read X instead of X + P",
        "mhsa_tutor/core/reads/rules.py",
        '_X = (("positions", "X"), ("input", "X"))',
        '_X = (("input", "X"), ("positions", "X"))',
    ),
    (
        "5 a clicked score highlights a different key than the explanation multiplies",
        "mhsa_tutor/views/page/page_data.py",
        "return [[at[(sid, h)], name, _KIND[read.rows], 0, _KIND[read.cols], 0, 0, 0]]",
        "return [[at[(sid, h)], name, _KIND[read.rows], int(stage_id == 'scores' and name == 'K'), _KIND[read.cols], 0, 0, 0]]",  # noqa: E501
    ),
    (
        "6 a clicked weight highlights one score instead of its row",
        "mhsa_tutor/views/page/page_data.py",
        "return [[at[(sid, h)], name, _KIND[read.rows], 0, _KIND[read.cols], 0, 0, 0]]",
        "return [[at[(sid, h)], name, _KIND[read.rows], 0, 'c' if stage_id == 'softmax' else _KIND[read.cols], 0, 0, 0]]",  # noqa: E501
    ),
    (
        "7 a head's last concat column highlights nothing (its range ends one column early)",
        "mhsa_tutor/views/page/page_data.py",
        "            runs[-1][7] = j + 1\n",
        "            runs[-1][7] = j\n",
    ),
    (
        "7b a head's last concat column highlights the next head's table",
        "mhsa_tutor/core/reads/resolve.py",
        "    return col // d_v + 1, col % d_v\n",
        "    return (col + 1) // d_v + 1 if (col + 1) % d_v == 0 else col // d_v + 1, col % d_v\n",
    ),
    (
        "8 classic mistakes offered on sliding-window masks",
        "mhsa_tutor/teach/mistakes.py",
        'classic = classic and self.scn.mask in ("none", "causal")',
        'classic = classic and self.scn.mask in ("none", "causal", "sliding")',
    ),
    ("9 rope.base = 1 accepted", "mhsa_tutor/io/validate_variants.py", "if base <= 1.0:", "if base < 1.0:"),
]
results = []
for name, path, old, new in MUTANTS:
    with tempfile.TemporaryDirectory() as tmp:
        dst = pathlib.Path(tmp) / "t"
        shutil.copytree(
            SRC,
            dst,
            ignore=shutil.ignore_patterns(".git", "__pycache__", ".mypy_cache", ".ruff_cache", ".pytest_cache"),
        )
        f = dst / path
        text = f.read_text()
        assert text.count(old) >= 1, (name, old)
        f.write_text(text.replace(old, new, 1))
        r = subprocess.run(
            [
                sys.executable,
                "-m",
                "pytest",
                "-q",
                "-p",
                "no:cacheprovider",
                "-x" if "--fast" in sys.argv else "-q",
                *TESTS,
            ],
            cwd=dst,
            env={"PYTHONPATH": str(dst), "PATH": "/usr/bin:/bin", "HOME": "/tmp", "CI": "1"},
            capture_output=True,
            text=True,
        )
        tail = r.stdout.strip().splitlines()[-1] if r.stdout.strip() else r.stderr[-300:]
        failed = [l.split(" ")[1] for l in r.stdout.splitlines() if l.startswith("FAILED")]
        results.append((name, r.returncode, tail, failed[:6]))
        print(f"{name}\n   exit {r.returncode}: {tail}\n   e.g. {failed[:4]}", flush=True)
pathlib.Path(tempfile.gettempdir(), "mutants_issue17.json").write_text(json.dumps(results, indent=1))
