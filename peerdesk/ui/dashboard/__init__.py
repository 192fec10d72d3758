"""The Dashboard page."""
