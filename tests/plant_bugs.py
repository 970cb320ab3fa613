"""Plant one-line bugs in the decision rules, one at a time, and check that the fast suite catches each.

    .venv/bin/python tests/plant_bugs.py            # every bug; prints a table and exits 1 if one survives
    .venv/bin/python tests/plant_bugs.py 3 7        # only bugs 3 and 7

Each bug is a plausible slip of the kinds a review finds (a wrong side, a
flipped sign, a dropped term, a state never updated, one actor's parameters
used for another). The file is restored after each run, whatever happens.
The suite runs with ``-x``, mechanism tests first, so a caught bug costs
seconds; a surviving one costs a whole fast-suite run.
"""

from __future__ import annotations

import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
FIRST = [
    "test_payoff.py",
    "test_rules.py",
    "test_options.py",
    "test_beliefs.py",
    "test_policies.py",
    "test_directions.py",
    "test_scenarios.py",
    "test_invariants.py",
    "test_batching.py",
]


@dataclass(frozen=True)
class Bug:
    kind: str
    file: str
    before: str
    after: str


BUGS = [
    Bug(
        "flipped sign: an exercise's tension counts for it",
        "model/rules/options.py",
        "        - one_off_tension(outlook, actor, conflict.exercise_tension)",
        "        + one_off_tension(outlook, actor, conflict.exercise_tension)",
    ),
    Bug(
        "dropped term: the agreement a covered test would cost",
        "model/rules/options.py",
        "            value = value - stake * reading[:, SCOPED_ACTIVITIES.index(act)]",
        "            value = value",
    ),
    Bug(
        "dropped term: tension left out of path values",
        "model/rules/paths.py",
        "    terms = terms - _col(prefs.tension, sec.shape) * tension",
        "    terms = terms",
    ),
    Bug(
        "wrong side: the DPRK's exposure read from the US side",
        "model/rules/paths.py",
        "    broken = broken or breakdown_paths(sit, offers, actor == DPRK, progress)",
        "    broken = broken or breakdown_paths(sit, offers, actor == US, progress)",
    ),
    Bug(
        "wrong side: belief in one's own word instead of the counterpart's",
        "model/rules/paths.py",
        "    counterpart = US if actor == DPRK else DPRK",
        "    counterpart = DPRK if actor == DPRK else US",
    ),
    Bug(
        "dropped term: the value of waiting ignores the belief that pressure works",
        "model/rules/paths.py",
        "    return belief * hope * timing",
        "    return hope * timing",
    ),
    Bug(
        "flipped sign: pressure endured raises the hope that pressure works",
        "model/rules/beliefs.py",
        "    updated = belief * (1.0 - q) / np.maximum(1.0 - belief * q, 1e-12)",
        "    updated = belief * (1.0 + q) / np.maximum(1.0 + belief * q, 1e-12)",
    ),
    Bug(
        "state never updated: a test teaches the US nothing",
        "model/rules/beliefs.py",
        "    return np.where(tested[:, None], updated, belief)",
        "    return belief",
    ),
    Bug(
        "state never updated: the hope that pressure works never learns",
        "model/phases/learning.py",
        "    return s.but(yield_belief=belief, pressure_forecast=",
        "    return s.but(yield_belief=s.yield_belief, pressure_forecast=",
    ),
    Bug(
        "wrong side: an exercise cuts the DPRK's trust in itself",
        "model/phases/activity.py",
        "            dprk_only,\n            ally,\n",
        "            dprk_only,\n            DPRK,\n",
    ),
    Bug(
        "at-end relief paid after the first step",
        "model/rules/implementation.py",
        "[agreed, agreed * (share >= 1.0)], agreed * share)",
        "[agreed, agreed * (share > 0.0)], agreed * share)",
    ),
    Bug(
        "one actor's parameters for another: the US concedes with the DPRK's profile",
        "model/phases/positions.py",
        "        scale = m.concession_scale[mover]",
        "        scale = m.concession_scale[DPRK]",
    ),
    Bug(
        "state never updated: the tension peak",
        "model/phases/world.py",
        "        tension_peak=np.maximum(s.tension_peak, s.tension),",
        "        tension_peak=s.tension_peak,",
    ),
    Bug(
        "flipped sign: enforcers think enforcing after a test raises tension",
        "model/rules/options.py",
        "    tension_change = change * (conflict.talks_support * conflict.engaged - conflict.deterrence * sit.tension)",
        "    tension_change = change * (conflict.talks_support * conflict.engaged + conflict.deterrence * sit.tension)",
    ),
    Bug(
        "flipped sign: a summit raises the surplus demanded",
        "model/rules/options.py",
        "    demand = outlook.margin[:, actor] - boost",
        "    demand = outlook.margin[:, actor] + boost",
    ),
    Bug(
        "one actor's values for another: a proposer judges acceptance by its own values",
        "model/rules/options.py",
        "        odds = odds * outlook.accept_probability(other, outlook.agenda_values(other) + boost[:, None])",
        "        odds = odds * outlook.accept_probability(other, outlook.agenda_values(actor) + boost[:, None])",
    ),
    Bug(
        "dropped term: guarantees count whether believed or not",
        "model/rules/utility.py",
        "    return 1.0 - (1.0 - arsenal) * (1.0 - guarantee * credibility)",
        "    return 1.0 - (1.0 - arsenal) * (1.0 - guarantee)",
    ),
    Bug(
        "wrong side: a delivered step raises the DPRK's trust in itself",
        "model/phases/implementation.py",
        "        s.trust, s.trust_count, everyone, DPRK, 1.0, np.where(delivered,",
        "        s.trust, s.trust_count, everyone, US, 1.0, np.where(delivered,",
    ),
    Bug(
        "a broker adds gains instead of multiplying them",
        "model/rules/talks.py",
        "    product = np.where((gain_a > 0) & (gain_b > 0), gain_a * gain_b, -np.inf)",
        "    product = np.where((gain_a > 0) & (gain_b > 0), gain_a + gain_b, -np.inf)",
    ),
    Bug(
        "dropped term: the arsenal never grows on the status-quo path",
        "model/rules/paths.py",
        "    return 1.0 - (1.0 - start) * keep",
        "    return start",
    ),
]


