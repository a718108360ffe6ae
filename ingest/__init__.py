"""Every input format becomes one :class:`~ingest.document.Document`.

>>> from ingest import convert_bytes
>>> doc = convert_bytes("Số: 166/KH-UBND".encode(), "a.txt")
>>> doc.text
'Số: 166/KH-UBND'
"""
from ingest.convert import convert_bytes, convert_path
from ingest.document import Block, Document, DocumentBuilder, Page
from ingest.errors import IngestError

__all__ = ["Block", "Document", "DocumentBuilder", "IngestError", "Page", "convert_bytes", "convert_path"]
