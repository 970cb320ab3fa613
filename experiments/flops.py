"""Share of the arithmetic ceiling: floating-point operations a run-month needs, against what one core can do.

Usage, from the repository root after the README's first command:

    .venv/bin/python experiments/flops.py [--scenario NAME] [--runs N]

Three measurements, printed as one Markdown table:

1. **FLOPs per run-month, counted.** A smaller batch (``--count-runs``, default 1,000 replications, the
   scenario's 48 months) runs with every float array of its parameters, initial state and random-draw keys
   replaced by a view of :class:`Counted`, an ndarray subclass. Its ``__array_ufunc__`` adds, for every
   floating-point arithmetic ufunc, the number of float output elements (the input elements for a
   ``reduce``/``accumulate``) to a tally, then calls the plain ufunc; its ``__array_function__`` re-views the
   results of numpy functions (``np.where``, ``np.stack``, ``np.asfortranarray``...) as :class:`Counted`, so the
   subclass survives them. Counted: add, subtract, multiply, divide, power, negative, absolute, exp, log,
   sqrt, square, reciprocal, maximum/minimum, fmax/fmin, clip (2 per element: a minimum and a maximum),
   matmul (2 per multiply-add), the other float math ufuncs (log1p, tanh, scipy's ndtr/ndtri... 1 per element,
   shown apart), and reductions of add/multiply/maximum/minimum over float input. Not counted (not flops):
   ``np.where``/``np.select``, indexing and copies, comparisons and logical ops, floor/ceil/round/sign,
   integer arithmetic (the random draws' SplitMix64 hashing), conversions. Propagation is checked: the share
   of the model's float arrays (state, parameters, the month's memo, and every float local of replication
   length seen when a model function returns, traced for one month) that are counted views, and the places
   where plain float arrays of replication length still appear (operations on two plain arrays cannot be
   seen). The counted batch's outcomes are checked to equal an uncounted batch's.
2. **The machine's ceiling on one core.** float64 ``t = a * b; t += c`` (2 flops per element) on arrays that
   fit in L2 (the fair ceiling for numpy's elementwise code: one ufunc at a time, no fusing), the same on
   arrays far larger than the caches (streaming, memory-bound; also gives the bandwidth), and a BLAS
   ``matmul`` with one thread (the core's practical peak, FMA on wide vectors).
3. **Runs per second** of ``run_replications(load_scenario(NAME), 2, N)`` uncounted (after a warm-up of 1,000),
   and from it the achieved FLOP/s = flops per run x runs/s, and its share of each ceiling. The bytes the
   counted ufuncs read and write give the model's arithmetic intensity (flops per byte touched) and a
   roofline bound from the streaming bandwidth.

The machine may be shared: the load average is printed with the table; other work makes every figure lower.
"""

from __future__ import annotations

import os

for _name in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ[_name] = "1"  # before numpy is imported: one core for the BLAS peak as for the model

import argparse  # noqa: E402
import contextlib  # noqa: E402
import dataclasses  # noqa: E402
import functools  # noqa: E402
import platform  # noqa: E402
import statistics  # noqa: E402
import sys  # noqa: E402
import time  # noqa: E402
from collections import Counter  # noqa: E402

import numpy as np  # noqa: E402

ARITHMETIC = {
    "add",
    "subtract",
    "multiply",
    "divide",
    "true_divide",
    "floor_divide",
    "power",
    "float_power",
    "negative",
    "positive",
    "absolute",
    "exp",
    "log",
    "sqrt",
    "square",
    "reciprocal",
    "maximum",
    "minimum",
    "fmax",
    "fmin",
}
"""Ufuncs counted as one flop per float output element."""

MATH = {
    "exp2",
    "expm1",
    "log2",
    "log10",
    "log1p",
    "logaddexp",
    "cbrt",
    "sin",
    "cos",
    "tan",
    "arctan",
    "arctan2",
    "tanh",
    "hypot",
    "remainder",
    "fmod",
    "ndtr",
    "ndtri",
    "expit",
    "logit",
    "erf",
    "erfc",
}
"""Other float math ufuncs (scipy.special's included): one 'flop' per element, though each costs many; shown apart."""

