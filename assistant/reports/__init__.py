"""Per-report products read by rule or verified: indicator cards, the comparison table and
charts, and structured summaries (map-reduce over the outline) with their Markdown digest."""
