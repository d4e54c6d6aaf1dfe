"""The supervisor's 流动党员 view: counts that link to exactly their cases, by situation and place,
the 活动证 register of a subtree, and both as Excel 台账 (masked, audited).

Everything is computed from workflow.reports.mobility's rows as of now, so a number and the
list behind its link and the export of that list always agree. The 本地 members are many and
count only in the 满六个月 tile: that tile's 本地 part is counted in SQL (mobility.line_count)
and its list reads only the members it counts; every other number reads the registered few.
"""

import io
from collections import Counter
from dataclasses import dataclass, field
from datetime import timedelta

from flask_babel import gettext as _
from openpyxl import Workbook
from sqlalchemy import or_, select

from workflow.db import db
from workflow.errors import CaseNotFound
from workflow.mobility.clocks import local_day, zone
from workflow.mobility.policy import get_policy
from workflow.models import ActivityCertificate, Case, OrgUnit, Person
from workflow.models.audit import record
from workflow.reports import mobility
from workflow.subtree import under

CERTIFICATE_DAYS = 30  # "活动证 expiring in 30 days" (the number; reminders use the policy's lead)
# bucket -> (Chinese, English): what each tile counts.
BUCKETS = {
    "mobile": ("登记的流动党员", "Registered mobile members"),
    "line": ("满六个月待登记", "Six months away, to register"),
    "certificate": ("活动证30天内到期", "Certificates expiring in 30 days"),
    "report": ("定期报告逾期", "Yearly reports overdue"),
    "abroad": ("出国(境)超过6个月未联系", "Abroad, no contact over 6 months"),
    "transfer": ("应转尽转待移交", "Transfers suggested, not started"),
}


def in_bucket(row, bucket, policy, today):
    """Say whether a member's row counts in a tile."""
    c = row.clocks
    situation = policy.situations.get(row.situation) or policy.situations["local"]
    if bucket == "mobile":
        return situation.mobile
    if bucket == "line":
        return c.crossed
    if bucket == "certificate":
        return c.certificate_expires_on is not None and c.certificate_expires_on <= today + timedelta(CERTIFICATE_DAYS)
    if bucket == "report":
        return c.report_due_on is not None and c.report_due_on < today
    if bucket == "abroad":
        return c.abroad_due_on is not None and c.abroad_due_on < today
    if bucket == "transfer":
        return c.transfer_since is not None
    return True


@dataclass
class Board:
    counts: Counter
    places: list  # (situation, province, city, n), the most first
    transfer_days: list = field(default_factory=list)  # how long each open 应转尽转 has waited

    @property
    def transfer_longest(self):
        return max(self.transfer_days, default=0)


def board(path, now):
    """The tiles and the table by situation and destination for the subtree at path."""
    policy, today = get_policy(), local_day(now)
    fast = mobility.line_only(policy)
    rows = mobility.subtree_rows(path, now, where=mobility.registered() if fast else None)
    counts, places = Counter(), Counter()
    if fast:
        counts["line"] = mobility.line_count(path, now)
    for row in rows:
        for bucket in BUCKETS:
            counts[bucket] += in_bucket(row, bucket, policy, today)
        if row.situation != "local":
            places[(row.situation, row.dest_province or "", row.dest_city or "")] += 1
    waited = [(today - row.clocks.transfer_since).days for row in rows if row.clocks.transfer_since]
    ordered = sorted(places.items(), key=lambda pair: (-pair[1], pair[0]))
    return Board(counts, [(*key, n) for key, n in ordered], waited)


def chosen(path, now, bucket=None, situation=None, province=None, city=None):
    """Exactly the members a number counts: a tile's bucket, or a (situation, place) cell."""
    policy, today = get_policy(), local_day(now)
    where = None
    if mobility.line_only(policy) and (bucket is not None or situation not in (None, mobility.LOCAL)):
        # 本地 members count in no tile but the line's, and in no place cell
        where = mobility.registered()
        if bucket == "line":
            where = or_(where, mobility.crossed_local(mobility.line_cut(today, policy), policy))
    return [row for row in mobility.subtree_rows(path, now, where=where)
            if (bucket is None or in_bucket(row, bucket, policy, today))
            and (situation is None or row.situation == situation)
            and (province is None or (row.dest_province or "") == province)
            and (city is None or (row.dest_city or "") == city)]


