"""Training, Recognition and Feedback: the pages that follow how people take part."""
