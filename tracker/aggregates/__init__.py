"""Event-sourced aggregates: one module per kind of case, plus accounts."""
