"""Untrusted files, knowing nothing of the domain: spreadsheets read within
limits, images decoded and re-encoded. It imports no app."""