REDUCING = {"add", "multiply", "maximum", "minimum", "fmax", "fmin"}
"""Ufuncs whose ``reduce``/``accumulate`` over float input counts its input elements."""


class Tally:
    """What the counted arrays went through."""

    def __init__(self) -> None:
        self.on = False
        self.flops: Counter[str] = Counter()  # by ufunc (and method)
        self.by_place: Counter[str] = Counter()  # by the model function that called it
        self.uncounted: Counter[str] = Counter()  # float ufunc calls not counted as flops, elements
        self.bytes = 0  # bytes read and written by counted ufunc calls
        self.function_bytes = 0  # bytes of the arrays numpy functions (np.where...) took and returned
        self.calls = 0

    def reset(self) -> None:
        self.__init__()
        self.on = True

    @property
    def total(self) -> int:
        return sum(self.flops.values())


TALLY = Tally()


def _plain(x):
    return x.view(np.ndarray) if isinstance(x, Counted) else x


def _counted(x):
    if isinstance(x, np.ndarray) and not isinstance(x, Counted):
        return x.view(Counted)
    if isinstance(x, tuple) and not hasattr(x, "_fields"):
        return tuple(_counted(v) for v in x)
    if isinstance(x, list):
        return [_counted(v) for v in x]
    return x


def _place() -> str:
    """The model function (module.function) whose code called the ufunc."""
    frame = sys._getframe(2)
    while frame is not None:
        name = frame.f_globals.get("__name__", "")
        if name.startswith("model."):
            return f"{name.removeprefix('model.')}.{frame.f_code.co_name}"
        frame = frame.f_back
    return "(outside model)"


def _is_float(a) -> bool:
    return isinstance(a, np.ndarray | np.generic) and a.dtype.kind in "fc"


class Counted(np.ndarray):
    """An ndarray that counts the floating-point operations done on it (see the module docstring)."""

    def __array_ufunc__(self, ufunc, method, *inputs, **kwargs):
        out = kwargs.get("out")
        if out is not None:
            kwargs["out"] = tuple(_plain(o) for o in out)
        plain = [_plain(x) for x in inputs]
        result = getattr(ufunc, method)(*plain, **kwargs)
        if TALLY.on:
            _count(ufunc, method, plain, result)
        if out is not None:
            return out[0] if len(out) == 1 else out
        return _counted(result)

    def __array_function__(self, func, types, args, kwargs):
        result = super().__array_function__(func, types, args, kwargs)
        if TALLY.on:
            TALLY.function_bytes += sum(a.nbytes for a in _arrays(args)) + sum(a.nbytes for a in _arrays(result))
        return _counted(result)


def _arrays(x):
    if isinstance(x, np.ndarray):
        yield x
    elif isinstance(x, tuple | list):
        for v in x:
            yield from _arrays(v)


def _count(ufunc, method, inputs, result) -> None:
    TALLY.calls += 1
    name = ufunc.__name__
    first = result[0] if isinstance(result, tuple) else result
    arrays = [x for x in inputs if isinstance(x, np.ndarray)]
    if method == "__call__":
        if not _is_float(first):
            return
        size = np.size(first)
        if name == "matmul":
            flops, label = 2 * size * inputs[0].shape[-1], "matmul"
        elif name == "clip":
            flops, label = 2 * size, "clip"
        elif name in ARITHMETIC:
            flops, label = size, name
        elif name in MATH:
            flops, label = size, f"{name} (math)"
        else:
            TALLY.uncounted[name] += size
            return
    elif method in ("reduce", "accumulate", "reduceat"):
        if name not in REDUCING or not arrays or arrays[0].dtype.kind not in "fc":
            return
        flops, label = arrays[0].size, f"{name}.{method}"
    else:
        TALLY.uncounted[f"{name}.{method}"] += 1
        return
    TALLY.flops[label] += flops
    TALLY.by_place[_place()] += flops
    TALLY.bytes += sum(x.nbytes for x in arrays) + (first.nbytes if isinstance(first, np.ndarray) else 8)


