"""Judging a threshold with its uncertainty: the statistics, and nothing else.

Every function takes plain numbers (sums, counts or a sample) and answers an
``Estimate(value, low, high, method)`` at 95 % confidence; ``verdict`` compares the interval
with the limit. SciPy and statsmodels compute the intervals, so the figures are the
published methods, not home-made approximations:

- a rate: the Wilson score interval (statsmodels ``proportion_confint(method="wilson")``);
- a difference of two rates: Newcombe's hybrid score interval (statsmodels
  ``confint_proportions_2indep(method="newcomb")``);
- a mean, and a difference of means: Student's t (Welch's for two groups, SciPy ``t``);
- a 95th percentile, and a difference of two: the percentile bootstrap
  (``scipy.stats.bootstrap(method="percentile")``, a fixed seed so a page shows the same
  interval twice).

Rates are in percent (and their differences in percentage points), the unit thresholds
are written in.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

CONFIDENCE = 0.95
BOOTSTRAP_RESAMPLES = 1999
BOOTSTRAP_SEED = 20
# A percentile's interval is bootstrapped from at most this many values per group (an even
# sample of the rest): the interval is then as wide as that sample allows, still honest.
BOOTSTRAP_MAX_SAMPLE = 10_000

MET, NOT_MET, UNDECIDABLE = "met", "not_met", "undecidable"
VERDICT_LABELS = {MET: "Met", NOT_MET: "Not met", UNDECIDABLE: "Not yet decidable"}


@dataclass(frozen=True)
class Estimate:
    value: float
    low: float
    high: float
    method: str


def _alpha() -> float:
    return 1 - CONFIDENCE


def rate(successes: float, n: int) -> Estimate:
    """A share of events in percent, with its Wilson score interval."""
    from statsmodels.stats.proportion import proportion_confint

    low, high = proportion_confint(successes, n, alpha=_alpha(), method="wilson")
    return Estimate(100 * successes / n, 100 * float(low), 100 * float(high), "Wilson score interval")


def rate_difference(successes: float, n: int, ref_successes: float, ref_n: int) -> Estimate:
    """The difference of two rates (group minus reference) in percentage points, with
    Newcombe's hybrid score interval."""
    from statsmodels.stats.proportion import confint_proportions_2indep

    low, high = confint_proportions_2indep(successes, n, ref_successes, ref_n, method="newcomb", compare="diff", alpha=_alpha())
    value = successes / n - ref_successes / ref_n
    return Estimate(100 * value, 100 * float(low), 100 * float(high), "Newcombe hybrid score interval")


def _variance(total: float, total_sq: float, n: int) -> float:
    if n < 2:
        return 0.0
    mean = total / n
    return max(0.0, (total_sq - n * mean * mean) / (n - 1))


def mean(total: float, total_sq: float, n: int) -> Estimate:
    """A mean with Student's t interval, from the sum and the sum of squares."""
    from scipy import stats

    value = total / n
    se = math.sqrt(_variance(total, total_sq, n) / n) if n > 1 else 0.0
    if se == 0.0:
        return Estimate(value, value, value, "t interval")
    q = float(stats.t.ppf(1 - _alpha() / 2, n - 1))
    return Estimate(value, value - q * se, value + q * se, "t interval")


def mean_difference(total: float, total_sq: float, n: int, ref_total: float, ref_total_sq: float, ref_n: int) -> Estimate:
    """The difference of two means (group minus reference) with Welch's t interval."""
    from scipy import stats

    value = total / n - ref_total / ref_n
    v1, v2 = _variance(total, total_sq, n) / n, _variance(ref_total, ref_total_sq, ref_n) / ref_n
    se = math.sqrt(v1 + v2)
    if se == 0.0:
        return Estimate(value, value, value, "Welch t interval")
    # Welch–Satterthwaite degrees of freedom.
    df = (v1 + v2) ** 2 / ((v1 * v1 / (n - 1) if n > 1 else 0) + (v2 * v2 / (ref_n - 1) if ref_n > 1 else 0) or 1e-300)
    q = float(stats.t.ppf(1 - _alpha() / 2, df))
    return Estimate(value, value - q * se, value + q * se, "Welch t interval")


def _p95(sample, axis=-1):
    import numpy as np

    return np.percentile(sample, 95, axis=axis)


def p95(values) -> Estimate:
    """The 95th percentile with a percentile-bootstrap interval."""
    import numpy as np
    from scipy import stats

    data = np.asarray(values, dtype=float)
    value = float(_p95(data))
    if data.min() == data.max():
        return Estimate(value, value, value, "percentile bootstrap")
    result = stats.bootstrap(
        (data,), _p95, method="percentile", confidence_level=CONFIDENCE, n_resamples=BOOTSTRAP_RESAMPLES,
        vectorized=True, batch=100, rng=np.random.default_rng(BOOTSTRAP_SEED),
    )
    ci = result.confidence_interval
    return Estimate(value, float(ci.low), float(ci.high), "percentile bootstrap")


def p95_difference(values, ref_values) -> Estimate:
    """The difference of two 95th percentiles (group minus reference), percentile bootstrap
    of independent samples."""
    import numpy as np
    from scipy import stats

    a, b = np.asarray(values, dtype=float), np.asarray(ref_values, dtype=float)
    value = float(_p95(a) - _p95(b))
    if a.min() == a.max() and b.min() == b.max():
        return Estimate(value, value, value, "percentile bootstrap")

    def difference(x, y, axis=-1):
        return _p95(x, axis) - _p95(y, axis)

    result = stats.bootstrap(
        (a, b), difference, method="percentile", confidence_level=CONFIDENCE, n_resamples=BOOTSTRAP_RESAMPLES,
        vectorized=True, batch=50, paired=False, rng=np.random.default_rng(BOOTSTRAP_SEED),
    )
    ci = result.confidence_interval
    return Estimate(value, float(ci.low), float(ci.high), "percentile bootstrap")


def verdict(estimate: Estimate, direction: str, limit: float) -> str:
    """Met when the whole interval is on the right side of the limit, not met when it is
    wholly on the wrong side, otherwise not yet decidable (the interval straddles it)."""
    if direction == "at_least":
        if estimate.low >= limit:
            return MET
        if estimate.high < limit:
            return NOT_MET
        return UNDECIDABLE
    if estimate.high <= limit:
        return MET
    if estimate.low > limit:
        return NOT_MET
    return UNDECIDABLE
