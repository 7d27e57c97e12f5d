"""Tests of app/pricing.py, run by tools/run_tests.py (plain functions: a test fails by raising)."""

from decimal import Decimal

import pricing


def test_rounds_half_to_even():
    assert pricing.to_cents(Decimal("0.125")) == 12
    assert pricing.to_cents(Decimal("0.135")) == 14


def test_discount():
    assert pricing.discounted(1000, 15) == 850
    assert pricing.discounted(999, 0) == 999
    assert pricing.discounted(999, 100) == 0


def test_discount_out_of_range_is_refused():
    for percent in (-1, 101):
        try:
            pricing.discounted(1000, percent)
        except ValueError:
            continue
        raise AssertionError(f"{percent}% was accepted")


def test_tax():
    assert pricing.with_tax(1000, Decimal("19")) == 1190
    assert pricing.with_tax(1, Decimal("50")) == 2  # 1.5 cents rounds to 2


def test_order_total_discounts_then_taxes():
    lines = [(1999, 2), (500, 1)]
    assert pricing.order_total(lines) == 4498
    assert pricing.order_total(lines, discount_percent=10, tax_percent=Decimal("20")) == 4858


def test_negative_quantity_is_refused():
    try:
        pricing.order_total([(100, -1)])
    except ValueError:
        return
    raise AssertionError("a negative quantity was accepted")


def test_format_price():
    assert pricing.format_price(1234) == "EUR 12.34"
    assert pricing.format_price(5, "USD") == "USD 0.05"
    assert pricing.format_price(-250) == "-EUR 2.50"
