"""Rates as written in settings, and the GCRA every process falls back to, on a fake clock."""

from __future__ import annotations

import bisect
import random

import pytest

from gql_server.fleet.rates import LocalBuckets, Rate, parse_rate


@pytest.mark.parametrize(
    ("text", "rate"),
    [
        ("200/minute", Rate(200, 60.0)),
        ("5/second", Rate(5, 1.0)),
        (" 1000 / hours ", Rate(1000, 3600.0)),
        ("3/Minute", Rate(3, 60.0)),
        ("off", None),
        ("", None),
        ("0", None),
    ],
)
def test_rates_are_read_as_written(text: str, rate: Rate | None) -> None:
    assert parse_rate(text) == rate


@pytest.mark.parametrize("text", ["200", "200/day", "0/minute", "-1/second", "fast", "2.5/second"])
def test_a_rate_that_is_not_one_is_refused(text: str) -> None:
    with pytest.raises(ValueError, match="N/second, N/minute or N/hour"):
        parse_rate(text)


def test_factorials_limit_bursts_a_tenth_then_paces() -> None:
    rate = Rate(200, 60.0)
    assert rate.burst == 20
    # The window is widened by a tenth of the period, at most a second, for arrival jitter.
    assert rate.interval == pytest.approx(61 / 181)
    assert Rate(5, 1.0).burst == 1 and Rate(5, 1.0).interval == pytest.approx(1.1 / 5)


def most_in_any_window(times: list[float], period: float) -> int:
    """The most of `times` in one window [t, t + period), give or take float rounding."""
    ordered = sorted(times)
    span = period - 1e-9
    return max(bisect.bisect_left(ordered, t + span) - i for i, t in enumerate(ordered))


RATES = [Rate(200, 60.0), Rate(5, 1.0), Rate(37, 60.0), Rate(1, 1.0), Rate(200, 60.0).share(3)]


@pytest.mark.parametrize("rate", RATES)
def test_no_window_of_one_period_gets_more_than_the_rate(rate: Rate) -> None:
    # Callers arrive in clumps and lulls; each waits for the slot it is given.
    rng = random.Random(14)
    buckets = LocalBuckets()
    now, went = 0.0, []
    for _ in range(1000):
        now += rng.choice([0.0, 0.0, 0.0, rate.interval / 3, rate.period / 2, rate.period * 2])
        went.append(now + buckets.admit("k", rate, now, now, max_wait=float("inf")))
    assert most_in_any_window(went, rate.period) <= rate.count


@pytest.mark.parametrize("rate", RATES)
def test_callers_all_at_once_get_the_whole_rate(rate: Rate) -> None:
    buckets = LocalBuckets()
    went = [buckets.admit("k", rate, 0.0, 0.0, max_wait=float("inf")) for _ in range(500)]
    assert went[: rate.burst] == [0.0] * rate.burst
    assert went[rate.burst] > 0
    # The whole rate but for the margin kept for arrival jitter (at most a tenth).
    assert rate.count * 0.9 - 1 <= most_in_any_window(went, rate.period) <= rate.count


def test_a_refused_call_takes_no_slot() -> None:
    buckets = LocalBuckets()
    rate = Rate(1, 1.0)
    assert buckets.admit("k", rate, 0.0, 0.0, max_wait=0.0) == 0.0
    # One call a second, paced at 1.1 s (the margin for arrival jitter).
    for _ in range(5):
        assert buckets.admit("k", rate, 0.1, 0.1, max_wait=0.5) == pytest.approx(1.0)
    # Had the refusals reserved anything, this wait would be longer.
    assert buckets.admit("k", rate, 0.1, 0.1, max_wait=5.0) == pytest.approx(1.0)
    assert buckets.admit("k", rate, 0.1, 0.1, max_wait=5.0) == pytest.approx(2.1)


def test_keys_do_not_share_a_bucket_and_a_pause_holds_calls_back() -> None:
    buckets = LocalBuckets()
    rate = Rate(1, 1.0)
    assert buckets.admit("a", rate, 0.0, 0.0, max_wait=0.0) == 0.0
    assert buckets.admit("b", rate, 0.0, 0.0, max_wait=0.0) == 0.0
    assert buckets.admit("c", rate, 0.0, not_before=7.0, max_wait=10.0) == 7.0


@pytest.mark.parametrize(
    ("rate", "processes", "share"),
    [
        (Rate(200, 60.0), 4, Rate(50, 60.0)),
        (Rate(5, 1.0), 2, Rate(2, 1.0)),
        (Rate(1, 60.0), 4, Rate(1, 240.0)),
        (Rate(200, 60.0), 1, Rate(200, 60.0)),
    ],
)
def test_the_shares_of_a_fleet_add_up_to_no_more_than_the_rate(
    rate: Rate, processes: int, share: Rate
) -> None:
    assert rate.share(processes) == share
    assert share.count * processes * rate.period / share.period <= rate.count
