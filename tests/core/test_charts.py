"""The shared chart style: an SVG with a title and description, a visible summary and the
same numbers as a table; series told apart by more than colour."""

from __future__ import annotations

import re

import pytest

from heard.core import charts
from tests.conftest import axe_serious


def _weekly():
    return charts.line_chart(
        title="Feedback per week",
        series=[charts.Series("Invoicing", [("W40", 12), ("W41", None), ("W42", 18)]),
                charts.Series("Field <app>", [("W40", 4), ("W41", 7), ("W42", 6.5)], band=[(3, 5), (5, 9), None])],
        summary="Invoicing rose from 12 to 18 a week.", y_label="items", x_label="Week",
    )


def test_line_chart_has_title_description_summary_and_table():
    html = str(_weekly())
    svg = html[html.index("<svg"):html.index("</svg>")]
    ident = re.search(r'aria-labelledby="(chart-\d+)-title', svg).group(1)
    assert f'<title id="{ident}-title">Feedback per week</title>' in svg
    assert f'<desc id="{ident}-desc">Invoicing rose from 12 to 18 a week.</desc>' in svg
    assert 'role="img"' in svg and "style=" not in html
    assert '<span class="chart-summary">Invoicing rose from 12 to 18 a week.</span>' in html
    # A missing week leaves a gap: the first series is drawn as two pieces.
    assert svg.count('class="chart-line chart-s1"') == 2
    # Each point says what it is; the table holds every number, bands as intervals.
    assert "<title>Invoicing, W42: 18</title>" in svg
    table = html[html.index("<table"):]
    assert '<th scope="row">W41</th><td class="num">—</td><td class="num">7 (5–9)</td>' in table
    assert '<td class="num">6.5</td>' in table


def test_series_differ_by_marker_and_pattern_and_names_are_escaped():
    html = str(_weekly())
    assert "<circle" in html and "<rect" in html  # circle for the first series, square for the second
    assert 'class="chart-legend"' in html and "chart-key-square" in html
    assert "Field &lt;app&gt;" in html and "<app>" not in html


def test_bar_chart_draws_one_bar_per_value():
    chart = charts.bar_chart(title="Tickets by theme", series=[charts.Series("Tickets", [("Login", 40), ("Export", 25), ("Billing", 0)])],
                             summary="Login problems lead with 40 tickets.", y_format=lambda v: f"{v:.0f} tickets")
    html = str(chart)
    assert html.count('class="chart-bar chart-s1"') == 3
    assert "<title>Tickets, Login: 40 tickets</title>" in html
    assert "chart-legend" not in html  # one series needs no legend


@pytest.mark.browser
def test_a_chart_has_no_serious_accessibility_problem(browser):
    context = browser.new_context()
    page = context.new_page()
    page.set_content(f'<!doctype html><html lang="en"><head><title>Chart</title></head><body><main>{_weekly()}</main></body></html>')
    assert axe_serious(page) == []
    assert page.get_by_role("img", name="Feedback per week").is_visible()
    context.close()
