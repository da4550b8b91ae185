"""Limits in front of authentication, shared by every worker and replica (issue 16 item 4)."""
