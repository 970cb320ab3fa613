"""Scripted tests of each decision's option values (``model.rules.options``): given this view, these values.

Each test fixes a state, changes one input, and checks the sign of the change a
term implies (or the value against the term computed by hand), so that a
dropped term or a flipped sign fails here rather than only in a distribution.
"""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pytest
from model_support import DPRK, RUS, US, model_of, outlook_at

from model.core.domain import Activity, Actor
from model.phases.valuation import conflict_terms
from model.rules import options
from model.rules.paths import persistence

ROK = Actor.ROK.index
MODEL = model_of("baseline-2019", seed=1)
STATE = MODEL.state


def _outlook(**changes):
    return outlook_at(MODEL, **changes)


def _conflict(**changes):
    return replace(conflict_terms(MODEL.params, STATE), **{k: np.atleast_1d(np.asarray(v)) for k, v in changes.items()})


def _in_force(out):
    """The outlook with the baseline's six-party text in force, steps to come."""
    live = STATE.but(
        in_force=np.array([True]),
        deal_point=out.agenda.point[:, 3],
        deal_framework=np.array([False]),
        deal_scope=out.agenda.scope[:, 3],
        deal_steps=np.array([4]),
        steps_done=np.array([1]),
    )
    return MODEL.outlook(live)


# ------------------------------------------------------------------ exercises
def test_an_exercise_is_worth_its_value_less_the_tension_it_adds():
    out, conf = _outlook(tension=0.2), _conflict()
    prefs = out.prefs[US]
    cost = prefs.tension * np.minimum(conf.exercise_tension, 1 - 0.2) * persistence(out.situation, prefs.patience)
    value = options.exercise(out, US, conf)
    assert value["exercise"] == pytest.approx(conf.exercise_value - cost)
    assert value["hold"] == pytest.approx(0.0)


def test_a_more_provocative_exercise_is_worth_less():
    out = _outlook(tension=0.2)
    mild = options.exercise(out, ROK, _conflict(exercise_tension=0.05))["exercise"]
    loud = options.exercise(out, ROK, _conflict(exercise_tension=0.2))["exercise"]
    assert loud < mild


def test_an_exercise_against_agreed_restraint_puts_the_agreement_at_stake():
    out, conf = _outlook(), _conflict()
    live = _in_force(out)
    stake = options.agreement_at_stake(live, US)
    restraint = live.deal.point[0, 0, options.RESTRAINT]
    assert stake[0] > 0 and restraint > 0
    free = options.exercise(replace(live, deal=None, in_force=None, _cache={}), US, conf)["exercise"]
    bound = options.exercise(live, US, conf)["exercise"]
    assert bound == pytest.approx(free - stake * restraint)


# ------------------------------------------------------------------ the DPRK's month
def test_a_strategic_test_adds_security_and_costs_tension():
    out = _outlook(tension=0.1)
    small = options.provoke(out, _conflict(test_gain=0.01), np.zeros(1))[Activity.STRATEGIC_TEST.value]
    large = options.provoke(out, _conflict(test_gain=0.2), np.zeros(1))[Activity.STRATEGIC_TEST.value]
    assert large > small
    conf = _conflict()
    loud = options.provoke(out, conf, np.zeros(1))
    louder = options.provoke(
        out, replace(conf, tension={**conf.tension, Activity.STRATEGIC_TEST: np.array([0.6])}), np.zeros(1)
    )
    assert louder[Activity.STRATEGIC_TEST.value] < loud[Activity.STRATEGIC_TEST.value]
    assert loud[Activity.NONE.value] == pytest.approx(0.0)


def test_the_chance_of_a_new_resolution_deters_tests_and_launches_not_short_range_fire():
    out, conf = _outlook(), _conflict()
    none = options.provoke(out, conf, np.zeros(1))
    sure = options.provoke(out, conf, np.ones(1))
    for act in (Activity.STRATEGIC_TEST, Activity.LAUNCH):
        assert sure[act.value] < none[act.value]
    assert sure[Activity.SHORT_RANGE.value] == pytest.approx(none[Activity.SHORT_RANGE.value])


