"""One rounding rule for every figure (issue 16 point 15): halves up, and never a false 0% or 100%."""

from __future__ import annotations

import pytest

from peerdesk.metrics import format_value, numbers
from peerdesk.metrics.people import PersonFigures
from peerdesk.printing.eligibility import format_figure


@pytest.mark.parametrize(
    "value,unit,text",
    [
        (132.5, "hours", "133 h"),  # not 132 (halves to even)
        (4.25, "rating", "4.3 / 5"),  # not 4.2
        (2.675, "rating", "2.7 / 5"),
        (7.75, "hours", "7.8 h"),
        (0.25, "hours", "0.3 h"),
        (99.96, "hours", "100 h"),
        (16829, "count", "16,829"),
        (2.5, "count", "2.5"),
        (82.5, "percent", "83%"),  # not 82
        (99.78, "percent", "99.8%"),  # not "100%"
        (99.97, "percent", ">99.9%"),
        (100.0, "percent", "100%"),
        (0.4, "percent", "0.4%"),  # not "0%"
        (0.02, "percent", "<0.1%"),
        (0.0, "percent", "0%"),
        (-0.04, "rating", "0.0 / 5"),  # no "-0.0"
    ],
)
def test_format_value_rounds_halves_up_and_never_claims_all_or_none(value, unit, text):
    assert format_value(value, unit) == text


def test_certificate_figures_round_the_same_way():
    assert format_figure(12.25, "hours") == "12.3"  # f"{12.25:.1f}" gives 12.2
    assert format_figure(12.0, "hours") == "12"
    assert format_figure(4.25, "rating") == "4.3"
    assert format_figure(2.5, "count") == "3"
    assert format_figure(99.6, "percent") == "99.6%"


def test_points_round_like_every_other_figure():
    # 10 * 1 + 3 * 0.5 h = 11.5 -> 12; 3 * 1.5 h = 4.5 -> 5
    assert PersonFigures(1, sessions_led=1, hours_mentored=0.5).points == 12
    assert PersonFigures(1, hours_mentored=1.5).points == 5
    assert numbers.round_half_up(0.1 + 0.2 + 0.2, 1) == 0.5  # 0.5000000000000001 stays 0.5
    assert numbers.whole(0.5) == 1 and numbers.whole(1.5) == 2 and numbers.whole(2.5) == 3


def test_percentage_points_of_a_change():
    assert numbers.percent_points(4.5) == "5 pts"
    assert numbers.percent_points(0.3) == "0.3 pts"
    assert numbers.percent_points(0.0) == "0 pts"
