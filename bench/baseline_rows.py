"""The baseline's row work: 五必登 statuses, the one timeline and deadline badges, as plain Python.

The same checks as workflow/cases/registration.py and web/worker/case_page.py, without Babel or the ORM.
"""

import phonenumbers

from bench.baseline_pages import ADDRESS_KINDS, ITEMS, KINDS, OUTCOMES

MOBILE = (phonenumbers.PhoneNumberType.MOBILE, phonenumbers.PhoneNumberType.FIXED_LINE_OR_MOBILE)
SOON_MINUTES = 7 * 1440


def _phone_problem(number, mobile_only):
    try:
        parsed = phonenumbers.parse((number or "").strip(), "CN")
    except phonenumbers.NumberParseException:
        return "电话号码格式错误，只能包含数字"
    if parsed.country_code != 86 or not phonenumbers.is_valid_number(parsed):
        return "电话号码无效"
    if mobile_only and phonenumbers.number_type(parsed) not in MOBILE:
        return "请填写手机号码，不是座机号码"
    return None


def problem(item, e):
    """Why an entry (item, address, address_kind, phone, backup_name, backup_phone, workplace,
    work_city, unit name, org_note, org_unit_id) is not complete, or None."""
    if e is None:
        return "未填写"
    if item in ("original_address", "destination_address"):
        if not (e[1] or "").strip():
            return "未填写"
        if item == "destination_address" and e[2] not in ADDRESS_KINDS:
            return "未选择过渡住址或安置住址"
    elif item == "contact":
        if not (e[3] or "").strip():
            return "请填写电话号码"
        return (_phone_problem(e[3], True) or (None if (e[4] or "").strip() else "缺少备用联系人")
                or _phone_problem(e[5], False))
    elif item == "workplace" and not (e[6] or "").strip():
        return "未填写"
    elif item == "org_relation" and e[10] is None and not (e[9] or "").strip():
        return "未填写"
    return None


def mask(number):
    if not number:
        return ""
    if len(number) <= 7:
        return number[:1] + "*" * (len(number) - 2) + number[-1:]
    return number[:3] + "*" * (len(number) - 7) + number[-4:]


def summary(item, e):
    """The short text of an entry, phones masked."""
    if item == "original_address":
        return e[1] or ""
    if item == "destination_address":
        kind = ADDRESS_KINDS.get(e[2], "")
        return " ".join(p for p in (e[1], f"（{kind}）" if kind else "") if p)
    if item == "contact":
        text = mask(e[3])
        if e[4] or e[5]:
            text += "；备用 " + " ".join(p for p in (e[4], mask(e[5])) if p)
        return text
    if item == "workplace":
        return " ".join(p for p in (e[6], e[7]) if p)
    return e[8] or e[9] or ""


def registers(current):
    """[(item, status, label, problem, summary)] of the five, from the current entries."""
    entries = {row[0]: row for row in current}
    out = []
    for item, text in ITEMS.items():
        entry = entries.get(item)
        why = problem(item, entry)
        status = "complete" if why is None else ("missing" if entry is None else "invalid")
        out.append((item, status, text, why, summary(item, entry) if entry else ""))
    return out


def timeline(history, contacts, entries, labels, states, parse_time):
    """[(at, kind, title, detail, actor)], newest first, as web/case_page.timeline() orders it."""
    events = [(parse_time(at), "transition", f"{labels.get(trigger, trigger)} → {states[to]}", reason or "",
               actor or "") for at, trigger, to, reason, actor in history]
    events += [(parse_time(at), "contact", f"{KINDS[kind]} · {OUTCOMES[outcome]}",
                "；".join(p for p in (("见到 " + met) if met else "", notes or "") if p), actor or "")
               for at, kind, outcome, met, notes, actor in contacts]
    for at, source, actor, *entry in entries:
        title = f"五必登：{ITEMS[entry[0]]}" + (" （跟踪联系中更新）" if source == "contact" else "")
        events.append((parse_time(at), "register", title, summary(entry[0], entry), actor or ""))
    return sorted(events, key=lambda e: e[0], reverse=True)


def lateness(due, now):
    """(css class, text) of a deadline badge, as web/cases.deadline_badge gives them."""
    if due is None:
        return "undated", ""
    minutes = int((now - due).total_seconds() / 60)
    css = "overdue" if minutes >= 0 else ("soon" if -minutes <= SOON_MINUTES else "later")
    span = abs(minutes)
    if span >= 1440:
        return css, (f"还剩{span // 1440}天" if minutes < 0 else f"逾期{span // 1440}天")
    if span >= 60:
        return css, (f"还剩{span // 60}小时" if minutes < 0 else f"逾期{span // 60}小时")
    return css, ("不到1小时后到期" if minutes < 0 else "刚刚到期")
