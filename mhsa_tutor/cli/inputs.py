"""The CLI's inputs: from options to the scenario, the trace and the view a command works on.

``source_of`` turns a scenario name and the ``random`` options into what to
load, ``load_ref`` loads it (a built-in, a file or a generated scenario),
``trace_of`` runs the engine on it and ``view_of`` checks the display options.
Heavy modules are imported inside, so the CLI still starts without NumPy.
"""

from typing import TYPE_CHECKING

from mhsa_tutor.cli.support import at_least, at_most, choice
from mhsa_tutor.core.limits import MAX_SEED
from mhsa_tutor.strings import LANGS

if TYPE_CHECKING:
    from pathlib import Path

    from mhsa_tutor.core.scenario import Scenario
    from mhsa_tutor.core.trace import Trace
    from mhsa_tutor.io.generate import RandomSpec
    from mhsa_tutor.io.variant_options import VariantOptions
    from mhsa_tutor.views.view import View


def load_ref(ref: "str | RandomSpec") -> "Scenario":
    """A built-in or file scenario, or the generated one that ``random`` (or a RandomSpec) stands for."""
    if isinstance(ref, str) and ref != "random":
        from mhsa_tutor.io.loader import load_scenario

        return load_scenario(ref)
    from mhsa_tutor.io.generate import RandomSpec

    return (ref if isinstance(ref, RandomSpec) else RandomSpec()).build()


def input_files(ref: str) -> tuple[str, ...]:
    """The files a command reads for the scenario ``ref``: its file and the arrays file it names
    (``[input] arrays``), or none (``random``, an unknown name).

    An export compares its target with these, so it can never write over its own input
    (``export layer.toml -o layer.npz --force`` included).
    """
    if ref == "random":
        return ()
    from mhsa_tutor.core.errors import ScenarioError
    from mhsa_tutor.io.loader import resolve

    try:
        path = resolve(ref)
    except ScenarioError:  # loading it reports the problem, in its own words
        return ()
    return (str(path), *_arrays_file(path))


def _arrays_file(path: "Path") -> tuple[str, ...]:
    """The arrays file the scenario file at ``path`` names, if it names one it may (else loading says why)."""
    import tomllib

    from mhsa_tutor.core.errors import ScenarioError
    from mhsa_tutor.io.sidecar import resolve

    try:
        data = path.read_bytes()
        if b"arrays" not in data:  # most files: no second parse
            return ()
        inp = tomllib.loads(data.decode("utf-8")).get("input")
        if not isinstance(inp, dict) or "arrays" not in inp:
            return ()
        return (str(resolve(inp["arrays"], path.parent, str(path))),)
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError, ScenarioError):
        return ()


def source_of(
    name: str,
    tokens: int | None,
    d_model: int | None,
    heads: int | None,
    seed: int | None,
    mask: str | None,
    values: str | None,
    variants: "VariantOptions | None" = None,
) -> "str | RandomSpec":
    """The scenario to load: ``name``, or the RandomSpec for ``random`` (random-only options checked)."""
    plain = variants is None or variants == type(variants)()
    if name != "random" and plain and all(x is None for x in (tokens, d_model, heads, seed, mask, values)):
        return name  # a built-in or a file, no option of random's to check: the generator is not imported
    from mhsa_tutor.io.generate import RandomSpec

    at_least(seed, 0, "seed")
    at_most(seed, MAX_SEED, "seed")
    spec = RandomSpec.from_options(
        name,
        tokens=tokens,
        d_model=d_model,
        heads=heads,
        seed=seed,
        mask=mask,
        values=values,
        variants=variants,
    )
    return name if spec is None else spec


def variants_of(
    positions: str | None,
    rope: bool | None,
    bias: str | None,
    window: int | None,
    kv_heads: int | None,
    bias_terms: bool | None = None,
    decode: int | None = None,
    block: int | None = None,
) -> "VariantOptions":
    """The variant options of a command, as one record."""
    from mhsa_tutor.io.variant_options import VariantOptions

    return VariantOptions(
        positions=positions,
        rope=rope,
        bias=bias,
        window=window,
        kv_heads=kv_heads,
        bias_terms=bias_terms,
        decode=decode,
        block=block,
    )


def check_text_budget(scn: "Scenario", output: str, full: bool = False, count: int = 1) -> None:
    """The text budget (``limits.text_cost``) of what ``output`` will write for ``scn``, before any work."""
    from mhsa_tutor.core.limits import check_text, text_cost

    cost = text_cost(scn.tokens, scn.key_tokens, heads=scn.heads, output=output, full=full, count=count)
    check_text(cost, output, scn.origin)


def trace_of(ref: "str | RandomSpec", exact: bool, output: str = "run", full: bool = False) -> "Trace":
    """Load the scenario, check the text ``output`` will write (the numbers: the engine), and run it."""
    from mhsa_tutor.core.engine import run as run_engine

    scn = load_ref(ref)
    check_text_budget(scn, output, full)
    return run_engine(scn, exact=exact)


def view_of(precision: int, full: bool, lang: str, narrate: bool = True) -> "View":
    from mhsa_tutor.views.view import View

    at_least(precision, 0, "precision", top=12)
    choice(lang, LANGS, "lang")
    return View(precision=precision, full=full, lang=lang, narrate=narrate)
