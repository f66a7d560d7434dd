"""Uploaded documents on S3-compatible object storage (THIDUA_S3_BUCKET): the same content-addressed
store, against a real S3 server over HTTP (moto's server mode, started by the test): upload,
download, the milestone's ZIP, a failed transaction leaving nothing, reconciliation."""

from __future__ import annotations

import hashlib
import io
import socket
import zipfile

import boto3
import pytest
from moto.server import ThreadedMotoServer

from tests.test_submissions_pages import pdf_bytes
from thidua.core import files
from thidua.core.models import StoredFile

BUCKET = "thidua-files"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def s3_server():
    port = _free_port()
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=port, verbose=False)
    server.start()
    endpoint = f"http://127.0.0.1:{port}"
    boto3.client(
        "s3", endpoint_url=endpoint, region_name="us-east-1", aws_access_key_id="k", aws_secret_access_key="s"
    ).create_bucket(Bucket=BUCKET)
    yield endpoint
    server.stop()


@pytest.fixture
def s3(s3_server, settings):
    settings.STORAGES = {
        **settings.STORAGES,
        "files": {
            "BACKEND": "storages.backends.s3.S3Storage",
            "OPTIONS": {
                "bucket_name": BUCKET, "endpoint_url": s3_server, "region_name": "us-east-1",
                "access_key": "k", "secret_key": "s", "location": "thidua", "default_acl": None,
                "file_overwrite": True,
            },
        },
    }  # fmt: skip
    client = boto3.client(
        "s3", endpoint_url=s3_server, region_name="us-east-1", aws_access_key_id="k", aws_secret_access_key="s"
    )
    yield client
    for obj in client.list_objects_v2(Bucket=BUCKET).get("Contents", []):
        client.delete_object(Bucket=BUCKET, Key=obj["Key"])


def _object(client, sha: str) -> bytes:
    return client.get_object(Bucket=BUCKET, Key=f"thidua/{files.key_for(sha)}")["Body"].read()


@pytest.mark.django_db
def test_a_document_goes_to_the_bucket_and_comes_back(s3, seed_campaign, demo_tree, settings, tmp_path):
    from thidua.submissions.services import submission_create

    settings.MEDIA_ROOT = tmp_path  # nothing may land on the local disk
    seed_campaign.status = seed_campaign.Status.PUBLISHED
    seed_campaign.save(update_fields=["status"])
    data = pdf_bytes("Kế hoạch Nhà Bè")
    submission = submission_create(
        actor=None, milestone=seed_campaign.milestones.get(code="KH"), unit=demo_tree["HD-NHABE"],
        uploads=[("ke-hoach.pdf", data)], notify=False,
    )  # fmt: skip
    sha = hashlib.sha256(data).hexdigest()
    assert _object(s3, sha) == data
    assert not list(tmp_path.rglob("*")), "the local disk is not used"
    stored = submission.files.get().stored
    response = files.download_response(stored, "ke-hoach.pdf")
    assert b"".join(response.streaming_content) == data
    archive = zipfile.ZipFile(io.BytesIO(b"".join(files.zip_stream([("a/ke-hoach.pdf", files.Stored(sha))]))))
    assert archive.read("a/ke-hoach.pdf") == data
    assert files.read(sha) == data and files.read("0" * 64) is None


@pytest.mark.django_db
def test_a_failed_transaction_leaves_nothing_and_reconciliation_cleans_orphans(s3):
    good, orphan = files.check_upload("a.pdf", pdf_bytes("a")), files.check_upload("b.pdf", pdf_bytes("b"))
    with pytest.raises(RuntimeError), files.stored_first([good]):
        raise RuntimeError("the transaction failed")
    assert s3.list_objects_v2(Bucket=BUCKET).get("KeyCount", 0) == 0
    with files.stored_first([good]):
        files.stored_file(good)
    files.write(orphan)  # a crash between the write and the row
    StoredFile.objects.create(sha256="f" * 64, size=1, kind="pdf")  # a row whose bytes are gone
    result = files.reconcile(grace_seconds=0)
    assert result == {"removed": [orphan.sha256], "missing": ["f" * 64]}
    assert _object(s3, good.sha256) == good.data
    assert files.exists(good.sha256) and not files.exists(orphan.sha256)
