"""The process: the definition read from `workflow/process.toml` (states, triggers, roles,
deadlines, labels), the engine that builds one shared transitions Machine from it and fires
triggers as one transaction, the named guards, conditions and effects the definition refers
to, the next-deadline rule, and the drawing of the process. The engine alone answers "may
this user fire this trigger on this case now, and if not, why" (`Engine.refusal`)."""
