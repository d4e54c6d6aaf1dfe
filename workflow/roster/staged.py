"""A staged roster as kept with its batch: the file and, for a clean preview, its checked fields.

Both travel in one encrypted payload (workflow/pii.py), so they cannot be separated or
altered without the key. The fields are used again only when the file's digest matches
the one they were checked from and the batch's own: a different file is checked afresh.
"""

import base64
import hashlib
import json

from workflow.privacy import pii

# The row fields the field checks produce, in RosterRow's order; units and existing
# people are looked up again at every use, they can change after the preview.
FIELDS = ("number", "name", "raw_id", "unit_name", "phone", "address", "member", "id_number",
          "household_number", "head_id")


def digest(data):
    """Return the file's SHA-256 as hex, the batch's record of which file was checked."""
    return hashlib.sha256(data).hexdigest()


def seal(data, checked_from=None, rows=None):
    """Return the payload: the file, plus the rows' fields when they were checked from this very file."""
    sha256 = digest(data)
    body = {"file": base64.b64encode(data).decode(), "sha256": sha256, "rows": None}
    if rows is not None and checked_from == sha256:
        body["rows"] = [[getattr(row, name) for name in FIELDS] for row in rows]
    return pii.encrypt(json.dumps(body, ensure_ascii=False, separators=(",", ":")))


def unseal(payload, sha256):
    """Return (file bytes, checked fields or None); the fields only if file, payload and batch agree."""
    plain = pii.decrypt(payload)
    if not plain.startswith("{"):  # staged before checked fields were kept: the file alone
        return base64.b64decode(plain), None
    body = json.loads(plain)
    data = base64.b64decode(body["file"])
    if body.get("rows") is None or not (body.get("sha256") == sha256 == digest(data)):
        return data, None
    return data, body["rows"]
