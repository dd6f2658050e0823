"""Changes to the stored site policies made outside the admin (SPEC §2)."""

from __future__ import annotations

from django.db import transaction

from domain.audit.models import AuditEvent
from domain.audit.services import audit_record

from .models import Site
from .policy import SitePolicy


def site_policies_switch_off(*, methods: set[str], features: set[str]) -> list[str]:
    """Drop verification sequences using any of `methods`, and `features`, from every site.

    For a deployment without a real provider behind them (backend.checks): the server refuses to
    start while a policy offers them, so this is done before, with `manage.py`. Each changed
    policy is validated and audited as the admin does; returns the slugs changed.
    """
    changed = []
    with transaction.atomic():
        for site in Site.objects.select_for_update().order_by("pk"):
            policy = site.policy
            before = repr(policy)
            for purposes in policy.get("verification", {}).values():
                for purpose, sequences in purposes.items():
                    purposes[purpose] = [s for s in sequences if not methods & set(s)]
            if "features" in policy:
                policy["features"] = [f for f in policy["features"] if f not in features]
            if repr(policy) == before:
                continue
            SitePolicy.parse(policy)
            site.save(update_fields=["policy", "updated_at"])
            audit_record(
                type=AuditEvent.Type.SITE_POLICY_CHANGED,
                site=site,
                switched_off=sorted(methods | features),
            )
            changed.append(site.slug)
    return changed