CREATORS = (
    "array",
    "asarray",
    "asanyarray",
    "ascontiguousarray",
    "asfortranarray",
    "zeros",
    "ones",
    "empty",
    "full",
    "arange",
    "linspace",
)
"""numpy functions that make a new base-class array whatever they are given (not dispatched to a subclass)."""


@contextlib.contextmanager
def counting_numpy():
    """While counting, the numpy module's array creators return :class:`Counted` arrays.

    The model calls them as ``np.zeros(...)``, so replacing the module's attributes reaches every call;
    ``np.ascontiguousarray(counted)`` would otherwise hand back a plain array, and operations between plain
    arrays are never seen. The ufuncs themselves are untouched (operators do not look them up by name).
    """
    saved = {name: getattr(np, name) for name in CREATORS}

    def counting(make):
        @functools.wraps(make)
        def made(*args, **kwargs):
            return _counted(make(*args, **kwargs))

        return made

    try:
        for name, make in saved.items():
            setattr(np, name, counting(make))
        yield
    finally:
        for name, make in saved.items():
            setattr(np, name, make)


def counted_fields(obj):
    """A frozen dataclass with every float array field re-viewed as :class:`Counted` (others as they are)."""
    changes = {}
    for f in dataclasses.fields(obj):
        value = getattr(obj, f.name)
        if isinstance(value, np.ndarray):
            changes[f.name] = value.view(Counted)
    return dataclasses.replace(obj, **changes)


def float_share(objects) -> tuple[int, int]:
    """(counted, all) float arrays among the arrays of the given dataclasses and dicts."""
    counted = total = 0
    for obj in objects:
        values = (
            obj.values()
            if isinstance(obj, dict)
            else [getattr(obj, f.name) for f in dataclasses.fields(obj)]
            if dataclasses.is_dataclass(obj)
            else []
        )
        for value in values:
            for a in _arrays(value):
                if a.dtype.kind == "f":
                    total += 1
                    counted += isinstance(a, Counted)
    return counted, total


# ---------------------------------------------------------------------------------------------- counting


def counted_model(spec, seeds):
    """A model whose parameters, state and draw keys are :class:`Counted` from the start."""
    from model.core.params import compile_params, replicate
    from model.simulation import PeninsulaModel

    params = {k: v.view(Counted) for k, v in replicate(compile_params(spec), len(seeds)).items()}
    TALLY.reset()
    model = PeninsulaModel(spec, seeds=seeds, params=params, collect=False)
    setup = TALLY.total
    model.state = counted_fields(model.state)
    model.draws.keys = model.draws.keys.view(Counted)
    return model, setup


def subclass_only(spec, runs: int) -> float:
    """FLOPs per run-month counted with the subclass alone, numpy's creators left as they are (for comparison)."""
    from model.results.runs import replication_seeds

    model, _ = counted_model(spec, replication_seeds(2, runs))
    TALLY.reset()
    model.run_for(model.months)
    TALLY.on = False
    return TALLY.total / runs / model.months


@contextlib.contextmanager
def _restored(name: str):
    patched = getattr(np, name)
    setattr(np, name, getattr(np, name).__wrapped__)
    try:
        yield
    finally:
        setattr(np, name, patched)


class LeakTrace:
    """For one month: float arrays of replication length held by model functions when they return."""

    def __init__(self, runs: int) -> None:
        self.runs = runs
        self.counted = 0
        self.plain: Counter[str] = Counter()
        self.seen: set[int] = set()

    def __call__(self, frame, event, arg) -> None:
        if event != "return" or not frame.f_globals.get("__name__", "").startswith("model."):
            return
        place = f"{frame.f_globals['__name__'].removeprefix('model.')}.{frame.f_code.co_name}"
        for name, value in [*frame.f_locals.items(), ("<return>", arg)]:
            for a in _arrays(value):
                if a.dtype.kind != "f" or a.ndim == 0 or a.shape[0] != self.runs or id(a) in self.seen:
                    continue
                self.seen.add(id(a))
                if isinstance(a, Counted):
                    self.counted += 1
                else:
                    self.plain[f"{place}:{name}"] += 1


