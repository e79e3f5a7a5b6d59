"""The loader: valid files round-trip, and every bad file gets one clear ScenarioError naming file and field."""

from __future__ import annotations

import copy
import dataclasses
import os
import shutil
from pathlib import Path

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import mhsa_tutor.io.loader as loader_mod
import mhsa_tutor.io.validate as validate_mod
from mhsa_tutor import load_scenario as load_from_package
from mhsa_tutor.core.engine import run
from mhsa_tutor.core.errors import ScenarioError
from mhsa_tutor.core.stages import MASKS, SCALES, STAGE_IDS
from mhsa_tutor.io.loader import builtin_dir, builtin_names, load_scenario, resolve
from mhsa_tutor.io.validate import parse_scenario
from tests.bad_inputs import BASE_QKV, BASE_X, CASES, SAMPLE, Bad
from tests.strategies import TOKEN_ALPHABET, Spec, any_tokens, spec_tables, specs, tables_to_toml, to_toml

SETTINGS = settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def error_of(content: str | bytes, origin: str = "bad.toml") -> ScenarioError:
    with pytest.raises(ScenarioError) as err:
        parse_scenario(content, origin=origin, name="bad")
    return err.value


def assert_clear(err: ScenarioError, origin: str, fields: tuple[str, ...] | str | None, phrase: str = "") -> None:
    """One line, starting with the file, naming one of ``fields``, saying ``phrase``."""
    text = str(err)
    assert text.startswith(f"{origin}: "), text
    assert "\n" not in text and "\r" not in text, text
    assert err.origin == origin
    if isinstance(fields, str):
        fields = (fields,)
    if fields:
        assert any(f in text for f in fields), f"{text!r} names none of {fields}"
    assert phrase in text, f"{text!r} lacks {phrase!r}"


# ------------------------------------------------------------ every listed bad input


def test_the_bases_are_valid() -> None:
    for base in (BASE_X, BASE_QKV):
        parse_scenario(base, origin="ok.toml", name="ok")


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_bad_file_gives_one_clear_error(case: Bad) -> None:
    assert_clear(error_of(case.content), "bad.toml", case.field, case.phrase)


@pytest.mark.parametrize("case", [c for c in SAMPLE if isinstance(c.content, str)], ids=lambda c: c.id)
def test_bad_file_on_disk_names_its_path(case: Bad, tmp_path: Path) -> None:
    path = tmp_path / "mine.toml"
    path.write_text(str(case.content), encoding="utf-8")
    with pytest.raises(ScenarioError) as err:
        load_scenario(str(path))
    assert_clear(err.value, str(path), case.field, case.phrase)


def test_overflow_only_in_q_k_products_is_caught_by_the_engine() -> None:
    # 1e100 is allowed on its own, and so are the projections (1e200); Q·Kᵀ (1e400) is not
    text = BASE_X.replace("1.0, 0.0], [0.0, 1.0]]", "1e100, 0.0], [0.0, 1e100]]").replace("[1.0, 2.0]", "[1e100, 2.0]")
    scn = parse_scenario(text, origin="big.toml", name="big")
    with pytest.raises(ScenarioError) as err:
        run(scn)
    assert_clear(err.value, "big.toml", None, "overflow")
    assert "scores" in str(err.value)


def test_utf8_bom_is_accepted() -> None:
    """Editors on Windows write a byte-order mark; it is not a reason to reject the file."""
    scn = parse_scenario(b"\xef\xbb\xbf" + BASE_QKV.encode(), origin="bom.toml", name="bom")
    assert scn.title == "bad"


def test_scenario_is_frozen() -> None:
    scn = parse_scenario(BASE_X, origin="ok.toml", name="ok")
    with pytest.raises(dataclasses.FrozenInstanceError):
        scn.heads = 2  # type: ignore[misc]
    assert scn.X is not None
    with pytest.raises(ValueError):
        scn.X[0, 0] = 0.0


# --------------------------------------------------------------- paths and names


