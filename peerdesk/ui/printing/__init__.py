"""Reports and certificates: the Reports page, report periods, previews, certificate rules."""
