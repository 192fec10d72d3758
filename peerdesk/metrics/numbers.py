"""How every figure is rounded and written: one rule for the dashboard, reports and certificates.

- Halves round up (away from zero), as contribution points always did: 132.5 h -> "133 h",
  4.25 -> "4.3". The decimal a coordinator sees is rounded, not the binary float, so 2.675
  (stored as 2.67499...) still gives "2.68".
- A share is never written as 100% or 0% unless it is exactly that: 99.78% is "99.8%",
  99.97% is ">99.9%", 0.3% is "0.3%" and 0.02% is "<0.1%".
- Counts and hours of 1,000 or more carry a thousands separator, in tables and sentences alike.
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal


def round_half_up(value: float, places: int = 0) -> float:
    """value rounded to `places` decimals, halves away from zero."""
    return float(_quantize(value, places))


def _quantize(value: float, places: int) -> Decimal:
    # repr() gives the shortest decimal that reads back as the same float: the number as written.
    # Arithmetic noise (0.1 + 0.2 = 0.30000000000000004) is cleared at the 9th decimal first.
    number = Decimal(repr(float(value))).quantize(Decimal("1e-9"), rounding=ROUND_HALF_UP)
    return number.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)


def fixed(value: float, places: int = 0) -> str:
    """value with `places` decimals (halves up) and a thousands separator: '16,829', '7.8'."""
    number = _quantize(value, places)
    if number == 0:
        number = abs(number)  # no "-0"
    return f"{number:,.{places}f}"


def whole(value: float) -> int:
    """value rounded to a whole number, halves up (contribution points, counts of people)."""
    return int(_quantize(value, 0))


def percent(value: float) -> str:
    """A share 0-100 as '83%'; near 0 or 100 with one decimal, so it never reads 0% or 100%
    unless it is exactly that."""
    text = fixed(value, 0)
    if (text == "100" and value < 100) or (text == "0" and value > 0):
        text = fixed(value, 1)
        if text == "100.0":
            return ">99.9%"
        if text == "0.0":
            return "<0.1%"
    return f"{text}%"


def percent_points(value: float) -> str:
    """A change between two shares, in percentage points: '5 pts', '0.4 pts'."""
    text = fixed(value, 0)
    if text == "0" and value != 0:
        text = fixed(value, 1)
    return f"{text} pts"


def count(value: float) -> str:
    """A count as '16,829'; a fractional one (an average) with one decimal."""
    if float(value).is_integer():
        return fixed(value, 0)
    return fixed(value, 1)


def hours(value: float) -> str:
    """Hours with one decimal below 100, whole from 100: '7.8 h', '1,234 h'."""
    return f"{fixed(value, 1 if abs(round_half_up(value, 1)) < 100 else 0)} h"


def rating(value: float) -> str:
    """An average rating with one decimal: '4.3'."""
    return fixed(value, 1)
