"""Image files for dispatch tests (MMS: JPG < 300 KB, ≤ 1500×1440; SPEC §13)."""

import io

from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image


def image_bytes(fmt: str = "JPEG", size: tuple[int, int] = (40, 30), pad_to: int = 0) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", size, (200, 10, 10)).save(buffer, fmt)
    content = buffer.getvalue()
    # Bytes after a JPEG's end marker are ignored by readers: a valid image of any file size.
    return content + b"\0" * max(0, pad_to - len(content))


def image_file(name: str = "gift.jpg", **kwargs) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, image_bytes(**kwargs), content_type="image/jpeg")
