"""WTForms: one module per screen; shared validators in forms/validators.py."""
