"""Indexes for the worker's lists: a subtree filtered by state or project, by deadline.

Declared here so the foundation's Case model stays as it is; migration 0004_worker
creates them.
"""

from sqlalchemy import Index

from workflow.models.case import Case

PATTERN = {"org_path": "text_pattern_ops"}  # PostgreSQL: LIKE 'prefix%' may use the index

STATE_PATH_DUE = Index("ix_cases_state_org_path_due", Case.state, Case.org_path, Case.next_due_at,
                       postgresql_ops=PATTERN)
PROJECT_PATH_DUE = Index("ix_cases_project_org_path_due", Case.project_id, Case.org_path, Case.next_due_at,
                         postgresql_ops=PATTERN)
