"""Entry point of the PeerDesk bundle: the same `peerdesk` command the package installs."""

import sys

from peerdesk.cli import main

if __name__ == "__main__":
    sys.exit(main())
