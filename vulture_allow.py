"""Names vulture cannot see used, and why: frameworks, SQL and templates use them by name."""
# ruff: noqa: B018  (each line only names what is used)

from bench import registry, sink
from scheduler import delivery, jobs
from web import template_cache
from web.worker import mobility_text
from web.worker import offline as offline_views
from workflow.demo import synthetic
from workflow.member import page as member_page
from workflow.mobility import clocks
from workflow.models import Case
from workflow.models.member import MemberReport
from workflow.models.mobility import ActivityCertificate
from workflow.models.monthly import MonthlyReport
from workflow.reports import filters, mobility_board
from workflow.reports import household as household_report
from workflow.reports.monthly import figures as monthly_figures
from workflow.reports.monthly import overview as monthly_overview
from workflow.reports.monthly import template as monthly_template
from workflow.roster import importer, xlsx

sink.Sink.driver.autocommit  # psycopg connection attribute: VACUUM needs autocommit on
delivery.sent_at  # outbox column written as an attribute, read by SQL
jobs.started_at  # job run column written as an attribute, read by SQL
registry.Result.metric  # a dataclass field, printed in the report by name
synthetic.wrong_check_digit  # the tests make invalid ID numbers with it
filters.CaseFilter.with_  # templates build dashboard links with it
importer.RosterRow.id_shown  # the roster preview template shows it
Case.last_reason, Case.handover_external  # case columns the effects write; screens read them
xlsx.ParserCreate().buffer_text  # expat parser settings and handlers, called by expat
_parser = xlsx.ParserCreate()
_parser.StartElementHandler, _parser.EndElementHandler, _parser.CharacterDataHandler
_parser.StartDoctypeDeclHandler
member_page.Contacts.secretary, member_page.Contacts.worker_phone  # the member page template shows them
MemberReport.decided_at, MemberReport.decided_by_id, MemberReport.contact_log_id  # columns written, read by SQL
mobility_text.situation_label, mobility_text.due_text  # the 流动党员 templates call them as mt.*
clocks.Clocks.report_due_on, clocks.Clocks.abroad_due_on, clocks.Clocks.transfer_since  # templates and reports read them
ActivityCertificate.renewals  # counted up on each renewal, shown in the register and its export
mobility_board.Board.transfer_longest  # the 流动党员 pages show how long the oldest 应转尽转 has waited
monthly_figures.Behind.row_name, monthly_overview.Overview.draft  # the report templates show them
MonthlyReport.return_reason, MonthlyReport.returned_at, MonthlyReport.returned_by_id  # written on 退回; screens read them
monthly_template.Template.reminder_day, monthly_template.Template.remind_above_day  # the template's reminder days
# openpyxl cell and sheet settings, read by openpyxl when it writes the workbook
_cell = _sheet = None
_cell.alignment, _cell.border
_sheet.page_setup.orientation, _sheet.page_setup.paperSize, _sheet.page_setup.fitToWidth
_sheet.page_setup.fitToHeight, _sheet.sheet_properties.pageSetUpPr.fitToPage, _sheet.print_title_rows
household_report.MemberRow.own_original, household_report.MemberRow.own_destination  # the household templates show them
template_cache.ProcessBytecodeCache.load_bytecode, template_cache.ProcessBytecodeCache.dump_bytecode  # jinja2 calls them
template_cache.SHARED.bytecode_cache  # the Environment attribute jinja2 reads; set in init_app
offline_views.request.max_content_length  # Flask reads it per request: a body past it answers 413
