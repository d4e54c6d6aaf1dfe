"""流动党员 screens of a case: the situation, the 活动证 (issue, renew, revoke, print), the 定期报告."""

from flask import Blueprint, g, render_template
from flask_babel import gettext as _

from forms.fields import day_to_utc, with_version
from forms.mobility import CertificateForm, RenewForm, ReportForm, RevokeForm, SituationForm
from web.worker.form_flow import case_or_404, found_or_404, refuse, run
from workflow.mobility import certificates, situations
from workflow.mobility.policy import get_policy
from workflow.process.engine import MOBILITY, get_engine

bp = Blueprint("mobility", __name__, url_prefix="/cases/<int:case_id>/mobility")


def _refusal(case):
    return get_engine().refusal(case, MOBILITY, g.user)


@bp.route("/situation", methods=["GET", "POST"])
def situation(case_id):
    """流动情况: 本地, 短期外出, 长期外出/流动, 出国(境), 毕业生, since when and where to."""
    case = case_or_404(case_id)
    template = "mobility/situation.html"
    problem = _refusal(case)
    if problem:
        return refuse(template, case, problem)
    form = with_version(SituationForm(situations=get_policy().situations.values()), case)
    now = situations.current(case)
    if not form.is_submitted() and now is not None:  # start from what is recorded
        form.situation.data, form.dest_province.data = now.situation, now.dest_province or ""
        form.dest_city.data, form.since.data = now.dest_city, now.since

    def act(form):
        situations.set_situation(case, g.user, situation=form.situation.data, since=form.since.data,
                                 dest_province=form.dest_province.data or None, dest_city=form.dest_city.data,
                                 note=form.note.data, expected_version=form.expected_version())

    return run(case, form, template, act, _("已更新流动情况"))


@bp.route("/certificates/new", methods=["GET", "POST"])
def issue(case_id):
    """发放流动党员活动证: number unique in the district, dates in order, duration within the rule."""
    case = case_or_404(case_id)
    template = "mobility/certificate.html"
    most = get_policy().months("certificate_max_months")
    problem = _refusal(case) or certificates.not_mobile(case)
    if problem:
        return refuse(template, case, problem, max_months=most)
    form = with_version(CertificateForm(), case)

    def act(form):
        certificates.issue(case, g.user, number=form.number.data, issued_on=form.issued_on.data,
                           expires_on=form.expires_on.data, duration_months=form.duration_months.data,
                           reason=form.reason.data, dest_province=form.dest_province.data,
                           dest_city=form.dest_city.data, expected_version=form.expected_version())

    return run(case, form, template, act, _("已发放流动党员活动证"), max_months=most)


@bp.route("/certificates/<int:certificate_id>/renew", methods=["GET", "POST"])
def renew(case_id, certificate_id):
    """活动证续期: a later expiry, still within the longest duration the rule allows."""
    case = case_or_404(case_id)
    certificate = found_or_404(certificates.load_certificate, case, certificate_id)
    template = "mobility/renew.html"
    problem = _refusal(case)
    if problem:
        return refuse(template, case, problem, certificate=certificate)
    form = with_version(RenewForm(), case)

    def act(form):
        certificates.renew(case, certificate, g.user, expires_on=form.expires_on.data,
                           duration_months=form.duration_months.data, expected_version=form.expected_version())

    return run(case, form, template, act, _("活动证已续期"), certificate=certificate)


@bp.route("/certificates/<int:certificate_id>/revoke", methods=["GET", "POST"])
def revoke(case_id, certificate_id):
    """收回活动证: it stays in the register as 已收回, with the reason."""
    case = case_or_404(case_id)
    certificate = found_or_404(certificates.load_certificate, case, certificate_id)
    template = "mobility/revoke.html"
    problem = _refusal(case)
    if problem:
        return refuse(template, case, problem, certificate=certificate)
    form = with_version(RevokeForm(), case)

    def act(form):
        certificates.revoke(case, certificate, g.user, reason=form.reason.data, revoked_on=form.revoked_on.data,
                            expected_version=form.expected_version())

    return run(case, form, template, act, _("活动证已收回"), certificate=certificate)


@bp.get("/certificates/<int:certificate_id>/print")
def print_stub(case_id, certificate_id):
    """The certificate's stub (存根) on A5: the member, the dates, the branch and its seal area."""
    case = case_or_404(case_id)
    certificate = found_or_404(certificates.load_certificate, case, certificate_id)
    return render_template("mobility/certificate_print.html", case=case, certificate=certificate)


@bp.route("/report", methods=["GET", "POST"])
def report(case_id):
    """定期报告: the member reported to the branch; it restarts the yearly clock."""
    case = case_or_404(case_id)
    template = "mobility/report.html"
    problem = _refusal(case)
    if problem:
        return refuse(template, case, problem)
    form = with_version(ReportForm(), case)

    def act(form):
        situations.log_report(case, g.user, reported_at=day_to_utc(form.reported_on.data),
                              notes=form.notes.data.strip(), expected_version=form.expected_version())

    return run(case, form, template, act, _("已记录定期报告"))
