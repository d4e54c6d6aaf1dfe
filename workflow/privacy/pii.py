"""Encrypt ID numbers at rest (AES-GCM) and index them with a keyed hash."""

import base64
import hashlib
import hmac
import os

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from flask import current_app

from workflow.privacy.identity import mask_id

VERSION = "v1"


def _derive(master, label):
    """Derive a sub-key so encryption and indexing never share key material."""
    return hmac.new(master, label, hashlib.sha256).digest()


def _keys():
    """Return the current master key and any previous ones still accepted for reading."""
    current = base64.b64decode(current_app.config["PII_KEY"])
    previous = [base64.b64decode(k) for k in current_app.config.get("PII_PREVIOUS_KEYS", [])]
    return current, previous


def encrypt(plain, master=None):
    """Return printable ciphertext of a string under the current (or given) key."""
    master = master or _keys()[0]
    nonce = os.urandom(12)
    sealed = AESGCM(_derive(master, b"enc")).encrypt(nonce, plain.encode(), VERSION.encode())
    return VERSION + ":" + base64.b64encode(nonce + sealed).decode()


def _open(master, token):
    """Decrypt token under one master key; raise InvalidTag when it is not that key's."""
    version, body = token.split(":", 1)
    raw = base64.b64decode(body)
    return AESGCM(_derive(master, b"enc")).decrypt(raw[:12], raw[12:], version.encode()).decode()


def decrypt(token):
    """Return the plain text, trying the current key and then previous ones."""
    current, previous = _keys()
    for master in [current, *previous]:
        try:
            return _open(master, token)
        except InvalidTag:
            continue
    raise ValueError("ciphertext matches no configured PII key")


def under_current_key(token):
    """Say whether token was sealed with the current key (key rotation skips those rows)."""
    try:
        _open(_keys()[0], token)
    except InvalidTag:
        return False
    return True


def blind_indexes(plain):
    """Return the blind index under the current and every previous key (lookups mid-rotation)."""
    current, previous = _keys()
    return [blind_index(plain, master) for master in [current, *previous]]


def blind_index(plain, master=None):
    """Return a keyed hash for exact search and uniqueness, never reversible."""
    master = master or _keys()[0]
    return hmac.new(_derive(master, b"idx"), plain.encode(), hashlib.sha256).hexdigest()


def id_columns(number, id_hash=None):
    """Return the stored columns for a valid, normalised ID number (and its blind index, if known)."""
    return {
        "id_cipher": encrypt(number),
        "id_hash": id_hash or blind_index(number),
        "id_masked": mask_id(number),
        "id_last4": number[-4:],
    }
