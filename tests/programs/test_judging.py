"""The statistics against reference values computed independently of SciPy/statsmodels."""

import math

import numpy as np
import pytest

from heard.programs import judging


def test_wilson_interval_matches_newcombe_1998():
    # Newcombe RG (1998), "Two-sided confidence intervals for the single proportion",
    # Statistics in Medicine 17:857-872, Table I, method 3 (Wilson score): 81/263 -> 0.2553 to 0.3662.
    e = judging.rate(81, 263)
    assert e.value == pytest.approx(100 * 81 / 263)
    assert e.low == pytest.approx(25.53, abs=0.005)
    assert e.high == pytest.approx(36.62, abs=0.005)


def test_wilson_interval_matches_the_closed_formula():
    # Wilson (1927): (p + z²/2n ± z·sqrt(p(1-p)/n + z²/4n²)) / (1 + z²/n), z = 1.959964 (95 %).
    z, successes, n = 1.959964, 45, 50
    p = successes / n
    centre = (p + z * z / (2 * n)) / (1 + z * z / n)
    half = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / (1 + z * z / n)
    e = judging.rate(successes, n)
    assert (e.low, e.high) == (pytest.approx(100 * (centre - half), abs=1e-4), pytest.approx(100 * (centre + half), abs=1e-4))


@pytest.mark.parametrize(("a", "n", "b", "m", "low", "high"), [
    # Newcombe RG (1998), "Interval estimation for the difference between independent
    # proportions", Statistics in Medicine 17:873-890, Table II, method 10 (score, no CC).
    (56, 70, 48, 80, 0.0524, 0.3339),
    (9, 10, 3, 10, 0.1705, 0.8090),
])
def test_difference_of_rates_matches_newcombe_1998(a, n, b, m, low, high):
    e = judging.rate_difference(a, n, b, m)
    assert e.low == pytest.approx(100 * low, abs=0.01)
    assert e.high == pytest.approx(100 * high, abs=0.01)


def test_mean_t_interval_from_sums_matches_the_t_table():
    data = [2.0, 4.0, 4.0, 4.0, 5.0, 5.0, 7.0, 9.0]
    n = len(data)
    mean = sum(data) / n
    sd = math.sqrt(sum((x - mean) ** 2 for x in data) / (n - 1))
    t_975_df7 = 2.364624  # Student's t table, 0.975 quantile, 7 degrees of freedom
    e = judging.mean(sum(data), sum(x * x for x in data), n)
    assert e.value == pytest.approx(5.0)
    assert e.low == pytest.approx(mean - t_975_df7 * sd / math.sqrt(n), abs=1e-5)
    assert e.high == pytest.approx(mean + t_975_df7 * sd / math.sqrt(n), abs=1e-5)


def test_welch_interval_matches_the_hand_computation():
    # Equal sizes and spreads: Welch's degrees of freedom are 2(n - 1) = 8 and the standard
    # error sqrt(2.5/5 + 2.5/5) = 1, so the interval is -2 ± t(0.975, 8) = -2 ± 2.306004.
    a, b = [1.0, 2.0, 3.0, 4.0, 5.0], [3.0, 4.0, 5.0, 6.0, 7.0]
    e = judging.mean_difference(sum(a), sum(x * x for x in a), 5, sum(b), sum(x * x for x in b), 5)
    assert e.value == pytest.approx(-2.0)
    assert e.low == pytest.approx(-2 - 2.306004, abs=1e-5)
    assert e.high == pytest.approx(-2 + 2.306004, abs=1e-5)


def test_bootstrap_p95_covers_the_true_quantile_and_is_repeatable():
    # Uniform on [0, 1000): the true 95th percentile is 950.
    data = np.random.default_rng(7).uniform(0, 1000, 4000)
    e = judging.p95(data)
    assert e.low < 950 < e.high
    assert e.high - e.low < 25
    assert judging.p95(data) == e


def test_verdict_needs_the_whole_interval_past_the_limit():
    e = judging.Estimate(85.0, 81.0, 89.0, "x")
    assert judging.verdict(e, "at_least", 80) == judging.MET
    assert judging.verdict(e, "at_least", 82) == judging.UNDECIDABLE
    assert judging.verdict(e, "at_least", 90) == judging.NOT_MET
    assert judging.verdict(e, "at_most", 90) == judging.MET
    assert judging.verdict(e, "at_most", 85) == judging.UNDECIDABLE
    assert judging.verdict(e, "at_most", 80) == judging.NOT_MET
