"""提交审核: send the registration for review; the engine's guards say what is missing."""

from forms.fields import CaseForm


class SubmitForm(CaseForm):
    """Only the version: what is submitted is the case as it stands."""
