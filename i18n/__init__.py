"""Translation build: extract the messages, compile the English catalogue, check both.

The msgids are Chinese (the code speaks Chinese first); English lives in
web/i18n/en/*.po, one file per area. `make translations` compiles them into
build/translations/ (not in git), where the app reads them; the app never writes
into its source tree. tests/test_translations.py fails on a message with no English,
a stale translation, or a messages.pot that no longer matches the code.
"""
