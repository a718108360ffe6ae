"""One module per format; each exposes ``convert(data: bytes, source: str) -> Document``."""
