"""Sessions beyond the store: scheduling first meetings, recurrence, importing feedback."""
