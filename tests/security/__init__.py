"""Reusable probes for the security tests.

They read the live url_map and the forms package, so routes and forms merged later
are probed without editing the tests. See docs/security.md for what each proves.
"""
