"""Pairings: proposing, adjusting and accepting a round; active pairings and exclusions."""
