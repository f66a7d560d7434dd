"""Upload handlers that compute each file's SHA-256 while its bytes arrive (settings
FILE_UPLOAD_HANDLERS), so storing a document does not read it a second time to name it
(thidua.core.files stores bytes under their hash). The digest is on the uploaded file as `.sha256`;
`files.check_uploads` takes it as a third item: (name, bytes, sha256)."""

from __future__ import annotations

import hashlib

from django.core.files.uploadhandler import MemoryFileUploadHandler, TemporaryFileUploadHandler


class _Hashing:
    # Django reads a multipart body in pieces of the smallest handler's chunk_size (64 KiB by
    # default). Under gunicorn each piece costs a copy of everything its reader holds ahead (up to
    # the whole body): 16 pieces of a 1 MB report copied ~24 MB. 512 KiB pieces: 2 copies; memory
    # per request stays bounded by the piece.
    chunk_size = 512 * 1024

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
