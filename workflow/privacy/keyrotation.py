"""`flask pii rotate-key`: re-encrypt every ID number under the current PII_KEY.

Put the new key in PII_KEY and the old one in PII_PREVIOUS_KEYS, restart, then run
the command. It walks people by id in batches, one commit per batch, and skips rows
already sealed with the current key: run it again after an interruption and it
carries on; run it twice and the second run changes nothing. When `--check` reports
no row left under an old key, drop that key from PII_PREVIOUS_KEYS.
"""

import click
from sqlalchemy import select

from workflow.db import db
from workflow.models import Person
from workflow.models.audit import record
from workflow.privacy import pii


def _rotate_row(person):
    """Bring one row under the current key; return "current", "rotated" or "failed"."""
    if pii.under_current_key(person.id_cipher):
        plain = pii.decrypt(person.id_cipher)
        if person.id_hash == pii.blind_index(plain):
            return "current"
    else:
        try:
            plain = pii.decrypt(person.id_cipher)
        except ValueError:
            return "failed"  # sealed with a key that is not configured any more
    person.id_cipher = pii.encrypt(plain)
    person.id_hash = pii.blind_index(plain)
    return "rotated"


def batches(batch_size):
    """Yield lists of people in id order (keyset paging; the session's identity map holds
    rows weakly, so memory stays flat once a batch is committed)."""
    last_id = 0
    while True:
        rows = db.session.scalars(
            select(Person).where(Person.id > last_id).order_by(Person.id).limit(batch_size)
        ).all()
        if not rows:
            return
        yield rows
        last_id = rows[-1].id


def rotate(batch_size=500, dry_run=False, progress=None):
    """Re-encrypt and re-index every row not yet under the current key; return the counts."""
    counts = {"current": 0, "rotated": 0, "failed": 0}
    failed_ids = []
    for rows in batches(batch_size):
        for person in rows:
            outcome = _rotate_row(person)
            counts[outcome] += 1
            if outcome == "failed":
                failed_ids.append(person.id)
        if dry_run:
            db.session.rollback()
        else:
            db.session.commit()
        if progress:
            progress(counts)
    if not dry_run and counts["rotated"]:
        record("pii_key_rotated", rotated=counts["rotated"], failed=counts["failed"])
        db.session.commit()
    return counts, failed_ids


@click.group("pii")
def pii_cli():
    """Personal data at rest: key rotation."""


@pii_cli.command("rotate-key")
@click.option("--batch-size", default=500, show_default=True, help="Rows per transaction.")
@click.option("--check", is_flag=True, help="Only count rows still under an old key; write nothing.")
def rotate_key(batch_size, check):
    """Re-encrypt every ID number and recompute its blind index under the current PII_KEY."""
    counts, failed_ids = rotate(batch_size, dry_run=check,
                                progress=lambda c: click.echo(f"... {sum(c.values())} rows", err=True))
    verb = "to rotate" if check else "rotated"
    click.echo(f"{counts['rotated']} {verb}, {counts['current']} already under the current key, "
               f"{counts['failed']} unreadable")
    if failed_ids:
        raise click.ClickException(
            "people with ids " + ", ".join(map(str, failed_ids[:20])) +
            (" ..." if len(failed_ids) > 20 else "") + ": no configured key opens them (add the old key to PII_PREVIOUS_KEYS)"
        )
    if check and counts["rotated"]:
        raise click.ClickException("rows remain under an old key: run `flask pii rotate-key`")