def _workbook(title, viewer, now, head, lines):
    book = Workbook(write_only=True)
    sheet = book.create_sheet(title[:31])
    sheet.append([title])
    sheet.append([_("单位：%(unit)s", unit=viewer.org_unit.name)])
    sheet.append([_("导出人：%(name)s（%(username)s）", name=viewer.display_name, username=viewer.username)])
    sheet.append([_("导出时间：%(t)s（北京时间）", t=now.astimezone(zone()).strftime("%Y-%m-%d %H:%M"))])
    sheet.append([_("身份证号和电话已脱敏")])
    sheet.append([])
    sheet.append(head)
    count = 0
    for line in lines:
        count += 1
        sheet.append([_text_safe(v) for v in line])
    sheet.append([])
    sheet.append([_("合计：%(n)s条", n=count)])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue(), count


def _text_safe(value):
    """Keep typed text from being read as a formula by Excel (=, +, -, @ first)."""
    return "'" + value if isinstance(value, str) and value[:1] in ("=", "+", "-", "@") else value


def _day(value):
    return value.isoformat() if value else ""


def export_members(rows, viewer, now, address=None, describe=""):
    """The 流动党员台账 of exactly these rows (masked); the export is audited."""
    policy = get_policy()
    head = [_("序号"), _("姓名"), _("身份证号"), _("所属组织"), _("流动情况"), _("开始日期"), _("去向省份"), _("去向城市"),
            _("定期报告期限"), _("境外联系期限"), _("活动证有效期至"), _("毕业生保留至"), _("流动党员认定日")]

    def situation(name):
        s = policy.situations.get(name) or policy.situations["local"]
        return s.zh

    lines = ([n, r.name, r.id_masked, r.unit, situation(r.situation), _day(r.since), r.dest_province or "",
              r.dest_city or "", _day(r.clocks.report_due_on), _day(r.clocks.abroad_due_on),
              _day(r.clocks.certificate_expires_on), _day(r.clocks.graduate_until), _day(r.clocks.line_on)]
             for n, r in enumerate(rows, 1))
    data, count = _workbook(_("流动党员台账") + (f"（{describe}）" if describe else ""), viewer, now, head, lines)
    record("mobility_export", user=viewer, address=address, rows=count, filter=describe)
    db.session.commit()
    return data, count


def certificates(path):
    """The 活动证 register of the subtree at path: every certificate, the newest first."""
    return db.session.execute(
        select(ActivityCertificate, Person.name, Person.id_masked, OrgUnit.name.label("unit"))
        .join(Case, Case.id == ActivityCertificate.case_id).join(Person, Person.id == Case.person_id)
        .join(OrgUnit, OrgUnit.id == ActivityCertificate.issuing_unit_id)
        .where(under(Case.org_path, path)).order_by(OrgUnit.name, ActivityCertificate.issued_on.desc(),
                                                     ActivityCertificate.id.desc())
    ).all()


def export_certificates(path, viewer, now, address=None):
    """The 活动证 register as a workbook (filed to the upper level); the export is audited."""
    head = [_("序号"), _("活动证编号"), _("姓名"), _("身份证号"), _("发证党组织"), _("发证日期"), _("有效期至"),
            _("预计外出时长（月）"), _("外出原因"), _("去向省份"), _("去向城市"), _("续期次数"), _("状态"), _("收回原因")]
    lines = ([n, c.number, name, masked, unit, _day(c.issued_on), _day(c.expires_on), c.duration_months, c.reason,
              c.dest_province, c.dest_city, c.renewals, _("已收回") if c.status == "revoked" else _("有效"),
              c.revoke_reason or ""]
             for n, (c, name, masked, unit) in enumerate(certificates(path), 1))
    data, count = _workbook(_("流动党员活动证登记簿"), viewer, now, head, lines)
    record("certificate_export", user=viewer, address=address, rows=count)
    db.session.commit()
    return data, count




def scope_unit(user, unit_id):
    """The unit a supervisor asks for (their own when None); outside their subtree: CaseNotFound."""
    if unit_id is None:
        return user.org_unit
    unit = db.session.get(OrgUnit, unit_id)
    if unit is None or not unit.path.startswith(user.org_unit.path):
        raise CaseNotFound()
    return unit
