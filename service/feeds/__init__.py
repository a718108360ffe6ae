"""Ways out of the service besides JSON: CSV, XLSX, ICS files and outgoing webhooks."""
