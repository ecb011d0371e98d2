"""The service layer: commands that check who may do what, and queries returning plain data."""
