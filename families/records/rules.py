"""What a document may be: size and content type, checked on the content (libmagic),
never on the file name the browser sends."""

import magic
from django.conf import settings

# PDF, images, Office and OpenDocument files (issue 13 §2).
ALLOWED_TYPES: dict[str, str] = {
    "application/pdf": "PDF",
    "image/jpeg": "JPEG",
    "image/png": "PNG",
    "image/tiff": "TIFF",
    "image/heic": "HEIC",
    "application/msword": "Word",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document": "Word",
    "application/vnd.ms-excel": "Excel",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": "Excel",
    "application/vnd.ms-powerpoint": "PowerPoint",
    "application/vnd.openxmlformats-officedocument.presentationml.presentation": "PowerPoint",
    "application/vnd.oasis.opendocument.text": "OpenDocument",
    "application/vnd.oasis.opendocument.spreadsheet": "OpenDocument",
}


def max_bytes() -> int:
    return int(settings.DOCUMENT_MAX_BYTES)


def detect_type(content: bytes) -> str:
    """The MIME type libmagic finds in the content."""
    return magic.from_buffer(content[:65536], mime=True)


def is_allowed(content_type: str) -> bool:
    return content_type in ALLOWED_TYPES