def test_path_that_does_not_exist(tmp_path: Path) -> None:
    missing = tmp_path / "nope.toml"
    with pytest.raises(ScenarioError) as err:
        load_scenario(str(missing))
    assert_clear(err.value, str(missing), None, "does not exist")


def test_path_that_is_a_folder(tmp_path: Path) -> None:
    for ref in (str(tmp_path), str(tmp_path) + "/", "."):
        with pytest.raises(ScenarioError) as err:
            load_scenario(ref)
        assert "is a folder" in str(err.value)


def test_folder_named_like_a_toml_file(tmp_path: Path) -> None:
    folder = tmp_path / "trap.toml"
    folder.mkdir()
    with pytest.raises(ScenarioError, match="is a folder"):
        load_scenario(str(folder))
    with pytest.raises(ScenarioError, match="is a folder"):
        load_scenario(folder)


def test_unreadable_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "locked.toml"
    path.write_text(BASE_X)

    real_open = os.open

    def denied(file: str, flags: int, *args: int) -> int:
        if str(file).endswith("locked.toml"):
            raise PermissionError(13, "Permission denied", str(file))
        return real_open(file, flags, *args)

    monkeypatch.setattr(os, "open", denied)
    with pytest.raises(ScenarioError) as err:
        load_scenario(str(path))
    assert_clear(err.value, str(path), None, "cannot be read (Permission denied)")


@pytest.mark.skipif(not hasattr(os, "geteuid") or os.geteuid() == 0, reason="root reads any file")
def test_unreadable_file_for_real(tmp_path: Path) -> None:
    path = tmp_path / "locked.toml"
    path.write_text(BASE_X)
    path.chmod(0)
    with pytest.raises(ScenarioError, match="cannot be read"):
        load_scenario(str(path))


