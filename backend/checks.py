"""Production refuses unsafe configuration (SPEC §12, §14).

One deployment check, run by `manage.py check --deploy` and, because gunicorn and uvicorn run no
system checks, by backend.wsgi / backend.asgi before they serve (`refuse_unsafe_start`). Errors:
DEBUG on; a public or weak SECRET_KEY; a missing IDENTITY_HASH_KEY; a missing or weak
GIFT_APP_SECRETS entry for a site that offers dispatches (whoever knows it can mark any gift
received or refused); a sandbox (or unconfigured)
identity, social, eligibility or business-certificate provider behind a method or feature some
active site's policy offers — unless UNSAFE_ALLOW_SANDBOX_PROVIDERS opts in (staging), which is
then a warning. Methods without a real provider yet (the business certificate) are switched off
in the site policy instead. `migrate` and `qcluster` do not run it: a policy can be fixed first.

The private files' storage (STORAGES["private"], SPEC §14 uploads): a bucket that cannot be
reached, or not with the credentials given, is an error (every upload and download would fail);
the file system is a warning, for it holds one machine's files only. Static files not collected
(no manifest) are a warning: the admin and Swagger UI would not render.

Site policies live in the database. When it cannot be read (before the first `migrate`, or the
database is down) the check assumes the policies `migrate` loads (domain/sites/catalogue.py):
they offer every method, so the check fails closed.
"""

from __future__ import annotations

import logging
from collections import defaultdict

from django.conf import settings
from django.core import checks
from django.core.exceptions import ImproperlyConfigured
from django.db import DatabaseError, connections

from backend.keys import key_weakness

logger = logging.getLogger(__name__)

TAG = "deployment"
OPT_IN = "UNSAFE_ALLOW_SANDBOX_PROVIDERS"
IDENTITY_METHODS = ("mobile", "ipin", "card", "google")
SOCIAL_PROVIDERS = ("kakao", "naver")
SWITCH_OFF = "manage.py site_policies_switch_off"  # the site policies without a method/feature


@checks.register(TAG, checks.Tags.security, deploy=True)
def deployment_check(app_configs=None, **kwargs) -> list[checks.CheckMessage]:
    messages = _settings_errors()
    offered, source = _offered()
    if source:
        messages.append(
            checks.Warning(
                f"Site policies could not be read from the database ({source}); checked the "
                "policies `migrate` loads instead.",
                id="membership.W002",
            )
        )
    sandboxes, broken = _provider_problems(offered)
    sandboxes += _sms_problems()
    messages += broken
    messages += _gift_app_problems(offered)
    messages += _storage_problems()
    messages += _static_problems()
    if sandboxes and settings.SANDBOX_PROVIDERS_ALLOWED:
        messages.append(
            checks.Warning(
                "SANDBOX PROVIDERS ARE ON: " + "; ".join(s.msg for s in sandboxes),
                hint=f"{OPT_IN} allows them: a staging deployment only, never production.",
                id="membership.W001",
            )
        )
    elif sandboxes:
        messages += sandboxes
    return messages


def refuse_unsafe_start() -> None:
    """Run the deployment check; raise ImproperlyConfigured (no start) on any error."""
    if not getattr(settings, "DEPLOYMENT_CHECKS_ON_START", True):
        return
    try:
        found = checks.run_checks(tags=[TAG], include_deployment_checks=True)
    finally:
        # The policies were read in the server's main thread, which serves no request and so
        # would keep the connection for good: one more per worker than its threads.
        connections.close_all()
    errors = [m for m in found if m.is_serious() and not m.is_silenced()]
    for message in found:
        if message not in errors:
            logger.warning("%s", message)
    if errors:
        raise ImproperlyConfigured(
            "Refusing to start with an unsafe configuration (README, production):\n"
            + "\n".join(str(error) for error in errors)
        )


