"""Per-report products read by rule or verified: indicator cards, the comparison table and
charts, and structured summaries (read by rule, one model call for the overview) with their Markdown digest."""
