"""Questions in, verified answers out: retrieve (scope + hybrid search), sources (what the
model reads), verify and checks (is every number in a cited sentence about the question?),
guard (stream only verified sentences), answer (the ladder), instant (answers read off the
indicator cards), followup (rewriting "那磴口县呢？")."""
