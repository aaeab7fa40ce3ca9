"""Units (clause 1.3) through pint, and numbers typed as text, read or flagged, never misread."""

from __future__ import annotations

import pytest

from reportgen.standard.units import NumberError, UnitError, Units, normalize_unit, parse_number


@pytest.mark.parametrize(
    "text,value",
    [
        ("1287.5", 1287.5),
        ("1,287.5", 1287.5),
        ("1 287,5", 1287.5),
        ("1\u202f287,5", 1287.5),
        ("1.287,5", 1287.5),
        ("1,5", 1.5),
        ("1e6", 1e6),
        ("-3", -3.0),
        ("1 287", 1287.0),
        ("12,345,678", 12345678.0),
    ],
)
def test_numbers(text, value):
    assert parse_number(text) == value


@pytest.mark.parametrize(
    "text,kind",
    [("1,287", "ambiguous_number"), ("abc", "not_number"), ("", "not_number"), ("1.2.3", "not_number")],
)
def test_bad_numbers(text, kind):
    with pytest.raises(NumberError) as exc:
        parse_number(text)
    assert exc.value.kind == kind


@pytest.fixture(scope="module")
def units(std):
    return Units(std)


@pytest.mark.parametrize(
    "value,unit,dimension,expected",
    [
        (1, "MWh", "energy", 1000),
        (3.6, "MJ", "energy", 1),
        (1, "GWh", "energy", 1e6),
        (1, "TJ", "energy", 1e12 / 3.6e6),
        (1, "tCO2e", "ghg", 1000),
        (1, "t CO₂e", "ghg", 1000),
        (500, "gCO2e", "ghg", 0.5),
        (1, "ktCO2e", "ghg", 1e6),
        (1, "m3", "water", 1000),
        (1, "m³", "water", 1000),
        (250, "mL", "water", 0.25),
        (1, "mgSbeq", "adpe", 1e-6),
        (1, "kgCO2e/kWh", "grid_intensity", 1000),
        (400, "kgCO2e/MWh", "grid_intensity", 400),
        (0.4, "tCO2e/MWh", "grid_intensity", 400),
        (1.5, "kW", "power", 1500),
        (48, "h", "wallclock", 2),
        (1, "PB", "data_volume", 1000),
        (500, "GB", "data_volume", 0.5),
    ],
)
def test_accepted_units_convert(units, value, unit, dimension, expected):
    assert units.to_canonical(value, unit, dimension) == pytest.approx(expected, rel=1e-12)


@pytest.mark.parametrize(
    "unit,dimension",
    [
        ("ton", "ghg"),
        ("tons", "ghg"),
        ("kg", "ghg"),
        ("mWh", "energy"),
        ("kWh", "ghg"),
        ("days", "accelerator_time"),
        ("gal", "water"),
        ("W", "energy"),
        ("kWh/kWh", "grid_intensity"),
        ("", "energy"),
    ],
)
def test_refused_units(units, unit, dimension):
    with pytest.raises(UnitError):
        units.to_canonical(1, unit, dimension)


def test_normalize_unit():
    assert normalize_unit(" kg CO₂-eq ") == "kgCO2e" and normalize_unit("g CO2e / kWh") == "gCO2e/kWh"