@pytest.mark.parametrize(
    ("ref", "hint"),
    [
        ("acting_machine", "did you mean acting_machines?"),
        ("actingmachines", "did you mean acting_machines?"),
        ("Acting_Machines", "did you mean acting_machines?"),
        ("ACTING_MACHINES", "did you mean acting_machines?"),
        ("all_is_wel", "did you mean all_is_well?"),
        ("illustrate", "did you mean illustrated?"),
        ("xyzzy", "`mhsa-tutor list`"),
    ],
)
def test_unknown_builtin_suggests_the_closest(
    ref: str, hint: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    with pytest.raises(ScenarioError) as err:
        load_scenario(ref)
    assert err.value.origin == repr(ref)
    assert str(err.value).startswith(f"{ref!r} is not a built-in scenario or a file; ")  # no stray colon
    assert hint in str(err.value)


@pytest.mark.parametrize("ref", ["", " ", "a" * 300, "x/" + "a" * 300 + ".toml", "a\x00b"])
def test_odd_names_give_a_clear_error(ref: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    with pytest.raises(ScenarioError) as err:
        load_scenario(ref)
    text = str(err.value)
    assert "\n" not in text and len(text) < 600
    assert not text.startswith(": "), "the message must name what was asked for"


def test_builtins_load_by_name_and_by_path() -> None:
    for name in builtin_names():
        by_name = load_scenario(name)
        by_path = load_scenario(builtin_dir() / f"{name}.toml")
        assert by_name.origin == by_path.origin == f"{name}.toml"
        assert by_name.title == by_path.title
    assert load_from_package("illustrated").heads == 1


@pytest.fixture
def jailed_builtins(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Built-ins in tmp/pkg/scenarios; a valid scenario lies outside them; cwd is an empty folder."""
    pkg = tmp_path / "pkg"
    inside = pkg / "scenarios"
    inside.mkdir(parents=True)
    for name in builtin_names():
        shutil.copy(builtin_dir() / f"{name}.toml", inside)
    # valid scenarios just outside the built-ins, where "../secret" etc. would lead from them
    for outside in (pkg / "secret.toml", pkg / "secret", pkg / "x.toml", tmp_path / "secret.toml"):
        outside.write_text(BASE_QKV)
    (pkg / "etc").mkdir()
    (pkg / "etc" / "passwd").write_text(BASE_QKV)
    cwd = tmp_path / "deep" / "er" / "cwd"  # far from them: the same relative paths lead nowhere from here
    cwd.mkdir(parents=True)
    monkeypatch.chdir(cwd)
    monkeypatch.setattr(loader_mod, "builtin_dir", lambda: inside)
    return inside


@pytest.mark.parametrize(
    "ref",
    [
        "../etc/passwd",
        "../secret",
        "../secret.toml",
        "../../secret",
        "acting_machines/../x",
        "acting_machines/../secret",
        "acting_machines/../../secret",
        "..\\secret",
        "acting_machines\\..\\secret",
        "secret",
        "x",
        "scenarios/../secret",
        "..",
        "%2e%2e/secret",
    ],
)
def test_names_never_resolve_outside_the_builtins(ref: str, jailed_builtins: Path) -> None:
    assert load_scenario("acting_machines").title == "Acting Machines"  # the jail works
    with pytest.raises(ScenarioError):
        load_scenario(ref)


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.text(alphabet=TOKEN_ALPHABET, max_size=30).filter(lambda s: "/" not in s and "\\" not in s))
def test_any_bare_name_resolves_to_a_builtin_or_fails(jailed_builtins: Path, name: str) -> None:
    try:
        path = resolve(name)
    except ScenarioError:
        return
    assert path.parent == jailed_builtins and path.stem == name, path


# ------------------------------------------------------------------ round trip


text_fields = st.text(alphabet=TOKEN_ALPHABET, max_size=20)


@SETTINGS
@given(specs(tokens=any_tokens, allow_rounding=True), text_fields, st.none() | text_fields, st.none() | text_fields)
def test_any_valid_scenario_loads_and_round_trips(
    spec: Spec, title: str, description: str | None, source: str | None
) -> None:
    spec = spec.with_(title=title, description=description, source=source)
    scn = parse_scenario(to_toml(spec), origin="gen.toml", name="gen")
    assert (scn.name, scn.origin) == ("gen", "gen.toml")
    assert scn.title == title
    assert scn.description == (description or "") and scn.source == (source or "")
    assert scn.tokens == tuple(spec.tokens)
    assert scn.memory_tokens == (tuple(spec.memory_tokens) if spec.memory_tokens is not None else None)
    assert scn.key_tokens == tuple(spec.key_tokens)
    assert (scn.heads, scn.mask, scn.scale) == (spec.heads, spec.mask, spec.scale)
    assert (scn.d_k, scn.d_v) == (spec.d_k, spec.d_v)
    assert dict(scn.rounding) == spec.rounding
    assert scn.given_qkv == (spec.X is None)
    for name in ("X", "memory", "Q", "K", "V", "W_Q", "W_K", "W_V", "W_O"):
        want, got = getattr(spec, name), getattr(scn, name)
        if want is None:
            assert got is None, name
        else:
            assert got.dtype == np.float64 and not got.flags.writeable
            assert got.tolist() == want, name  # exactly: repr() of a float reads back bit for bit
    assert scn.d_model == len((spec.X if spec.X is not None else spec.Q)[0])  # type: ignore[index]
    assert scn.expected == ()


# ------------------------------------------------------------------- corruption

_ALLOWED = {
    "": set(validate_mod._TOP_KEYS),
    "input": {"X", "memory", "Q", "K", "V"},
    "weights": {"W_Q", "W_K", "W_V", "W_O"},
    "rounding": set(STAGE_IDS),
}
bare_keys = st.from_regex(r"[A-Za-z][A-Za-z0-9_]{0,10}", fullmatch=True)
not_a_string = st.sampled_from([1, 2.5, True, [1], ["a"], {"a": 1}])
not_an_int = st.sampled_from(["2", 2.5, True, False, [1], {"a": 1}])
not_a_number = st.sampled_from(["1.0", "x", True, False, [1.0], {"a": 1}])
not_finite = st.sampled_from([float("nan"), float("inf"), float("-inf")])
too_large = st.sampled_from([1e151, -1e151, 1e200, -1e300, 1.7e308, 10**160])


@st.composite
def corrupted(draw: st.DrawFn) -> tuple[str, tuple[str, ...]]:
    """A valid file with exactly one thing broken, and the fields the error may name."""
    spec = draw(specs(allow_rounding=True))
    doc = copy.deepcopy(spec_tables(spec))
    top = doc[""]
    mats = [(t, k) for t in ("input", "weights") for k in doc.get(t, {})]
    kinds = ["remove", "unknown_key", "wrong_type", "non_finite", "too_large", "extra_row", "heads", "tokens", "choice"]
    if any(len(doc[t][k]) >= 2 for t, k in mats):  # type: ignore[arg-type]
        kinds.append("ragged")
    if spec.rounding:
        kinds.append("rounding")
    kind = draw(st.sampled_from(kinds))

    if kind == "remove":
        options: dict[str, tuple[str, ...]] = {"title": ("title",), "tokens": ("tokens",), "heads": ("heads",)}
        options["input"] = ("input",)
        if spec.X is not None:
            options |= {"X": ("input",), "weights": ("weights.W_Q",)}
            options |= {k: (f"weights.{k}",) for k in ("W_Q", "W_K", "W_V")}
            if spec.memory is not None:
                options |= {"memory": ("input.memory",), "memory_tokens": ("memory_tokens",)}
        else:
            options |= {k: (f"input.{k}",) for k in ("Q", "K", "V")}
        what = draw(st.sampled_from(sorted(options)))
        if what in ("input", "weights"):
            del doc[what]
        elif what in ("title", "tokens", "heads", "memory_tokens"):
            del top[what]
        else:
            del doc["weights" if what.startswith("W_") else "input"][what]
        return tables_to_toml(doc), options[what]

    if kind == "unknown_key":
        table = draw(st.sampled_from([t for t in ("", "input", "weights", "rounding") if t in doc] + ["<new>"]))
        if table == "<new>":
            name = draw(bare_keys.filter(lambda k: k not in _ALLOWED[""] and k not in doc))
            doc[name] = {"a": 1}
            return tables_to_toml(doc), (name,)
        key = draw(bare_keys.filter(lambda k: k not in _ALLOWED[table]))
        doc[table][key] = 1
        return tables_to_toml(doc), (f"{table}.{key}" if table else key,)

    if kind == "wrong_type":
        target = draw(st.sampled_from(["title", "description", "tokens", "token", "heads", "mask", "matrix", "cell"]))
        if target in ("title", "description"):
            top[target] = draw(not_a_string)
            return tables_to_toml(doc), (target,)
        if target == "tokens":
            top["tokens"] = draw(st.sampled_from(["a b", 3, True, {"a": "b"}]))
            return tables_to_toml(doc), ("tokens",)
        if target == "token":
            i = draw(st.integers(0, len(spec.tokens) - 1))
            top["tokens"][i] = draw(not_a_string)  # type: ignore[index]
            return tables_to_toml(doc), (f"tokens[{i + 1}]",)
        if target == "heads":
            top["heads"] = draw(not_an_int)
            return tables_to_toml(doc), ("heads",)
        if target == "mask":
            top[draw(st.sampled_from(["mask", "scale"]))] = draw(st.sampled_from([1, True, ["none"], 0.5]))
            return tables_to_toml(doc), ("mask", "scale")
        t, k = draw(st.sampled_from(mats))
        if target == "matrix":
            doc[t][k] = draw(st.sampled_from(["I", 1.0, True, {"a": 1}, [], [1.0, 2.0]]))
            return tables_to_toml(doc), (f"{t}.{k}",)
        i, j = cell(draw, doc[t][k])  # type: ignore[arg-type]
        doc[t][k][i][j] = draw(not_a_number)  # type: ignore[index]
        return tables_to_toml(doc), (f"{t}.{k}[{i + 1}][{j + 1}]",)

    if kind in ("non_finite", "too_large"):
        t, k = draw(st.sampled_from(mats))
        i, j = cell(draw, doc[t][k])  # type: ignore[arg-type]
        doc[t][k][i][j] = draw(not_finite if kind == "non_finite" else too_large)  # type: ignore[index]
        return tables_to_toml(doc), (f"{t}.{k}[{i + 1}][{j + 1}]",)

    if kind == "ragged":
        t, k = draw(st.sampled_from([(t, k) for t, k in mats if len(doc[t][k]) >= 2]))  # type: ignore[arg-type]
        m: list[list[float]] = doc[t][k]  # type: ignore[assignment]
        i = draw(st.integers(0, len(m) - 1))
        if len(m[i]) > 1 and draw(st.booleans()):
            m[i].pop()
        else:
            m[i].append(0.5)
        return tables_to_toml(doc), (f"{t}.{k}",)

    if kind == "extra_row":
        t, k = draw(st.sampled_from(mats))
        m = doc[t][k]  # type: ignore[assignment]
        m.insert(draw(st.integers(0, len(m))), [0.25] * len(m[0]))
        return tables_to_toml(doc), (f"{t}.{k}",)

    if kind == "heads":
        bad = draw(st.sampled_from([0, -1, -7, spec.heads * spec.d_k + 1]))
        top["heads"] = bad
        return tables_to_toml(doc), ("heads",) if bad < 1 else ("weights.W_Q", "input.Q")

    if kind == "tokens":
        if draw(st.booleans()):
            top["tokens"] = []
            return tables_to_toml(doc), ("tokens",)
        i = draw(st.integers(0, len(spec.tokens) - 1))
        top["tokens"][i] = ""  # type: ignore[index]
        return tables_to_toml(doc), (f"tokens[{i + 1}]",)

    if kind == "choice":
        key = draw(st.sampled_from(["mask", "scale"]))
        allowed = MASKS if key == "mask" else SCALES
        top[key] = draw(st.text(max_size=12).filter(lambda s: s not in allowed))
        return tables_to_toml(doc), (key,)

    assert kind == "rounding"
    stage = next(iter(spec.rounding))
    doc["rounding"][stage] = draw(st.sampled_from([-1, 13, 99, "2", 1.5, True]))
    return tables_to_toml(doc), (f"rounding.{stage}",)


def cell(draw: st.DrawFn, m: list[list[float]]) -> tuple[int, int]:
    i = draw(st.integers(0, len(m) - 1))
    return i, draw(st.integers(0, len(m[i]) - 1))


@SETTINGS
@given(corrupted())
def test_any_single_corruption_is_one_clear_error(case: tuple[str, tuple[str, ...]]) -> None:
    text, fields = case
    assert_clear(error_of(text, origin="gen.toml"), "gen.toml", fields)


def test_korean_fields_and_article_are_read() -> None:
    text = BASE_QKV.replace(
        "heads = 1",
        'heads = 1\narticle = "karim2019"\ntitle_ko = "제목"\ndescription_ko = "설명"\nsource_ko = "출처"',
    )
    scn = parse_scenario(
        text + '\n[expected.c]\nstage = "scores"\nhead = 1\nmatrix = "S"\nvalue = [[1, 1], [0, 1]]\n'
        'decimals = 0\nnote = "n"\nnote_ko = "노트"\n',
        origin="k.toml",
        name="k",
    )
    assert (scn.article, scn.title_ko, scn.description_ko, scn.source_ko) == ("karim2019", "제목", "설명", "출처")
    assert scn.expected[0].note_in("ko") == "노트" and scn.expected[0].note_in("en") == "n"
    info = run(scn).info
    assert info.text("title", "ko") == "제목" and info.text("title", "en") == "bad"
    plain = parse_scenario(BASE_QKV, origin="p.toml", name="p")
    assert plain.article is None and run(plain).info.text("source", "ko") == ""
