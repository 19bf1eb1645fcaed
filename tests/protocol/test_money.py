import pytest
from pulsa_protocol.money import format_rupiah, parse_rupiah


@pytest.mark.parametrize("amount, text", [
    (0, "Rp0"), (500, "Rp500"), (10_000, "Rp10.000"), (1_250_500, "Rp1.250.500"),
    (-2_500, "-Rp2.500"),
])
def test_rupiah_is_shown_with_dots(amount, text):
    assert format_rupiah(amount) == text


def test_money_must_be_int():
    with pytest.raises(TypeError):
        format_rupiah(10.5)  # type: ignore[arg-type]


@pytest.mark.parametrize("text, amount", [
    ("50000", 50_000), ("50.000", 50_000), ("Rp 50.000", 50_000), ("rp50.000", 50_000),
    ("50rb", 50_000), ("20k", 20_000), ("1jt", 1_000_000), (" 100.000 ", 100_000),
])
def test_what_a_clerk_types_is_parsed(text, amount):
    assert parse_rupiah(text) == amount


@pytest.mark.parametrize("text", ["", "abc", "-5000", "12.5.x", "Rp"])
def test_garbage_amounts_are_refused(text):
    with pytest.raises(ValueError):
        parse_rupiah(text)
