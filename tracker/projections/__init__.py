"""Read models: each consumes events only and keeps its tables and position in one transaction."""
