"""Programs beyond the store: closing cohorts, the meeting plans PeerDesk ships."""