def count(spec, runs: int) -> dict:
    """Count a batch of ``runs`` replications (see the module docstring), and check it against an uncounted one."""
    from model.results.runs import replication_seeds

    seeds = replication_seeds(2, runs)
    with counting_numpy():
        return _count_run(spec, seeds, runs)


def _count_run(spec, seeds, runs: int):
    from model.core.params import Params
    from model.results.outcomes import outcomes
    from model.simulation import PeninsulaModel

    model, setup = counted_model(spec, seeds)
    TALLY.reset()
    trace = LeakTrace(runs)
    sys.setprofile(trace)
    try:
        model.step()
    finally:
        sys.setprofile(None)
    first = TALLY.total
    shares = {
        "state": float_share([model.state]),
        "params": float_share([model.params]),
        "memo": float_share([model.memo]),
    }
    start = time.perf_counter()
    model.run_for(model.months - 1)
    months = TALLY.total
    by_ufunc, by_place = Counter(TALLY.flops), Counter(TALLY.by_place)
    ufunc_bytes, function_bytes, calls = TALLY.bytes, TALLY.function_bytes, TALLY.calls
    uncounted = Counter(TALLY.uncounted)
    TALLY.reset()
    counted_out = outcomes(model)
    ending = TALLY.total
    TALLY.on = False
    seconds = time.perf_counter() - start
    shares["state at the end"] = float_share([model.state])
    assert isinstance(model.params, Params)
    with contextlib.ExitStack() as plain_numpy:
        for name in CREATORS:  # the uncounted reference runs with numpy's own creators
            plain_numpy.enter_context(_restored(name))
        plain = PeninsulaModel(spec, seeds=seeds, collect=False)
        plain.run_for(plain.months)
        reference = outcomes(plain)
    same = all(
        np.array_equal(np.asarray(counted_out[k]), reference[k], equal_nan=reference[k].dtype.kind in "fc")
        for k in reference
    )
    return {
        "runs": runs,
        "months": model.months,
        "setup": setup / runs,
        "month1": first / runs,
        "months_total": months / runs,
        "outcomes": ending / runs,
        "by_ufunc": by_ufunc,
        "by_place": by_place,
        "uncounted": uncounted,
        "bytes": ufunc_bytes / runs,
        "function_bytes": function_bytes / runs,
        "calls": calls,
        "shares": shares,
        "trace": trace,
        "same": same,
        "seconds": seconds,
    }


# ---------------------------------------------------------------------------------------------- ceilings


def _best_rate(work, flops_or_bytes: float, seconds: float = 0.6, repeats: int = 5) -> float:
    """The best of ``repeats`` rates (units per second) of ``work``, each timed over about ``seconds``."""
    work()
    n = 1
    while True:
        start = time.perf_counter()
        for _ in range(n):
            work()
        took = time.perf_counter() - start
        if took > seconds / 4:
            break
        n *= 2
    n = max(1, int(n * seconds / took))
    best = 0.0
    for _ in range(repeats):
        start = time.perf_counter()
        for _ in range(n):
            work()
        best = max(best, n * flops_or_bytes / (time.perf_counter() - start))
    return best


def elementwise(n: int) -> float:
    """float64 FLOP/s of ``t = a * b; t += c`` over ``n`` elements (2 flops each), two ufunc calls."""
    rng = np.random.default_rng(0)
    a, b, c = rng.random(n), rng.random(n), rng.random(n)
    t = np.empty(n)

    def work():
        np.multiply(a, b, out=t)
        np.add(t, c, out=t)

    return _best_rate(work, 2.0 * n)


def stream_bandwidth(n: int = 1 << 24) -> float:
    """Bytes per second of ``np.add(a, b, out=c)`` over arrays far larger than the caches (3 x 8 bytes each)."""
    a, b, c = np.ones(n), np.ones(n), np.empty(n)
    return _best_rate(lambda: np.add(a, b, out=c), 24.0 * n, seconds=1.0, repeats=3)


