"""Prices for the shop: the small module this release ships."""

from decimal import Decimal, ROUND_HALF_EVEN

CENT = Decimal("0.01")


def to_cents(amount: Decimal) -> int:
    """Rounds to whole cents the way accountants do (half to even)."""
    return int((amount / CENT).quantize(Decimal("1"), rounding=ROUND_HALF_EVEN))


def discounted(price_cents: int, percent: int) -> int:
    """The price after a percentage discount, never below zero."""
    if not 0 <= percent <= 100:
        raise ValueError(f"a discount is between 0 and 100 percent, not {percent}")
    return to_cents(Decimal(price_cents) * CENT * (100 - percent) / 100)


def with_tax(price_cents: int, rate_percent: Decimal) -> int:
    """The price with sales tax added."""
    return to_cents(Decimal(price_cents) * CENT * (100 + rate_percent) / 100)


def order_total(lines: list[tuple[int, int]], discount_percent: int = 0, tax_percent: Decimal = Decimal(0)) -> int:
    """The total of (unit price in cents, quantity) lines, discounted, then taxed."""
    subtotal = 0
    for unit_cents, quantity in lines:
        if quantity < 0:
            raise ValueError("a quantity cannot be negative")
        subtotal += unit_cents * quantity
    return with_tax(discounted(subtotal, discount_percent), tax_percent)


def format_price(cents: int, currency: str = "EUR") -> str:
    """1234 -> 'EUR 12.34'."""
    sign = "-" if cents < 0 else ""
    cents = abs(cents)
    return f"{sign}{currency} {cents // 100}.{cents % 100:02d}"
