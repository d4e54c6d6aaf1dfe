"""The member's own side of the link: the card's token (`links`), proving who they are
(`verify`), what they send (`reports`), the worker's decisions on it (`decisions`) and
what their page shows (`page`). Every public write here is one transaction; web/member
only parses requests and renders."""
