import pytest
from pulsa_protocol.data import OPERATORS, load_json

from kiosk_pos.core.errors import InvalidDestination, WrongOperator
from kiosk_pos.core.phone import default_prefix_table, normalise_phone, validate_destination
from kiosk_pos.core.records import ProductKind


@pytest.mark.parametrize("raw", [
    "0812-3456-7890", "+62 812 3456 7890", "62812-3456-7890", "812 3456 7890",
    "(0812) 3456.7890", "+62-812-3456-7890",
])
def test_numbers_normalise_to_08(raw):
    assert normalise_phone(raw) == "081234567890"


def _operator_prefixes():
    data = load_json(OPERATORS)
    return [(op["code"], prefix) for op in data["operators"] for prefix in op["prefixes"]]


@pytest.mark.parametrize("operator, prefix", _operator_prefixes())
def test_every_prefix_picks_its_operator(operator, prefix):
    number = prefix + "1234567"
    assert default_prefix_table().operator_code(number) == operator
    assert validate_destination(ProductKind.PULSA, operator, number) == number


def test_the_reference_table_is_what_ships():
    table = default_prefix_table()
    assert {p for p, op in table.prefixes().items() if op == "telkomsel"} == {
        "0811", "0812", "0813", "0821", "0822", "0823", "0851", "0852", "0853"}
    assert {p for p, op in table.prefixes().items() if op == "tri"} == {
        "0895", "0896", "0897", "0898", "0899"}


def test_wrong_operator_names_both():
    with pytest.raises(WrongOperator) as err:
        validate_destination(ProductKind.PULSA, "telkomsel", "0856-1234-5678")
    assert "Indosat" in err.value.message and "Telkomsel" in err.value.message


@pytest.mark.parametrize("raw, key", [
    ("0812345", "error.phone_length"),          # 7 digits
    ("08123456789012", "error.phone_length"),   # 14 digits
    ("0212345678", "error.phone_prefix"),       # a landline
    ("0812-34x6-7890", "error.phone_not_digits"),
    ("+1 555 123 4567", "error.phone_not_indonesian"),
    ("", "error.destination_required"),
])
def test_bad_numbers_get_a_sentence(raw, key):
    with pytest.raises(InvalidDestination) as err:
        validate_destination(ProductKind.PULSA, "telkomsel", raw)
    assert err.value.key == key
    assert err.value.message and "{" not in err.value.message


def test_unknown_prefix_is_refused():
    with pytest.raises(InvalidDestination) as err:
        validate_destination(ProductKind.PULSA, "telkomsel", "0800-1234-5678")
    assert err.value.key == "error.phone_unknown_operator"


@pytest.mark.parametrize("raw, expected", [
    ("12345678901", "12345678901"), ("5321 1234 5678", "532112345678"),
])
def test_pln_meter_and_customer_ids(raw, expected):
    assert validate_destination(ProductKind.PLN, "pln", raw) == expected


@pytest.mark.parametrize("raw", ["1234567890", "1234567890123", "5321-ABCD-5678"])
def test_bad_pln_ids(raw):
    with pytest.raises(InvalidDestination) as err:
        validate_destination(ProductKind.PLN, "pln", raw)
    assert err.value.key == "error.pln_id"


@pytest.mark.parametrize("raw", ["0812-3456-7890", "081234567890", "+62 812 3456 789",
                                 "62812345678", "08123456789"])
def test_a_phone_number_is_never_a_pln_id(raw):
    """Twelve digits of a phone number fit a customer id's length: refused all the same."""
    with pytest.raises(InvalidDestination) as err:
        validate_destination(ProductKind.PLN, "pln", raw)
    assert err.value.key == "error.pln_phone" and "nomor HP" in err.value.message


def test_ewallet_takes_any_operator_number():
    assert validate_destination(ProductKind.EWALLET, "dana", "+62 856 1234 5678") == "085612345678"


def test_goods_take_no_destination():
    assert validate_destination(ProductKind.PHYSICAL, None, "") == ""
