"""Public holidays from the ``holidays`` package: one frozen rule per source.

>>> Holidays("FR").dates(2026)[:3]
(datetime.date(2026, 1, 1), datetime.date(2026, 4, 6), datetime.date(2026, 5, 1))
>>> datetime.date(2026, 12, 26) in Holidays("DE", "BY").dates(2026)
True
>>> Holidays("XX")
Traceback (most recent call last):
...
ValueError: unknown holidays country 'XX'
"""

from __future__ import annotations

import datetime
from functools import lru_cache

import attrs
import holidays as _holidays_pkg

__all__ = ["Holidays"]


@lru_cache(maxsize=256)
def _subdivisions(country: str) -> frozenset[str] | None:
    """The subdivisions the package knows for a country (None: unknown country)."""
    supported = _holidays_pkg.list_supported_countries()
    if country not in supported:
        return None
    return frozenset(supported[country])


@lru_cache(maxsize=4096)
def _year_dates(country: str, subdiv: str | None, year: int) -> tuple[datetime.date, ...]:
    """The holiday dates (observed days included) that the package files under ``year``."""
    source = _holidays_pkg.country_holidays(country, subdiv=subdiv, years=[year])
    return tuple(sorted(source.keys()))


@lru_cache(maxsize=4096)
def _date_set(country: str, subdiv: str | None, year: int) -> frozenset[datetime.date]:
    """The holiday dates in calendar year ``year`` (observed days filed under a
    neighbouring year, such as 31 December for 1 January, included)."""
    return frozenset(
        d for y in (year - 1, year, year + 1) for d in _year_dates(country, subdiv, y)
        if d.year == year
    )


def _check_country(inst: Holidays, attribute: attrs.Attribute[str], value: str) -> None:
    if not isinstance(value, str) or _subdivisions(value) is None:
        raise ValueError(f"unknown holidays country {value!r}")


def _check_subdiv(inst: Holidays, attribute: attrs.Attribute[str | None],
                  value: str | None) -> None:
    if value is None:
        return
    known = _subdivisions(inst.country) or frozenset()
    if not isinstance(value, str) or value not in known:
        raise ValueError(
            f"unknown subdivision {value!r} of {inst.country}; known: {', '.join(sorted(known))}"
        )


@attrs.frozen
class Holidays:
    """The public holidays of a country (and optional subdivision), closed all day.

    A rule to add to a :class:`~salesmetrics.calendars.Calendar` with ``+``.
    Dates are those of the `holidays <https://pypi.org/project/holidays/>`_
    package (its default public category, observed days included, exactly as
    the package gives them). Years outside the package's range for a country
    have no holidays: the week applies unchanged on those years.

    Attributes:
        country: ISO 3166-1 alpha-2 code the package supports (``"FR"``).
        subdiv: a subdivision of that country the package supports
            (``"BY"`` for Bavaria, ``"CA"`` for California), or None.

    Raises:
        ValueError: the package does not know the country or the subdivision.

    >>> Holidays("US", subdiv="CA")
    Holidays(country='US', subdiv='CA')
    """

    country: str = attrs.field(validator=_check_country)
    subdiv: str | None = attrs.field(default=None, validator=_check_subdiv)

    def dates(self, year: int) -> tuple[datetime.date, ...]:
        """The sorted holiday dates that the package files under ``year`` (cached)."""
        return _year_dates(self.country, self.subdiv, year)

    def __contains__(self, day: object) -> bool:
        """Whether a date is a holiday (observed days included).

        >>> datetime.date(2021, 12, 31) in Holidays("US")   # 2022 New Year, observed
        True
        """
        if not isinstance(day, datetime.date):
            return False
        return day in _date_set(self.country, self.subdiv, day.year)
