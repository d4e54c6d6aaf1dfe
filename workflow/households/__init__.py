"""Households (户): grouping cases into the family a demolition counts, and acting for it.

This package owns every write about households, one function per transaction: making a
household and adding, or explicitly moving, a member (members); the shared 原住址 and
去向住址, written once and entered on each member's case that follows them (addresses);
one 入户走访 for the members met (visits); and 搬迁 / 移交 of the household together,
all or nothing (moves). Each member keeps their own case and state: every step for the
household is the same trigger fired on each member's case, through engine.check().
"""
