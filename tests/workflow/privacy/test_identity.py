"""身份证号 and phone validation: valid numbers pass, each wrong part is named."""

import re

import pytest

from workflow.demo.synthetic import Synth, wrong_check_digit
from workflow.privacy.identity import InvalidValue, clean_id_number, clean_mobile, clean_phone, mask_id, mask_phone

VALID = Synth(7).id_number()


def test_generated_numbers_are_valid_and_normalised():
    synth = Synth(3)
    for _ in range(500):
        number = synth.id_number()
        assert clean_id_number(number) == number
    assert clean_id_number(" " + VALID[:6] + " " + VALID[6:].lower() + " ") == VALID.upper()


@pytest.mark.parametrize(
    "value, message",
    [
        ("", "请填写身份证号"),
        (VALID[:17], "身份证号应为18位，当前为17位"),
        (VALID + "1", "身份证号应为18位，当前为19位"),
        (VALID[:16] + "AB", "身份证号格式错误"),
        (VALID[:6] + "20261332" + VALID[14:], "出生日期无效"),
        (VALID[:6] + "21000101" + VALID[14:], "出生日期无效"),
        ("990000" + VALID[6:], "地区码无效"),
        (wrong_check_digit(VALID), "身份证号校验位错误"),
    ],
)
def test_invalid_id_numbers_say_which_part_is_wrong(value, message):
    with pytest.raises(InvalidValue, match=re.escape(message)):
        clean_id_number(value)


def test_mask_id_keeps_region_and_last_four():
    assert mask_id("411402195201200039") == "4114**********0039"


@pytest.mark.parametrize("value", ["13812345678", "+86 138 1234 5678", "138-1234-5678"])
def test_valid_mobiles_are_normalised(value):
    assert clean_mobile(value) == "13812345678"


@pytest.mark.parametrize(
    "value, message",
    [
        ("", "请填写电话号码"),
        ("1381234567", "手机号码无效"),
        ("23812345678", "手机号码无效"),
        ("abcdefg", "电话号码格式错误"),
        ("0370-6601234", "请填写手机号码，不是座机号码"),
    ],
)
def test_invalid_mobiles_are_refused(value, message):
    with pytest.raises(InvalidValue, match=re.escape(message)):
        clean_mobile(value)


def test_landline_accepted_where_any_phone_is_allowed():
    assert clean_phone("0370-6601234").startswith("0370")


def test_mask_phone():
    assert mask_phone("13812345678") == "138****5678"


def test_id_errors_are_translated_for_english_users(app):
    from flask_babel import force_locale

    with app.test_request_context(), force_locale("en"):
        with pytest.raises(InvalidValue, match="check digit is wrong") as err:
            clean_id_number(wrong_check_digit(VALID))
    assert str(err.value) == "The ID number's check digit is wrong (last character)"


def test_a_region_code_is_looked_up_once_however_many_rows_carry_it(monkeypatch):
    from stdnum import numdb

    from workflow.privacy import identity

    looked_up = []
    real = numdb.get

    def counted(name):
        looked_up.append(name)
        return real(name)

    identity._region_known.cache_clear()
    monkeypatch.setattr(numdb, "get", counted)
    synth = Synth(5)
    numbers = {synth.id_number() for _ in range(50)}
    for number in numbers:
        clean_id_number(number)
    assert len(looked_up) == len({n[:6] for n in numbers}) < len(numbers)


def test_a_phone_is_matched_against_the_metadata_once(monkeypatch):
    from phonenumbers import phonenumberutil

    matched = []
    real = phonenumberutil._number_type_helper

    def counted(national_number, metadata):
        matched.append(national_number)
        return real(national_number, metadata)

    monkeypatch.setattr(phonenumberutil, "_number_type_helper", counted)
    assert clean_mobile("13812345678") == "13812345678" and clean_phone("010-12345678") == "01012345678"
    assert matched == ["13812345678", "1012345678"]
