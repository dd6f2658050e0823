"""The deployment check itself (backend.checks), in process: which settings and policies fail.

The fresh-process proof (check --deploy and the server start) is tests/backend/test_start_refusal.
"""

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.db import OperationalError

from backend.checks import deployment_check, refuse_unsafe_start
from backend.keys import DEV_GIFT_APP_SECRET, DEV_SECRET_KEY, gift_app_secrets_parse
from backend.settings.base import private_storage
from domain.sites.models import Site

pytestmark = pytest.mark.django_db
SANDBOX_ERRORS = {"membership.E010", "membership.E012", "membership.E014", "membership.E016"}
NHN = "domain.messaging.backends.nhncloud.NhnCloudSmsBackend"


# The private storage's own messages, tested on their own below: the test settings keep files
# on the file system, which is the one-machine warning.
STORAGE_IDS = {"membership.W003", "membership.E020", "membership.E021"}


def checked() -> list:
    """The deployment check's messages but the private storage's."""
    return [m for m in deployment_check() if m.id not in STORAGE_IDS]


def ids(messages=None) -> set[str]:
    return {m.id for m in (checked() if messages is None else messages)}


@pytest.fixture
def production(settings):
    settings.SANDBOX_PROVIDERS_ALLOWED = False
    settings.SMS_BACKEND = NHN
    return settings


@pytest.mark.parametrize("backend", ["console", "file", "locmem"])
def test_a_local_sms_backend_is_refused_in_production(production, backend):
    production.SMS_BACKEND = backend
    messages = deployment_check()
    assert "membership.E018" in ids(messages)
    assert next(m for m in messages if m.id == "membership.E018").is_serious()


def test_the_staging_opt_in_turns_the_local_sms_backend_into_the_sandbox_warning(production):
    production.SMS_BACKEND = "console"
    production.SANDBOX_PROVIDERS_ALLOWED = True
    messages = deployment_check()
    assert "membership.E018" not in ids(messages)
    warning = next(m for m in messages if m.id == "membership.W001")
    assert "SMS_BACKEND=console" in warning.msg


def edit_policy(slug: str, change) -> None:
    site = Site.objects.get(slug=slug)
    change(site.policy)
    site.save()


def test_the_sandboxes_behind_offered_methods_are_errors(production):
    messages = checked()
    assert ids(messages) == SANDBOX_ERRORS
    assert all(m.is_serious() for m in messages)
    text = {m.id: m.msg for m in messages}
    assert "incheon-water" in text["membership.E016"]
    assert "yongin-library" in text["membership.E014"]


def test_switching_a_method_or_feature_off_in_the_policy_silences_its_error(production):
    edit_policy("yongin-library", lambda p: p.update(sns_providers=[], features=["sns_link"]))
    assert ids() == SANDBOX_ERRORS - {"membership.E012", "membership.E014"}
    Site.objects.filter(slug="incheon-water").update(is_active=False)
    assert ids() == {"membership.E010"}


def test_real_providers_need_their_credentials(production):
    production.IDENTITY_PROVIDER = "portone"
    production.SOCIAL_PROVIDER_BACKEND = "live"
    production.ELIGIBILITY_PROVIDER = "domain.library.eligibility.base.EligibilityProvider"
    assert ids() == {"membership.E011", "membership.E013", "membership.E016"}
    production.PORTONE_API_SECRET = "secret"
    production.PORTONE_STORE_ID = "store"
    production.PORTONE_CHANNEL_KEY = "channel"
    production.KAKAO_CLIENT_ID = "kakao"
    production.NAVER_CLIENT_ID = "naver"
    production.NAVER_CLIENT_SECRET = "naver-secret"
    assert ids() == {"membership.E016"}


def test_a_provider_path_that_cannot_be_loaded_is_an_error(production):
    production.IDENTITY_PROVIDER_IPIN = "nowhere.NoProvider"
    production.ELIGIBILITY_PROVIDER = "nowhere.NoProvider"
    assert {"membership.E011", "membership.E015"} <= ids()