def plant(bug: Bug) -> tuple[bool, float]:
    """Apply the bug, run the fast suite (first failure stops it), restore; return (caught, seconds)."""
    path = ROOT / bug.file
    original = path.read_text(encoding="utf-8")
    if original.count(bug.before) != 1:
        raise SystemExit(f"bug {bug.kind!r}: the line to change is not found exactly once in {bug.file}")
    started = time.perf_counter()
    try:
        path.write_text(original.replace(bug.before, bug.after), encoding="utf-8")
        tests = [str(ROOT / "tests" / f) for f in FIRST]
        others = [str(p) for p in sorted((ROOT / "tests").glob("test_*.py")) if p.name not in FIRST]
        done = subprocess.run(
            [sys.executable, "-m", "pytest", "-x", "-q", "-p", "no:cacheprovider", "-m", "not slow", *tests, *others],
            cwd=ROOT,
            capture_output=True,
            text=True,
        )
    finally:
        path.write_text(original, encoding="utf-8")
    return done.returncode != 0, time.perf_counter() - started


def main(argv: list[str]) -> int:
    chosen = [int(a) for a in argv] or list(range(1, len(BUGS) + 1))
    print("| # | planted bug | file | caught | seconds |\n|---|---|---|---|---|")
    survived = 0
    for n in chosen:
        bug = BUGS[n - 1]
        caught, seconds = plant(bug)
        survived += not caught
        print(f"| {n} | {bug.kind} | `{bug.file}` | {'yes' if caught else '**no**'} | {seconds:.0f} |", flush=True)
    return 1 if survived else 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
