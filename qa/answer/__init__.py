"""Answering: question preparation and quote choice."""
