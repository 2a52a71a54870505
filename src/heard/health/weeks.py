"""Weeks, latency buckets and the engagement model: what every part of health counts in."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

from django.utils import timezone

# Latency buckets: whole days up to 90, then whole weeks up to a year, then "a year or more".
DAY_BUCKETS = 90
YEAR = 365
CUSTOMER_KINDS = ("end_user", "buyer", "operator", "support", "regulator", "partner")


def week_of(moment) -> date:
    """The Monday (UTC) of the week ``moment`` (a datetime or a date) falls in."""
    if isinstance(moment, datetime):
        moment = moment.astimezone(UTC).date() if timezone.is_aware(moment) else moment.date()
    return moment - timedelta(days=moment.weekday())


def day_start(day: date) -> datetime:
    return datetime.combine(day, time.min, tzinfo=UTC)


def week_bounds(week: date) -> tuple[datetime, datetime]:
    start = day_start(week)
    return start, start + timedelta(days=7)


def latency_bucket(delta: timedelta) -> int:
    """Days from hearing to an answer, in the bucket the histograms keep (see module doc)."""
    days = max(0, int(delta.total_seconds() // 86400))
    if days <= DAY_BUCKETS:
        return days
    if days < YEAR:
        return days - (days - DAY_BUCKETS) % 7
    return YEAR


def _spans(weeks: set[date], longest: int = 13) -> list[tuple[date, int]]:
    """Consecutive runs of weeks, at most ``longest`` long, as (first, length)."""
    runs: list[tuple[date, int]] = []
    for week in sorted(weeks):
        if runs and runs[-1][0] + timedelta(weeks=runs[-1][1]) == week and runs[-1][1] < longest:
            runs[-1] = (runs[-1][0], runs[-1][1] + 1)
        else:
            runs.append((week, 1))
    return runs


def engagement(product):
    from heard.sessions.models import EngagementModel

    return EngagementModel.objects.filter(product=product).first() or EngagementModel(product=product)