def _settings_errors() -> list[checks.CheckMessage]:
    errors: list[checks.CheckMessage] = []
    if settings.DEBUG:
        errors.append(
            checks.Error(
                "DEBUG is on: error pages would show settings and code.",
                hint="Unset DEBUG (backend.settings.production forces it off).",
                id="membership.E001",
            )
        )
    if weakness := key_weakness(settings.SECRET_KEY):
        errors.append(
            checks.Error(
                f"SECRET_KEY {weakness}: anyone could sign sessions and JWTs.",
                hint="Set SECRET_KEY to a long random value of this deployment's own.",
                id="membership.E002",
            )
        )
    if weakness := key_weakness(settings.IDENTITY_HASH_KEY):
        errors.append(
            checks.Error(
                f"IDENTITY_HASH_KEY {weakness}: it keys the hashes of CI/DI and one-time codes.",
                hint="Set IDENTITY_HASH_KEY to a long random value, separate from SECRET_KEY, "
                "and keep it stable (changing it orphans every stored CI/DI hash).",
                id="membership.E003",
            )
        )
    opt_in = getattr(settings, OPT_IN, "")
    if opt_in and opt_in != settings.SANDBOX_OPT_IN_VALUE:
        errors.append(
            checks.Error(
                f"{OPT_IN} is set but not to {settings.SANDBOX_OPT_IN_VALUE!r}.",
                hint="Unset it in production; a staging deployment sets exactly that value.",
                id="membership.E004",
            )
        )
    return errors


class Offered:
    """What the active sites' policies offer, each with the sites that offer it."""

    def __init__(self, policies) -> None:
        self.methods: dict[str, list[str]] = defaultdict(list)
        self.sns: dict[str, list[str]] = defaultdict(list)
        self.features: dict[str, list[str]] = defaultdict(list)
        for slug, policy in policies:
            methods = {
                method
                for purposes in policy.verification.values()
                for sequences in purposes.values()
                for sequence in sequences
                for method in sequence
            }
            for method in sorted(methods):
                self.methods[method].append(slug)
            for provider in policy.sns_providers:
                self.sns[provider].append(slug)
            for feature in policy.features:
                self.features[feature].append(slug)


def _offered() -> tuple[Offered, str]:
    """The active sites' policies, or the seed policies when the database cannot be read."""
    from domain.sites.catalogue import SITES
    from domain.sites.policy import SitePolicy
    from domain.sites.selectors import site_list

    try:
        return Offered([(site.slug, site.rules) for site in site_list()]), ""
    except DatabaseError as exc:
        seeds = [(seed["slug"], SitePolicy.parse(seed["policy"])) for seed in SITES]
        return Offered(seeds), type(exc).__name__


