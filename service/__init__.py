"""Porch's runtime: the CLI, the HTTP server, the Socket Mode client and the background worker."""
