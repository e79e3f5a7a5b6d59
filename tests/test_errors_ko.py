"""Every error message in Korean (issue 19): one template per message, declared once, read under ``ko``.

* Every message a ``raise …Error(…)`` of the package can show is read out of the source (its
  f-string, each ``{…}`` as ``{}``) and must be a key of ``strings.errors_ko_table.MESSAGES``, and
  every key there must still be written somewhere: a message changed in the code and not in Korean
  (or the other way round) fails here.
* Every Korean template uses only values its English template carries, and has no English word.
* Every bad file of ``tests/bad_inputs.py`` (and, through the ``invoke`` fixture of ``conftest``, every
  bad input of every CLI test) under ``MHSA_TUTOR_LANG=ko``: exit 2, one ``error:`` line, no traceback,
  no English word but fields, names, values as typed and paths.
"""

from __future__ import annotations

import ast
import re
import string
from pathlib import Path

import pytest

import mhsa_tutor
from mhsa_tutor.strings.errors_ko import korean, translate
from mhsa_tutor.strings.errors_ko_table import FORMS, MESSAGES, PHRASES
from tests.bad_inputs import CASES, Bad
from tests.conftest import Invoke, check_korean_error
from tests.korean_words import english_words

PACKAGE = Path(mhsa_tutor.__file__).parent
#: Exceptions of Python itself whose messages are for programmers, never shown as an ``error:`` line.
NOT_SHOWN = {"AttributeError", "BrokenPipeError", "TypeError", "ValueError", "AssertionError", "KeyError"}
#: Calls that carry a message to the user besides ``raise …Error(…)``.
CARRIERS = {"fail", "_fail", "error_line", "note_line", "warn", "Loaded"}


def _template(node: ast.expr) -> str | None:
    """The English template of a message argument: its text, each interpolated value as ``{}``."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value
    if isinstance(node, ast.JoinedStr):
        return "".join(str(v.value) if isinstance(v, ast.Constant) else "{}" for v in node.values)
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add):
        left, right = _template(node.left), _template(node.right)
        if left is None and right is None:
            return None
        return (left if left is not None else "{}") + (right if right is not None else "{}")
    return None


def _modules() -> list[tuple[Path, ast.Module]]:
    return [
        (path, ast.parse(path.read_text(encoding="utf-8")))
        for path in sorted(PACKAGE.rglob("*.py"))
        if "strings" not in path.relative_to(PACKAGE).parts
    ]


def all_templates() -> set[str]:
    """Every string and f-string of the package as a template (a message may be returned, not raised)."""
    out = set()
    for _, tree in _modules():
        for node in ast.walk(tree):
            if isinstance(node, (ast.JoinedStr, ast.Constant, ast.BinOp)):
                t = _template(node)
                if t is not None:
                    out.add(t)
    return out


def source_templates() -> dict[str, str]:
    """Every user-facing error template of the package -> where it is raised (``path:line``)."""
    out: dict[str, str] = {}
    for path, tree in _modules():
        for node in ast.walk(tree):
            if not isinstance(node, ast.Call):
                continue
            f = node.func
            name = f.attr if isinstance(f, ast.Attribute) else f.id if isinstance(f, ast.Name) else ""
            if not ((name.endswith("Error") and name not in NOT_SHOWN) or name in CARRIERS):
                continue
            for arg in [*node.args, *(k.value for k in node.keywords)]:
                t = _template(arg)
                if t is not None and " " in t:  # a sentence, not a field or option name
                    out.setdefault(t, f"{path.relative_to(PACKAGE.parent)}:{node.lineno}")
    return out


def test_every_error_template_has_its_korean_and_every_korean_a_template() -> None:
    found = source_templates()
    assert len(found) > 150  # the scan reads the package
    missing = {t: where for t, where in found.items() if t not in MESSAGES}
    assert missing == {}, "error messages without Korean (add them to strings/errors_ko_table.py)"
    stale = set(MESSAGES) - all_templates()
    assert stale == set(), "Korean for messages the package no longer writes"


@pytest.mark.parametrize("table", [MESSAGES, PHRASES, FORMS], ids=["messages", "phrases", "forms"])
def test_korean_templates_use_the_values_they_are_given_and_no_english(table: dict[str, str]) -> None:
    names = {"field", "origin", "option"}
    for en, ko in table.items():
        count = en.count("{}")
        used = {f for _, f, _, _ in string.Formatter().parse(ko) if f is not None}
        assert used <= names | {str(k) for k in range(count)}, (en, ko)
        assert {str(k) for k in range(count)} <= used, (en, ko)  # no value of the English dropped
        text = re.sub(r"\{[^}]*\}", " ", ko)
        allowed = {w for w in re.findall(r"[A-Za-z_]+", en)}  # names the English also writes as they are
        assert not re.search(r"[가-힣]", en), en
        words = english_words(text, allowed | {"NaN", "safetensors", "tokenizers", "pip", "install", "pickle"})
        assert words <= allowed, (en, ko, words)


def test_english_values_inside_a_message_are_translated_names_are_not() -> None:
    line = korean(
        "bad.toml: heads is a string, expected an integer",
        message="is a string, expected an integer",
        origin="bad.toml",
        field="heads",
    )
    assert line == "bad.toml: heads는 문자열입니다. 정수여야 합니다"
    hint = translate("'head' is not known; did you mean heads? expected one of: heads, tokens")
    assert "heads를 찾으셨나요?" in hint and "개" not in hint  # a name in a hint is never a phrase
    assert translate("no template has this") == "no template has this"  # unknown: English, never garbled


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_every_bad_file_is_one_korean_error_line(case: Bad, invoke: Invoke, tmp_path: Path) -> None:
    path = tmp_path / "bad.toml"
    path.write_bytes(case.content if isinstance(case.content, bytes) else case.content.encode("utf-8"))
    r = invoke(["run", str(path)], env={"MHSA_TUTOR_LANG": "ko"})
    check_korean_error(r, ["run", str(path)])
    if case.field is not None:
        assert case.field in r.stderr  # the field is named as the file writes it
    assert "bad.toml" in r.stderr


#: Usage errors of the command line, each once: Click's own and the library's option checks.
USAGE = [
    ["run", "by_hand", "--full=3"],
    ["run", "by_hand", "--lang", "xx"],
    ["list", "extra"],
    ["export", "by_hand", "--format"],
    ["quiz", "by_hand", "--count", "x"],
    ["run", "random", "--tokens", "0"],
    ["new"],
    ["explain", "by_hand", "--stage", "softmax"],
    ["run", "random", "--mask", "causl"],
    ["run", "by_hand", "--seed", "5"],
    ["quiz", "by_hand", "--stage", "input"],
    ["runn"],
    ["run", "random", "--window", "3"],
    ["run", "random", "--decode", "1"],
    ["run", "random", "--kv-heads", "3"],
    ["explain", "by_hand", "-s", "softmax", "-r", "1", "-c", "1", "--matrix", "Q"],
    ["run", "by_hand", "--head", "0"],
    ["run", "by_hand", "--stage", "9-3"],
    ["export", "by_hand", "--format", "pdf"],
]


@pytest.mark.parametrize("args", USAGE, ids=[" ".join(a) for a in USAGE])
def test_usage_errors_are_one_korean_error_line(args: list[str], invoke: Invoke) -> None:
    check_korean_error(invoke(args, env={"MHSA_TUTOR_LANG": "ko"}), args)
