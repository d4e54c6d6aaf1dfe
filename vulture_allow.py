"""Names vulture cannot see used, and why: frameworks, SQL and templates use them by name."""
# ruff: noqa: B018  (each line only names what is used)

from bench import registry, sink
from scheduler import delivery, jobs
from workflow.demo import synthetic
from workflow.member import page as member_page
from workflow.models import Case
from workflow.models.member import MemberReport
from workflow.reports import filters
from workflow.reports import household as household_report
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
household_report.MemberRow.own_original, household_report.MemberRow.own_destination  # the household templates show them
