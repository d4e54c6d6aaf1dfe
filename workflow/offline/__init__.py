"""Offline work on the phone (issue 16): what a worker captured without a connection and
queued in the browser (入户走访, 跟踪联系/未联系上, a 五必登 entry) is applied here when the
phone comes back online, each item in its own transaction through the same services the
online screens call. The package owns the idempotency receipts (offline_receipts: the
phone's client id, so an item sent twice is applied once) and the version check that
turns an item captured on an older case into a conflict the worker decides (sync)."""
