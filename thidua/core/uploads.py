"""Upload handlers that compute each file's SHA-256 while its bytes arrive (settings
FILE_UPLOAD_HANDLERS), so storing a document does not read it a second time to name it
(thidua.core.files stores bytes under their hash). The digest is on the uploaded file as `.sha256`;
`files.check_uploads` takes it as a third item: (name, bytes, sha256)."""

from __future__ import annotations

import hashlib

from django.core.files.uploadhandler import MemoryFileUploadHandler, TemporaryFileUploadHandler


class _Hashing:
    def new_file(self, *args, **kwargs):
        self._digest = hashlib.sha256()
        return super().new_file(*args, **kwargs)

    def receive_data_chunk(self, raw_data, start):
        self._digest.update(raw_data)
        return super().receive_data_chunk(raw_data, start)

    def file_complete(self, file_size):
        uploaded = super().file_complete(file_size)
        if uploaded is not None:
            uploaded.sha256 = self._digest.hexdigest()
        return uploaded


class HashingMemoryFileUploadHandler(_Hashing, MemoryFileUploadHandler):
    """Small files, kept in memory (up to FILE_UPLOAD_MAX_MEMORY_SIZE)."""


class HashingTemporaryFileUploadHandler(_Hashing, TemporaryFileUploadHandler):
    """Larger files, streamed to a temporary file."""
