"""PeerDesk: the offline desktop tool for running a workplace peer-learning program."""

__version__ = "0.1.0"
