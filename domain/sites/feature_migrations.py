"""A data migration that adds a feature to sites' policies once its endpoints exist (a policy
advertises only what is served, SPEC §2). Used by sites/0004, sites/0005."""


def feature_served(served: dict[str, str]):
    """A RunPython function adding `served[slug]` to each listed site's `features`."""

    def forward(apps, schema_editor):
        Site = apps.get_model("sites", "Site")
        for site in Site.objects.filter(slug__in=served).order_by("pk"):
            features = list(site.policy.get("features", []))
            if served[site.slug] not in features:
                site.policy["features"] = [*features, served[site.slug]]
                site.save(update_fields=["policy", "updated_at"])

    return forward
