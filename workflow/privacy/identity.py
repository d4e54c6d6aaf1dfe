"""Check and normalise 身份证号 and phone numbers; errors are specific and in Chinese."""

import re
from datetime import date
from functools import lru_cache

import phonenumbers
from flask_babel import gettext as _
from stdnum import exceptions as stdnum_errors
from stdnum import numdb
from stdnum.cn import ric


class InvalidValue(ValueError):
    """A value that failed a check; str() is the message shown to the user."""


def clean_id_number(value):
    """Return the normalised 18-character ID number or raise InvalidValue."""
    number = re.sub(r"[\s-]", "", value or "").upper()  # people type spaces in groups
    if not number:
        raise InvalidValue(_("请填写身份证号"))
    if len(number) != 18:
        raise InvalidValue(_("身份证号应为18位，当前为%(n)s位", n=len(number)))
    if not number[:17].isdigit() or not (number[17].isdigit() or number[17] == "X"):
        raise InvalidValue(_("身份证号格式错误：前17位应为数字，最后一位为数字或X"))
    try:
        birth = ric.get_birth_date(number)
    except stdnum_errors.ValidationError:
        raise InvalidValue(_("身份证号中的出生日期无效（第7-14位）")) from None
    if birth > date.today() or birth.year < 1900:
        raise InvalidValue(_("身份证号中的出生日期无效（第7-14位）"))
    if not _region_known(number[:6]):
        raise InvalidValue(_("身份证号中的地区码无效（前6位）"))
    if number[17] != ric.calc_check_digit(number):
        raise InvalidValue(_("身份证号校验位错误（最后一位）"))
    return number


@lru_cache(maxsize=4096)  # a few thousand codes exist; a roster repeats a handful (the lookup is slow)
def _region_known(code):
    """Say whether the region code was ever assigned.

    ric.validate() also demands that the code existed in the birth year, but codes
    are given when the number is issued: 梁园区 (411402, since 1997) holds people
    born long before. So only the code's existence is checked.
    """
    return bool(numdb.get("cn/loc").info(code)[-1][1])


def id_facts(number):
    """Return (birth date, gender "M"/"F") read from a valid ID number."""
    gender = "M" if int(number[16]) % 2 else "F"
    return ric.get_birth_date(number), gender


def mask_id(number):
    """Show the region and the last four digits only: 4101**********1234."""
    return number[:4] + "*" * 10 + number[-4:]


# Something shaped like an ID number: 17 digits and a digit or X, not inside a longer run.
ID_PATTERN = re.compile(r"(?<![0-9])[0-9]{17}[0-9Xx](?![0-9A-Za-z])")


def scrub_id_numbers(text):
    """Mask anything in text shaped like an ID number (free text bound for logs or the audit)."""
    return ID_PATTERN.sub(lambda m: mask_id(m.group(0).upper()), text or "")


def clean_mobile(value):
    """Return a mainland mobile number as 11 digits or raise InvalidValue."""
    return _clean_phone(value, mobile_only=True)


def clean_phone(value):
    """Return a mainland mobile or landline number in national form or raise InvalidValue."""
    return _clean_phone(value, mobile_only=False)


def _clean_phone(value, mobile_only):
    text = (value or "").strip()
    if not text:
        raise InvalidValue(_("请填写电话号码"))
    try:
        parsed = phonenumbers.parse(text, "CN")
    except phonenumbers.NumberParseException:
        raise InvalidValue(_("电话号码格式错误，只能包含数字")) from None
    # For +86 is_valid_number() is number_type() != UNKNOWN: match the metadata once, not twice.
    kind = phonenumbers.number_type(parsed) if parsed.country_code == 86 else phonenumbers.PhoneNumberType.UNKNOWN
    if kind == phonenumbers.PhoneNumberType.UNKNOWN:
        if mobile_only:
            raise InvalidValue(_("手机号码无效：应为11位中国大陆手机号"))
        raise InvalidValue(_("电话号码无效"))
    mobile_kinds = (phonenumbers.PhoneNumberType.MOBILE, phonenumbers.PhoneNumberType.FIXED_LINE_OR_MOBILE)
    if mobile_only and kind not in mobile_kinds:
        raise InvalidValue(_("请填写手机号码，不是座机号码"))
    national = str(parsed.national_number)
    return national if kind in mobile_kinds else "0" + national


def mask_phone(number):
    """Show the first three and last four digits: 138****5678."""
    if not number:
        return ""
    if len(number) <= 7:
        return number[:1] + "*" * (len(number) - 2) + number[-1:]
    return number[:3] + "*" * (len(number) - 7) + number[-4:]
