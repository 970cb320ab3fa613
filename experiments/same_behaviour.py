"""Does this checkout behave exactly as another commit? Digests of every shipped scenario's results, compared.

    .venv/bin/python experiments/same_behaviour.py 0a27cb7
    .venv/bin/python experiments/same_behaviour.py 0a27cb7 --runs 600

A refactor or a speed-up that should change no result is checked here before
a calibration is trusted again. For every shipped scenario (and every
historical case) it hashes: the outcomes of many replications at the nominal
point; the outcomes of as many replications each at its own draw of every
sourced number across its uncertainty range (the space a calibration
searches); the monthly table of a few runs; and one run's timeline in words.
The other commit is checked out into a temporary git worktree and run by a
child process of this interpreter, so only the model's code differs.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
from pathlib import Path

from other_commit import ROOT, checkout

DIGESTS = """
import hashlib, json, sys
from pathlib import Path
sys.path.insert(0, sys.argv[1])
import numpy as np
try:  # the layout since issue 15
    from model.core.params import compile_params, replicate, write
    from model.results.runs import replication_seeds, run_batch, run_one, run_replications
    from model.scenario.loader import load_scenario
    from model.scenario.provenance import sources
    from model.story.narrate import timeline
except ImportError:  # the flat layout before it
    from model.loader import load_scenario
    from model.narrate import timeline
    from model.params import compile_params, replicate, write
    from model.provenance import sources
    from model.runs import replication_seeds, run_batch, run_one, run_replications

runs = int(sys.argv[2])


def digest(arrays):
    h = hashlib.sha256()
    for key in sorted(arrays):
        h.update(key.encode())
        h.update(np.ascontiguousarray(np.asarray(arrays[key])).tobytes())
    return h.hexdigest()[:16]


numbers = [s for s in sources().values() if s.is_numeric and not s.key.startswith("profiles.")]
found = {}
for path in sorted([*Path("scenarios").glob("*.toml"), *Path("scenarios/history").glob("*.toml")]):
    spec = load_scenario(path)
    name = path.relative_to("scenarios").as_posix()
    found[name + " nominal"] = digest(run_replications(spec, 11, runs))
    arrays = replicate(compile_params(spec), runs)
    draw = np.random.default_rng(2019)
    for src in numbers:
        values = src.low + draw.random(runs) * (src.high - src.low)
        if isinstance(src.value, int) and not isinstance(src.value, bool):
            values = np.rint(values).astype(int)
        try:
            write(arrays, src.key, values)
        except (KeyError, ValueError):
            continue
    found[name + " drawn"] = digest(run_batch(spec, replication_seeds(12, runs), params=arrays))
    tables = []
    run_replications(spec, 13, 20, monthly=tables.append)
    found[name + " monthly"] = hashlib.sha256(tables[0].to_csv().encode()).hexdigest()[:16]
    one = run_one(spec, 14)
    text = timeline(one.records, spec.scenario.start)
    found[name + " timeline"] = hashlib.sha256(text.encode()).hexdigest()[:16]
print(json.dumps(found))
"""


def digests(tree: Path, runs: int) -> dict[str, str]:
    """The digests of ``tree``'s model, computed in a fresh process run from that tree."""
    done = subprocess.run(
        [sys.executable, "-c", DIGESTS, str(tree), str(runs)], capture_output=True, text=True, cwd=tree
    )
    if done.returncode != 0:
        raise SystemExit(f"the digests failed in {tree}:\n{done.stderr}")
    return json.loads(done.stdout)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("ref", help="the commit to compare against")
    parser.add_argument("--runs", type=int, default=300, help="replications per scenario and check")
    args = parser.parse_args(argv)
    with checkout(args.ref) as other:
        theirs = digests(other, args.runs)
    ours = digests(ROOT, args.runs)
    differ = [key for key in theirs if ours.get(key) != theirs[key]]
    for key in theirs:
        print(f"{'same' if key not in differ else 'DIFFERS':>8}  {key}")
    print(f"{len(theirs) - len(differ)} of {len(theirs)} digests the same as {args.ref}")
    return 1 if differ else 0


if __name__ == "__main__":
    raise SystemExit(main())
