"""Files shipped with PeerDesk: fonts, icons, demo program data, the user guide.

This folder is installed as the package ``peerdesk.resources`` (see pyproject.toml) and is
read only through ``peerdesk.shipped`` (importlib.resources), never through paths relative
to a checkout, so that it is found the same way in a checkout, a wheel and a bundle.
"""
