"""vana-audit: a CI/CD maturity audit scanner that works offline from a checkout."""

__version__ = "0.1.0"
