"""Work on cases: listing a person, visits, the 五必登 registration, contacts and follow-up,
the contact card and liaison group, review, reassignment and handover. Every public
function of these modules is one transaction that a screen or a command calls; refusals
come from the engine (`workflow.process.engine`), notices go through the outbox."""