def _provider_problems(offered: Offered) -> tuple[list[checks.Error], list[checks.Error]]:
    """(sandboxes in use, providers that cannot work) for what the sites offer."""
    from domain.library.eligibility import eligibility_provider_class
    from domain.members.social import social_provider_class
    from domain.verifications.providers import identity_provider_class
    from domain.verifications.services import SANDBOX_ONLY_METHODS

    sandboxes: list[checks.Error] = []
    broken: list[checks.Error] = []

    by_class: dict[type, list[str]] = defaultdict(list)
    for method in IDENTITY_METHODS:
        if method not in offered.methods:
            continue
        try:
            by_class[identity_provider_class(method)].append(method)
        except ImportError as exc:
            broken.append(_unloadable(f"IDENTITY_PROVIDER for {method}", exc, "E011"))
    for provider_class, methods in by_class.items():
        sites = _sites(offered.methods, methods)
        if getattr(provider_class, "sandbox", False):
            sandboxes.append(
                checks.Error(
                    f"The sandbox identity provider serves {', '.join(methods)} (offered by "
                    f"{sites}): confirm with code 000000 verifies anyone.",
                    hint="Set IDENTITY_PROVIDER=portone (or IDENTITY_PROVIDER_<METHOD>) with "
                    f"PORTONE_*, or switch the method off: {SWITCH_OFF} <method>.",
                    id="membership.E010",
                )
            )
        else:
            broken += _missing_settings(provider_class, f"identity provider ({sites})", "E011")

    social = [p for p in SOCIAL_PROVIDERS if p in offered.sns]
    try:
        social_classes = {p: social_provider_class(p) for p in social}
    except ImproperlyConfigured as exc:
        broken.append(checks.Error(str(exc), id="membership.E013"))
        social_classes = {}
    if any(getattr(c, "sandbox", False) for c in social_classes.values()):
        sandboxes.append(
            checks.Error(
                f"The sandbox social provider serves {', '.join(social)} (offered by "
                f"{_sites(offered.sns, social)}): code ok-<id> logs in as whoever linked <id>.",
                hint="Set SOCIAL_PROVIDER_BACKEND=live with KAKAO_* / NAVER_*, or remove them "
                "from the site policy's sns_providers (Django admin → Sites).",
                id="membership.E012",
            )
        )
    else:
        for provider, provider_class in social_classes.items():
            broken += _missing_settings(provider_class, f"{provider} login", "E013")

    if "library_upgrades" in offered.features:
        sites = ", ".join(offered.features["library_upgrades"])
        try:
            provider_class = eligibility_provider_class()
        except ImportError as exc:
            broken.append(_unloadable("ELIGIBILITY_PROVIDER", exc, "E015"))
        else:
            if getattr(provider_class, "sandbox", False):
                sandboxes.append(
                    checks.Error(
                        f"The sandbox eligibility provider serves library upgrades (offered "
                        f"by {sites}): made-up RRN digits pass the MOIS check.",
                        hint="Set ELIGIBILITY_PROVIDER to a real provider, "
                        f"or switch the feature off: {SWITCH_OFF} library_upgrades.",
                        id="membership.E014",
                    )
                )

    for method in sorted(SANDBOX_ONLY_METHODS):
        if method in offered.methods:
            sandboxes.append(
                checks.Error(
                    f"Verification method {method} has only a sandbox verifier (offered by "
                    f"{', '.join(offered.methods[method])}): anyone can compute its signature.",
                    hint=f"No real verifier exists yet: switch it off: {SWITCH_OFF} {method}.",
                    id="membership.E016",
                )
            )
    return sandboxes, broken


def _sites(offered: dict[str, list[str]], keys) -> str:
    return ", ".join(sorted({site for key in keys for site in offered[key]}))


# SMS backends that deliver nothing to a phone (domain.messaging.sms): development and tests.
LOCAL_SMS_BACKENDS = ("console", "file", "locmem")


def _sms_problems() -> list[checks.Error]:
    """Every site texts login codes and notices (SPEC §4, §14): a local SMS backend in
    production would write one-time codes to logs or files instead of phones."""
    if settings.SMS_BACKEND not in LOCAL_SMS_BACKENDS:
        return []
    return [
        checks.Error(
            f"SMS_BACKEND={settings.SMS_BACKEND}: texts (login and verification codes, "
            "notices) are written locally, not sent to phones.",
            hint="Set SMS_BACKEND=domain.messaging.backends.nhncloud.NhnCloudSmsBackend with "
            "NHN_SMS_APP_KEY and NHN_SMS_SECRET_KEY (or another gateway adapter).",
            id="membership.E018",
        )
    ]


def _unloadable(what: str, exc: Exception, code: str) -> checks.Error:
    return checks.Error(f"{what} cannot be loaded: {exc}", id=f"membership.{code}")


def _missing_settings(provider_class, what: str, code: str) -> list[checks.Error]:
    missing = [
        name
        for name in getattr(provider_class, "required_settings", ())
        if not getattr(settings, name, "")
    ]
    if not missing:
        return []
    return [
        checks.Error(
            f"The {what} needs {', '.join(missing)}, which {'is' if len(missing) == 1 else 'are'} "
            "not set.",
            id=f"membership.{code}",
        )
    ]


def _gift_app_problems(offered: Offered) -> list[checks.Error]:
    """Each site offering dispatches needs the gift app's callback secret of its own (SPEC §7.4):
    without one every callback is refused, with a public or weak one anyone can sign
    receive/refuse callbacks. Not a sandbox: the staging opt-in does not excuse it."""
    errors = []
    for site in offered.features.get("dispatches", []):
        secrets = settings.GIFT_APP_SECRETS.get(site) or []
        weaknesses = [key_weakness(secret) for secret in secrets] or ["is not set"]
        if any(weaknesses):
            # Name the position, never the value.
            why = "; ".join(
                f"secret {index + 1} {weakness}" if len(secrets) > 1 else weakness
                for index, weakness in enumerate(weaknesses)
                if weakness
            )
            errors.append(
                checks.Error(
                    f"GIFT_APP_SECRETS for {site} {why}: the gift app's receive/refuse callbacks "
                    "could be forged (or none accepted).",
                    hint=f'Set GIFT_APP_SECRETS=\'{{"{site}": "<at least 32 random characters>"}}\''
                    ", the secret the gift app signs with (README, gift app callbacks).",
                    id="membership.E019",
                )
            )
    return errors


