"""Limits in front of authentication, shared by every worker and replica."""
