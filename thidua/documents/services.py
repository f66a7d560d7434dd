"""What the documents app records: every document handed to a reader goes into the audit trail."""

from __future__ import annotations

import hashlib

from thidua.campaigns.models import Campaign
from thidua.core.audit import log_action
from thidua.core.models import AuditEntry
from thidua.documents.registry import Kind, Options

DOWNLOAD = "campaign_document.download"


def download_record(*, actor, campaign: Campaign, kind: Kind, options: Options, name: str, data: bytes) -> AuditEntry:
    """Who downloaded which document of the campaign, written with which options, and the SHA-256
    of the exact bytes handed out (a printed or forwarded copy can be matched to its download)."""
    options_used = {
        "approved_only": options.approved_only,
        "as_of": options.as_of,
        "decision": options.decision.pk if options.decision is not None else None,
        "decision_number": options.decision.number if options.decision is not None else None,
        "unit": options.unit.code if options.unit is not None else None,
    }
    return log_action(
        actor=actor,
        action=DOWNLOAD,
        obj=campaign,
        changes={
            "kind": [None, kind.slug],
            **{key: [None, value] for key, value in options_used.items() if value is not None},
            "file": [None, name],
            "size": [None, len(data)],
            "sha256": [None, hashlib.sha256(data).hexdigest()],
        },
    )