def _storage_problems() -> list[checks.CheckMessage]:
    """The private storage answers (a bucket), or is the file system: one machine only."""
    from django.core.files.storage import FileSystemStorage, storages
    from storages.backends.s3 import S3Storage

    storage = storages["private"]
    if isinstance(storage, FileSystemStorage):
        return [
            checks.Warning(
                f"Private files are kept on this machine's disk ({storage.location}): one "
                "machine only. A document uploaded through an API process on another machine "
                "is not found here, and an MMS image stored here cannot be sent by a worker "
                "elsewhere.",
                hint="Set PRIVATE_STORAGE_BUCKET (with AWS_S3_ENDPOINT_URL, AWS_ACCESS_KEY_ID, "
                "AWS_SECRET_ACCESS_KEY, AWS_S3_REGION_NAME) to keep them in S3-compatible object "
                "storage; `manage.py private_files_copy` moves the files already here.",
                id="membership.W003",
            )
        ]
    if isinstance(storage, S3Storage):
        return _bucket_problems(storage)
    return []


def _bucket_problems(storage) -> list[checks.Error]:
    """HEAD the bucket with the storage's own client: credentials, endpoint and bucket at once.
    The messages name the bucket and the endpoint, never a key."""
    from botocore.exceptions import (
        BotoCoreError,
        ClientError,
        NoCredentialsError,
        PartialCredentialsError,
    )

    where = f"bucket {storage.bucket_name!r} at {storage.endpoint_url or 'AWS S3'}"
    try:
        storage.connection.meta.client.head_bucket(Bucket=storage.bucket_name)
    except (NoCredentialsError, PartialCredentialsError):
        return [
            checks.Error(
                f"No credentials for the private files' {where}: every upload and download "
                "would fail.",
                hint="Set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY (or give the machine a "
                "role boto3 finds).",
                id="membership.E020",
            )
        ]
    except ClientError as error:
        status = error.response.get("ResponseMetadata", {}).get("HTTPStatusCode")
        hint = {
            403: "The key is refused: check AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY and the "
            "key's rights on the bucket (list, read, write, delete).",
            404: "No such bucket: create it (private) or correct PRIVATE_STORAGE_BUCKET, "
            "AWS_S3_ENDPOINT_URL and AWS_S3_REGION_NAME.",
        }.get(status, "Check AWS_S3_ENDPOINT_URL, AWS_S3_REGION_NAME and the storage itself.")
        return [
            checks.Error(
                f"The private files' {where} answered {status} "
                f"({error.response.get('Error', {}).get('Code', '')}).",
                hint=hint,
                id="membership.E021",
            )
        ]
    except BotoCoreError as error:
        return [
            checks.Error(
                f"The private files' {where} cannot be reached ({type(error).__name__}).",
                hint="Check AWS_S3_ENDPOINT_URL and that this machine reaches the storage.",
                id="membership.E021",
            )
        ]
    return []


def _static_problems() -> list[checks.CheckMessage]:
    """A manifest static storage (production) serves nothing before `collectstatic`."""
    from django.contrib.staticfiles.storage import ManifestFilesMixin, staticfiles_storage

    if not isinstance(staticfiles_storage, ManifestFilesMixin):
        return []
    if staticfiles_storage.exists(staticfiles_storage.manifest_name):
        return []
    return [
        checks.Warning(
            f"No collected static files in {settings.STATIC_ROOT}: the admin and Swagger UI "
            "would fail to render.",
            hint="Run `manage.py collectstatic --noinput` on this machine (docs: Deployment).",
            id="membership.W004",
        )
    ]