def blas_peak(n: int = 2048) -> float:
    """float64 FLOP/s of a one-thread BLAS matmul, ``2 n^3`` flops."""
    rng = np.random.default_rng(0)
    a, b = rng.random((n, n)), rng.random((n, n))
    c = np.empty((n, n))
    return _best_rate(lambda: np.matmul(a, b, out=c), 2.0 * n**3, seconds=1.0, repeats=3)


# ---------------------------------------------------------------------------------------------- speed


def runs_per_second(spec, runs: int, repeats: int) -> list[float]:
    from model.results.runs import run_replications

    run_replications(spec, 2, 1_000)  # warm-up
    rates = []
    for _ in range(repeats):
        start = time.perf_counter()
        run_replications(spec, 2, runs)
        rates.append(runs / (time.perf_counter() - start))
    return rates


# ---------------------------------------------------------------------------------------------- report


def _si(x: float, unit: str) -> str:
    for scale, prefix in ((1e12, "T"), (1e9, "G"), (1e6, "M"), (1e3, "k")):
        if abs(x) >= scale:
            return f"{x / scale:.3g} {prefix}{unit}"
    return f"{x:.3g} {unit}"


def _cpu() -> str:
    try:
        with open("/proc/cpuinfo") as info:
            for line in info:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine()


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--scenario", default="baseline-2019")
    parser.add_argument("--runs", type=int, default=10_000, help="replications timed, uncounted (one batch each)")
    parser.add_argument("--count-runs", type=int, default=1_000, help="replications run with counting")
    parser.add_argument("--repeats", type=int, default=3, help="timed repetitions of the uncounted runs")
    args = parser.parse_args(argv)

    from model.scenario.loader import load_scenario

    spec = load_scenario(args.scenario)
    load_before = os.getloadavg()

    counts = count(spec, args.count_runs)
    alone = subclass_only(spec, args.count_runs)
    months = counts["months"]
    per_month = counts["months_total"] / months
    per_run = counts["setup"] + counts["months_total"] + counts["outcomes"]

    in_l2 = {n: elementwise(n) for n in (4_096, 16_384, 65_536)}
    l2_n, l2 = max(in_l2.items(), key=lambda kv: kv[1])
    streaming = elementwise(1 << 23)
    bandwidth = stream_bandwidth()
    peak = blas_peak()

    rates = runs_per_second(spec, args.runs, args.repeats)
    rate = statistics.median(rates)
    load_after = os.getloadavg()
    achieved = per_run * rate
    intensity = per_month * months / (counts["bytes"] * 1.0) if counts["bytes"] else float("nan")
    roofline = min(l2, intensity * bandwidth)

    shares, trace = counts["shares"], counts["trace"]
    traced = trace.counted + sum(trace.plain.values())
    top = ", ".join(f"{k} {v / counts['runs'] / months:,.0f}" for k, v in counts["by_ufunc"].most_common(6))
    places = ", ".join(
        f"{k} {100 * v / sum(counts['by_place'].values()):.0f}%" for k, v in counts["by_place"].most_common(5)
    )
    share_text = "; ".join(f"{k} {c}/{t}" for k, (c, t) in shares.items())

    print(f"## Share of the arithmetic ceiling: `{args.scenario}`, {months} months\n")
    print(
        f"{_cpu()}, {os.cpu_count()} cores, one core used; numpy {np.__version__}, Python {platform.python_version()}; "
        f"load average {load_before[0]:.2f} before, {load_after[0]:.2f} after (the machine is shared).\n"
    )
    print("| quantity | value | how |")
    print("|---|---|---|")
    print(
        f"| FLOPs per run-month | **{per_month:,.0f}** | counted: {counts['runs']:,} replications x {months} months "
        f"through `Counted` views (ufunc `__array_ufunc__`), divided by both; setup {counts['setup']:,.0f} and "
        f"outcomes {counts['outcomes']:,.0f} per run besides; month 1 alone {counts['month1']:,.0f} |"
    )
    print(
        f"| FLOPs per 48-month run | {per_run:,.0f} | setup + {months} months + outcomes (what `run_replications` "
        "does per run) |"
    )
    print(
        f"| float bytes read+written by those ufuncs per run | {_si(counts['bytes'], 'B')} | sum of the counted "
        f"calls' input and output `nbytes`; numpy functions (np.where...) moved {_si(counts['function_bytes'], 'B')} "
        f"more; intensity {intensity:.3f} flop/B |"
    )
    print(
        f"| elementwise ceiling, in cache | **{_si(l2, 'FLOP/s')}** | `t = a*b; t += c`, float64, {l2_n:,} elements "
        f"(3 x {l2_n * 8 // 1024} KiB, in L2), best of 5; "
        + ", ".join(f"{n:,}: {_si(v, 'FLOP/s')}" for n, v in in_l2.items())
        + " |"
    )
    print(
        f"| elementwise, streaming | {_si(streaming, 'FLOP/s')} | the same on 2^23 elements (64 MiB each); "
        f"`np.add` bandwidth {_si(bandwidth, 'B/s')} (2 reads + 1 write, 128 MiB arrays) |"
    )
    print(f"| BLAS peak, 1 thread | **{_si(peak, 'FLOP/s')}** | `np.matmul` 2048 x 2048 float64, OpenBLAS, best of 3 |")
    print(
        f"| runs per second | **{rate:,.0f}** | `run_replications(spec, 2, {args.runs:,})` uncounted, after a warm-up "
        f"of 1,000; median of {len(rates)} ({min(rates):,.0f} to {max(rates):,.0f}) |"
    )
    print(f"| achieved FLOP/s | **{_si(achieved, 'FLOP/s')}** | FLOPs per run x runs per second |")
    print(f"| share of elementwise ceiling | **{100 * achieved / l2:.2f}%** | achieved / in-cache elementwise |")
    print(f"| share of BLAS peak | {100 * achieved / peak:.3f}% | achieved / matmul |")
    print(
        f"| roofline bound for this intensity | {_si(roofline, 'FLOP/s')} ({100 * achieved / roofline:.2f}% of it) "
        f"| min(in-cache ceiling, intensity x streaming bandwidth) |"
    )

    print("\nWhere the flops are (per run-month, top ufuncs): " + top + ".")
    print("By model function (share of counted flops): " + places + ".")
    if counts["uncounted"]:
        print(
            "Float ufuncs seen but not counted as flops (elements, all months): "
            + ", ".join(f"{k} {v:,}" for k, v in counts["uncounted"].most_common(8))
            + "."
        )
    print(
        f"\nPropagation: counted float arrays {share_text} (state, parameters and memo after month 1); "
        f"of {traced:,} distinct float arrays of replication length held by model functions at return in month 1, "
        f"{100 * trace.counted / max(traced, 1):.1f}% were counted views. "
        f"The subclass alone, without replacing numpy's creators, counts {alone:,.0f} FLOPs per run-month "
        f"({100 * alone / per_month:.0f}% of the full count): `np.zeros`, `np.ascontiguousarray` and the like "
        "return plain arrays, and arithmetic between two plain arrays is invisible."
    )
    if trace.plain:
        print(
            "Plain float arrays of replication length (function:variable, arrays): "
            + ", ".join(f"{k} {v}" for k, v in trace.plain.most_common(12))
            + ". Ufuncs on two plain arrays are invisible to the count."
        )
    print(
        f"The counted run's outcomes {'equal' if counts['same'] else 'DIFFER FROM'} an uncounted run's "
        f"({counts['calls']:,} ufunc calls on counted arrays in {months} months, {counts['seconds']:.1f} s). "
        "Not counted: np.where/np.select, indexing and copies, comparisons and logical ops, floor/ceil/round, "
        "integer arithmetic (the draws' SplitMix64 hashing), conversions; each scipy.special call counts 1."
    )


if __name__ == "__main__":
    main()
