"""Personal data: checking and masking 身份证号 and phone numbers (`identity`), ID numbers
encrypted at rest with a keyed hash for look-ups (`pii`), showing a full number on purpose
with the reason audited (`reveal`), scrubbing logs, and re-encrypting under a new key
(`keyrotation`)."""