def test_the_staging_opt_in_turns_the_errors_into_one_loud_warning(settings):
    settings.SANDBOX_PROVIDERS_ALLOWED = True
    messages = checked()
    assert ids(messages) == {"membership.W001"}
    assert not messages[0].is_serious()
    assert "SANDBOX PROVIDERS ARE ON" in messages[0].msg


@pytest.mark.parametrize(
    "name,value,error",
    [
        ("DEBUG", True, "membership.E001"),
        ("SECRET_KEY", DEV_SECRET_KEY, "membership.E002"),
        ("SECRET_KEY", "short-key", "membership.E002"),
        ("SECRET_KEY", "a" * 60, "membership.E002"),
        ("IDENTITY_HASH_KEY", "", "membership.E003"),
        ("UNSAFE_ALLOW_SANDBOX_PROVIDERS", "yes", "membership.E004"),
    ],
)
def test_unsafe_settings_are_errors(settings, name, value, error):
    setattr(settings, name, value)
    assert error in ids()


def test_an_unreadable_database_means_the_seed_policies(production, monkeypatch):
    from domain.sites import selectors

    def lost():
        raise OperationalError("no such table: sites_site")

    Site.objects.update(is_active=False)  # would pass, were the database readable
    assert ids() == set()
    monkeypatch.setattr(selectors, "site_list", lost)
    assert ids() == SANDBOX_ERRORS | {"membership.W002"}


def test_refuse_unsafe_start_raises_on_errors_only_where_asked(production):
    production.DEPLOYMENT_CHECKS_ON_START = False
    refuse_unsafe_start()  # local and test settings: runserver loads backend.wsgi too
    production.DEPLOYMENT_CHECKS_ON_START = True
    with pytest.raises(ImproperlyConfigured, match="membership.E010"):
        refuse_unsafe_start()
    production.SANDBOX_PROVIDERS_ALLOWED = True
    refuse_unsafe_start()  # warnings are logged, not fatal


# --- the gift app's callback secrets ---------------------------------------

GOOD_GIFT_SECRET = "gift-app-secret-of-this-deployment-9f8e7d6c5b4a"


@pytest.mark.parametrize(
    "secrets",
    [
        {},
        {"onnuri-biz": []},
        {"onnuri-biz": [DEV_GIFT_APP_SECRET]},
        {"onnuri-biz": ["short-secret"]},
        {"onnuri-biz": [GOOD_GIFT_SECRET, "local-dev-only-previous-secret-xxxxxxxx"]},
        {"yongin-library": [GOOD_GIFT_SECRET]},
    ],
    ids=["none", "empty-list", "dev-value", "short", "weak-previous", "other-site"],
)
def test_a_missing_or_weak_gift_app_secret_is_an_error(production, secrets):
    production.GIFT_APP_SECRETS = secrets
    messages = deployment_check()
    error = next(m for m in messages if m.id == "membership.E019")
    assert error.is_serious()
    assert "onnuri-biz" in error.msg
    assert GOOD_GIFT_SECRET not in error.msg + (error.hint or "")  # never print a secret


def test_a_good_gift_app_secret_passes(production):
    production.GIFT_APP_SECRETS = {"onnuri-biz": [GOOD_GIFT_SECRET]}
    assert "membership.E019" not in ids()


def test_the_staging_opt_in_does_not_excuse_a_missing_gift_app_secret(settings):
    settings.SANDBOX_PROVIDERS_ALLOWED = True
    settings.GIFT_APP_SECRETS = {}
    assert "membership.E019" in ids()


def test_no_gift_app_secret_is_needed_where_dispatches_are_not_offered(production):
    production.GIFT_APP_SECRETS = {}
    edit_policy(
        "onnuri-biz",
        lambda p: p.update(features=[f for f in p["features"] if f != "dispatches"]),
    )
    assert "membership.E019" not in ids()