def test_a_declared_moratorium_makes_tests_cost_more():
    out = _outlook()
    free = options.provoke(out, _conflict(moratorium=0.0), np.zeros(1))
    bound = options.provoke(out, _conflict(moratorium=1.0), np.zeros(1))
    assert bound[Activity.STRATEGIC_TEST.value] < free[Activity.STRATEGIC_TEST.value]
    assert bound[Activity.SHORT_RANGE.value] == pytest.approx(free[Activity.SHORT_RANGE.value])


def test_a_covered_test_puts_the_agreement_at_stake_for_the_dprk():
    out, conf = _outlook(), _conflict()
    live = _in_force(out)
    stake = options.agreement_at_stake(live, DPRK)
    assert stake[0] > 0
    free = options.provoke(replace(live, deal=None, in_force=None, _cache={}), conf, np.zeros(1))
    bound = options.provoke(live, conf, np.zeros(1))
    reading = options._reading(live, DPRK)[0, 0]
    gap = free[Activity.STRATEGIC_TEST.value] - bound[Activity.STRATEGIC_TEST.value]
    assert reading == 1.0 and gap[0] > 0


def test_answering_last_months_exercise_adds_to_every_act():
    out = _outlook()
    quiet = options.provoke(out, _conflict(answering=False), np.zeros(1))
    answering = options.provoke(out, _conflict(answering=True, exercise_reaction=0.05), np.zeros(1))
    for act in (Activity.SHORT_RANGE, Activity.LAUNCH, Activity.STRATEGIC_TEST):
        assert answering[act.value] == pytest.approx(quiet[act.value] + 0.05)


# ------------------------------------------------------------------ enforcement
def test_enforcing_more_during_talks_costs_an_enforcer_and_after_a_test_pays_it():
    talks = options.enforce(_outlook(tension=0.0), RUS, _conflict(engaged=True, standing=0.0), np.zeros(1))
    assert talks["more"] < 0 < talks["less"]
    crisis = options.enforce(_outlook(tension=0.9), RUS, _conflict(engaged=False, standing=0.0), np.zeros(1))
    assert crisis["more"] > 0 > crisis["less"]


def test_standing_pulls_an_enforcer_back_toward_its_usual_delivery():
    out, conf = _outlook(tension=0.0), _conflict(engaged=False, deterrence=0.0, talks_support=0.0)
    away = options.enforce(out, RUS, conf, np.array([0.5]))
    assert away["less"] > 0 > away["more"]
    at_bound = options.enforce(out, RUS, conf, np.array([1.0]))
    assert at_bound["more"] == -np.inf


# ------------------------------------------------------------------ signing, staying, answering a breach
def test_signing_weighs_the_offer_less_the_surplus_demanded_against_no_agreement():
    out = _outlook()
    offers = out.agenda.take(np.array([1]))
    plain = options.accept(out, DPRK, offers, np.zeros(1))
    summit = options.accept(out, DPRK, offers, np.array([0.01]))
    assert plain["reject"] == pytest.approx(out.no_deal(DPRK))
    assert plain["accept"] == pytest.approx(out.value(DPRK, offers)[:, 0] - out.margin[:, DPRK])
    assert summit["accept"] == pytest.approx(plain["accept"] + 0.01)


def test_tolerating_a_breach_costs_the_precedent_it_sets():
    live = _in_force(_outlook())
    lenient = options.respond(live, US, np.zeros(1))
    strict = options.respond(live, US, np.array([0.05]))
    assert strict["tolerate"] == pytest.approx(lenient["tolerate"] - 0.05)
    assert strict["respond"] == pytest.approx(lenient["respond"])
    assert lenient["tolerate"] == pytest.approx(live.stay(US))
