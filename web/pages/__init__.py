"""The HTML pages, one module per area; each a FastAPI router."""
