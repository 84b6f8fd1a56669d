"""What every layer shares: errors (each with a hint and an exit code), Settings, and the typed data."""
