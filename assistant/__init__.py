"""assistant: ask Chinese rule-of-law government reports and get cited, verified answers."""

__version__ = "0.1.0"
