"""流动党员 (mobile party members): the policy read from `workflow/mobility.toml` (situations,
the six-month line, the yearly report, the abroad contact rhythm, the graduate limit,
reminder lead times), a party member's mobility situation and its history, the
流动党员活动证 register (issue, renew, revoke), the worker's logged 定期报告, and the clocks
computed from these and the contact history. Residents are never under these rules.
One public function per transaction; who may act is asked of the engine (MOBILITY)."""