@pytest.mark.parametrize(
    "raw,parsed",
    [
        ("", {}),
        ('{"onnuri-biz": "one"}', {"onnuri-biz": ["one"]}),
        ('{"onnuri-biz": ["new", "old"]}', {"onnuri-biz": ["new", "old"]}),
    ],
)
def test_the_gift_app_secrets_variable_is_json_by_site(raw, parsed):
    assert gift_app_secrets_parse(raw) == parsed


@pytest.mark.parametrize(
    "raw", ["onnuri-biz=secret", '["secret"]', '{"onnuri-biz": 7}', '{"onnuri-biz": [""]}']
)
def test_a_malformed_gift_app_secrets_variable_stops_the_settings(raw):
    with pytest.raises(ImproperlyConfigured, match="GIFT_APP_SECRETS") as raised:
        gift_app_secrets_parse(raw)
    assert raw not in str(raised.value)  # the value may hold a secret: never echoed


# --- the private storage and the static files -------------------------------------------------


def storage_messages() -> list:
    return [m for m in deployment_check() if m.id in STORAGE_IDS]


def test_private_files_on_the_file_system_are_a_one_machine_warning(production):
    [message] = storage_messages()
    assert message.id == "membership.W003" and not message.is_serious()
    assert "one machine only" in message.msg
    assert "PRIVATE_STORAGE_BUCKET" in message.hint


def test_a_bucket_that_answers_passes(production, s3_storage):
    assert storage_messages() == []


def test_a_missing_bucket_is_an_error(production, s3_storage, settings):
    settings.STORAGES = {
        **settings.STORAGES,
        "private": private_storage(root=settings.PRIVATE_MEDIA_ROOT, bucket="no-such-bucket"),
    }
    [message] = storage_messages()
    assert (message.id, message.is_serious()) == ("membership.E021", True)
    assert "'no-such-bucket'" in message.msg and "404" in message.msg
    assert "create it" in message.hint


def test_an_unreachable_bucket_is_an_error_that_names_the_endpoint(production, storage_down):
    [message] = storage_messages()
    assert (message.id, message.is_serious()) == ("membership.E021", True)
    assert "cannot be reached" in message.msg
    assert production.AWS_S3_ENDPOINT_URL in message.msg
    production.DEPLOYMENT_CHECKS_ON_START = True
    with pytest.raises(ImproperlyConfigured, match="membership.E021"):
        refuse_unsafe_start()


def test_a_bucket_without_credentials_is_an_error(production, storage_down, monkeypatch, tmp_path):
    production.AWS_ACCESS_KEY_ID = production.AWS_SECRET_ACCESS_KEY = None
    for name in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN", "AWS_PROFILE"):
        monkeypatch.delenv(name, raising=False)
    # Nothing else boto3 looks at: no files of this machine, no instance metadata.
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", str(tmp_path / "none"))
    monkeypatch.setenv("AWS_CONFIG_FILE", str(tmp_path / "none"))
    monkeypatch.setenv("AWS_EC2_METADATA_DISABLED", "true")
    production.STORAGES = {**production.STORAGES}  # a fresh storage object
    [message] = storage_messages()
    assert (message.id, message.is_serious()) == ("membership.E020", True)
    assert "AWS_ACCESS_KEY_ID" in message.hint


def test_static_files_not_collected_are_a_warning_in_production(production, tmp_path):
    manifest = "whitenoise.storage.CompressedManifestStaticFilesStorage"
    production.STATIC_ROOT = tmp_path / "static"
    production.STORAGES = {**production.STORAGES, "staticfiles": {"BACKEND": manifest}}
    warning = next(m for m in deployment_check() if m.id == "membership.W004")
    assert not warning.is_serious() and "collectstatic" in warning.hint
    (tmp_path / "static").mkdir()
    (tmp_path / "static" / "staticfiles.json").write_text('{"paths": {}, "version": "1.1"}')
    assert "membership.W004" not in {m.id for m in deployment_check()}
