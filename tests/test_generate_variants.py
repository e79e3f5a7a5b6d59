"""`random` and `new` with the variants: --positions, --rope, --bias alibi, --mask sliding --window W, --kv-heads G."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from mhsa_tutor import run
from mhsa_tutor.core.trace import Trace
from mhsa_tutor.io.generate import RandomSpec, build_new
from mhsa_tutor.io.loader import load_scenario
from mhsa_tutor.io.newfile import scenario_toml
from mhsa_tutor.io.validate import parse_scenario
from mhsa_tutor.io.variant_options import VariantOptions
from tests.conftest import Invoke
from tests.test_cli_errors import assert_one_error_line

EVERY = ["--rope", "--bias", "alibi", "--mask", "sliding", "--window", "2"]


@pytest.mark.parametrize("command", ["run", "export", "explain", "quiz"])
def test_random_takes_every_variant_option(invoke: Invoke, command: str) -> None:
    extra = {
        "export": ["-o", "-", "--format", "json"],
        "explain": ["--stage", "rotary", "--row", "2", "--col", "1"],
        "quiz": ["--stage", "bias", "--count", "1", "--seed", "3"],
    }.get(command, [])
    options = ["--heads", "2", "--kv-heads", "1", "--positions", "sinusoidal", *EVERY]
    r = invoke([command, "random", *options, *extra], input="q\n")
    assert r.exit_code == 0, r.stderr
    if command == "run":
        for stage in ("positions", "rotary", "bias", "sliding-window mask"):
            assert stage in r.stdout
    if command == "export":
        assert '"kv_heads": 1' in r.stdout and '"window": 2' in r.stdout and '"id": "rotary"' in r.stdout


def test_random_variants_build_what_they_say() -> None:
    spec = RandomSpec.from_options(
        "random",
        tokens=4,
        d_model=8,
        heads=4,
        mask="sliding",
        variants=VariantOptions(positions="learned", rope=True, bias="alibi", window=3, kv_heads=2),
    )
    assert spec is not None
    scn = spec.build()
    var = scn.variants
    assert (var.positions, var.bias, var.window, scn.kv_heads, scn.mask) == ("learned", "alibi", 3, 2, "sliding")
    assert var.rope is not None and var.P is not None and var.P.shape == (4, 8)
    assert scn.W_K is not None and scn.W_K.shape == (8, 4)  # kv_heads·d_k = 2·2
    assert "--rope" in scn.source and "--kv-heads 2" in scn.source
    run(scn)


def test_plain_random_is_unchanged_by_the_variants() -> None:
    plain = RandomSpec.from_options("random")
    assert plain is not None
    a = plain.build()
    b = RandomSpec.from_options("random", variants=VariantOptions())
    assert b is not None
    assert np.array_equal(a.inputs.X, b.build().inputs.X)  # type: ignore[union-attr]
    assert a.source == "mhsa-tutor random --seed 0 --values small-int"


def test_new_writes_every_variant_and_reads_back(invoke: Invoke, tmp_path: Path) -> None:
    path = tmp_path / "v.toml"
    args = ["new", str(path), "--tokens", "a b c", "--kv-heads", "1", "--positions", "learned", *EVERY]
    r = invoke(args)
    assert r.exit_code == 0, r.stderr
    scn = load_scenario(str(path))
    want = build_new(
        ["a", "b", "c"],
        d_model=4,
        heads=2,
        seed=0,
        mask="sliding",
        values="small-int",
        name="x",
        origin="x",
        variants=VariantOptions(positions="learned", rope=True, bias="alibi", window=2, kv_heads=1),
    )
    assert want.variants.P is not None and scn.variants.P is not None
    assert np.array_equal(scn.variants.P, want.variants.P)
    assert (scn.variants.positions, scn.variants.bias, scn.variants.window, scn.kv_heads) == ("learned", "alibi", 2, 1)
    assert scn.variants.rope == want.variants.rope
    for a, b in ((scn.W_K, want.W_K), (scn.W_V, want.W_V), (scn.X, want.X)):
        assert a is not None and b is not None and np.array_equal(a, b)
    assert np.array_equal(run(scn).find("concat").matrices["Z"].values, run(want).find("concat").matrices["Z"].values)


@pytest.mark.parametrize(
    ("args", "option", "phrase"),
    [
        (["--mask", "sliding"], "--window", "needed with --mask sliding"),
        (["--window", "2"], "--window", "goes with --mask sliding"),
        (["--mask", "sliding", "--window", "0"], "--window", "expected 1 or more"),
        (["--kv-heads", "3"], "--kv-heads", "does not divide"),
        (["--d-model", "6", "--rope"], "--rope", "even d_k"),
        (["--bias", "alibis"], "--bias", "did you mean alibi?"),
        (["--positions", "sinus"], "--positions", "expected one of"),
        (["--mask", "custom"], "--mask", "expected one of: none, causal, sliding"),
    ],
)
def test_bad_variant_options_are_one_line(invoke: Invoke, args: list[str], option: str, phrase: str) -> None:
    assert_one_error_line(invoke(["run", "random", *args]), option, phrase)


@pytest.mark.parametrize("option", [["--rope"], ["--kv-heads", "1"], ["--bias", "alibi"], ["--window", "2"]])
def test_variant_options_need_the_random_scenario(invoke: Invoke, option: list[str]) -> None:
    r = invoke(["run", "by_hand", *option])
    assert r.exit_code == 2
    assert r.stderr == f"error: {option[0]} is only for the random scenario, not for by_hand\n"


@st.composite
def new_files(draw: st.DrawFn) -> tuple[int, int, str, VariantOptions]:
    heads = draw(st.sampled_from([1, 2, 4]))
    d_model = heads * draw(st.sampled_from([1, 2]))
    mask = draw(st.sampled_from(["none", "causal", "sliding"]))
    kv = draw(st.sampled_from([g for g in range(1, heads + 1) if heads % g == 0]))
    options = VariantOptions(
        positions=draw(st.sampled_from([None, "sinusoidal", "learned"])),
        rope=draw(st.booleans()) and (d_model // heads) % 2 == 0,
        bias=draw(st.sampled_from([None, "alibi"])),
        window=draw(st.integers(1, 3)) if mask == "sliding" else None,
        kv_heads=kv if kv != heads else None,
    )
    return d_model, heads, mask, options


@given(new_files(), st.integers(0, 1000), st.sampled_from(["small-int", "normal"]))
@settings(max_examples=40, deadline=None)
def test_new_files_with_variants_read_back_to_the_same_scenario(
    case: tuple[int, int, str, VariantOptions], seed: int, values: str
) -> None:
    d_model, heads, mask, options = case
    scn = build_new(
        ["a", "b", "c"],
        d_model=d_model,
        heads=heads,
        seed=seed,
        mask=mask,
        values=values,
        name="x",
        origin="x",
        variants=options,
    )
    back = parse_scenario(scenario_toml(scn, values=values, seed=seed, path="x.toml"), origin="x.toml", name="x")
    assert (back.mask, back.kv_heads, back.variants.positions, back.variants.bias, back.variants.window) == (
        scn.mask,
        scn.kv_heads,
        scn.variants.positions,
        scn.variants.bias,
        scn.variants.window,
    )
    assert back.variants.rope == scn.variants.rope
    for a, b in ((back.X, scn.X), (back.W_K, scn.W_K), (back.W_V, scn.W_V), (back.variants.P, scn.variants.P)):
        assert (a is None and b is None) or (a is not None and b is not None and np.array_equal(a, b))
    assert np.array_equal(final(run(back)), final(run(scn)), equal_nan=True)


def final(trace: Trace) -> np.ndarray:
    return trace.stages[-1].matrices[next(iter(trace.stages[-1].matrices))].values
