"""Synthetic people for demo data, tests and benchmarks: never real ones.

ID numbers get a real region code of 商丘 and a valid GB 11643 check digit; names,
addresses and phones come from Faker zh_CN.
"""

import random
from datetime import date, timedelta

import phonenumbers
from faker import Faker
from stdnum.cn import ric

REGIONS = ["411402", "411403", "411421", "411481"]  # 梁园区, 睢阳区, 民权县, 永城市
MOBILE_PREFIXES = ["133", "135", "136", "138", "139", "150", "151", "158", "159", "186", "187", "188", "189"]


class Synth:
    """A seeded source of synthetic people; the same seed gives the same people."""

    def __init__(self, seed=0):
        self.rng = random.Random(seed)
        self.faker = Faker("zh_CN")
        self.faker.seed_instance(seed)
        self._serial = 0

    def id_number(self, birth=None, gender=None):
        """Return a unique 18-character ID number with a valid check digit."""
        birth = birth or self.birth_date()
        gender = gender or self.rng.choice("MF")
        self._serial += 1
        seq = (self._serial * 2 + self.rng.randrange(0, 50) * 2000) % 1000
        seq = seq - seq % 2 + (1 if gender == "M" else 0)
        body = f"{self.rng.choice(REGIONS)}{birth:%Y%m%d}{seq:03d}"
        return body + ric.calc_check_digit(body + "0")

    def birth_date(self):
        return date(1940, 1, 1) + timedelta(days=self.rng.randrange(0, 365 * 65))

    def mobile(self):
        while True:
            number = self.rng.choice(MOBILE_PREFIXES) + f"{self.rng.randrange(10**8):08d}"
            if phonenumbers.is_valid_number(phonenumbers.parse(number, "CN")):
                return number

    def name(self):
        return self.faker.name()

    def address(self):
        return "商丘市梁园区" + self.faker.street_address() + f"{self.rng.randrange(1, 30)}号楼{self.rng.randrange(1, 6)}单元{self.rng.randrange(101, 1802)}室"

    def workplace(self):
        return self.faker.company()

    def city(self):
        return self.rng.choice(["北京", "上海", "郑州", "深圳", "杭州", "商丘"])


def wrong_check_digit(number):
    """Return the ID number with a wrong check digit (for error-path tests)."""
    digits = "0123456789X"
    return number[:17] + digits[(digits.index(number[17]) + 1) % 11]
