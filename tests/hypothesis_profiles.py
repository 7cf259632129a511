"""Hypothesis profiles: a fast one for every run, a long one for the nightly job.

``COLLECTIONS_HYPOTHESIS_PROFILE=nightly`` raises the examples of every hypothesis test
(the profile's ``max_examples``) and multiplies the budgets the ledger property test and
the actions state machine set for themselves (``examples``) by ``NIGHTLY_FACTOR``, with
longer runs of steps, from a new random seed each night. Unset (or ``ci``), the examples
are hypothesis's defaults, the two model tests stay within the CI time, and every run
draws the same examples (``derandomize``): a red CI is a change's doing, and exploring for
new cases is the nightly run's job.
"""

from __future__ import annotations

import os

from hypothesis import HealthCheck, settings

PROFILE_VARIABLE = "COLLECTIONS_HYPOTHESIS_PROFILE"
NIGHTLY_FACTOR = 25

# No per-example deadline in CI: a shared or busy machine makes a 200 ms example take 500
# ms, which says nothing about the code (the benchmarks in bench/ measure speed).
settings.register_profile("ci", settings.get_profile("default"), derandomize=True, deadline=None)
settings.register_profile(
    "nightly",
    max_examples=2_000,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)


def profile_name() -> str:
    """The profile asked for by the environment (``ci`` when unset)."""
    return os.environ.get(PROFILE_VARIABLE, "").strip() or "ci"


def nightly() -> bool:
    """Whether this is the long (nightly) run."""
    return profile_name() == "nightly"


def examples(ci: int) -> int:
    """A test's number of examples: ``ci`` in CI, ``NIGHTLY_FACTOR`` times more at night."""
    return ci * NIGHTLY_FACTOR if nightly() else ci


def steps(ci: int) -> int:
    """A state machine's steps per example: ``ci`` in CI, twice as many at night."""
    return ci * 2 if nightly() else ci


settings.load_profile(profile_name())
