"""The web entry point: FastAPI translating HTTP into Tracker commands and queries."""
