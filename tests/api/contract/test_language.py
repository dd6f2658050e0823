"""Every message under the Korean default is Korean (SPEC §10).

Our own messages: `makemessages` (as `make messages` runs it) finds no string of the code
without a Korean translation, and no fuzzy guess. The libraries' messages that reach clients
(REST framework, simplejwt) are Korean too, and states appear by their translated labels.
"""

import inspect
import re
import shutil
from pathlib import Path

import pytest
import rest_framework_simplejwt
from django.core.management import call_command
from django.utils import translation
from rest_framework import exceptions, fields, pagination, relations, serializers
from rest_framework_simplejwt import exceptions as jwt_exceptions

from api.errors import REST_FRAMEWORK_MESSAGES, SIMPLEJWT_MESSAGES
from backend.settings.base import BASE_DIR
from domain.common.errors import DomainError
from domain.common.transitions import transition_refused
from domain.corporates.models import BankAccount
from domain.members.models import Member
from tests.conftest import bearer_for
from tests.factories.corporates import corporate_with_master, manager_create
from tests.factories.members import MemberFactory

pytestmark = pytest.mark.django_db

HANGUL = re.compile(r"[\uac00-\ud7a3]")
# Sources `make messages` reads (it ignores .venv, tests and var).
NOT_SOURCES = {".venv", "var", "tests", ".git", "__pycache__", ".ci"}
# simplejwt messages no client can meet: start-up configuration errors and admin labels.
SIMPLEJWT_NEVER_ANSWERED = {
    "Cannot create token with no type or lifetime",
    "Invalid algorithm specified",
    "The '{}' setting has been removed. Please refer to '{}' for available settings.",
    "Unrecognized algorithm type '{}'",
    "Unrecognized type '{}', 'leeway' must be of type int, float or timedelta.",
    "You must have cryptography installed to use {}.",
    "jti",
    "user",
    "created at",
    "expires at",
    "Token Blacklist",
    "Outstanding Token",
    "Outstanding Tokens",
    "Token for %(user)s (%(jti)s)",
    "Blacklisted Token",
    "Blacklisted Tokens",
    "Blacklisted token for %(user)s",
}


def korean(message) -> str:
    with translation.override("ko"):
        return str(translation.gettext(message) if isinstance(message, str) else message)


# --- the catalogue ----------------------------------------------------------------------------


def _po_entries(text: str) -> list[dict]:
    """msgid, msgstr(s) and flags of each live entry of a .po file (obsolete `#~` skipped)."""
    entries = []
    for block in text.split("\n\n"):
        lines = [line for line in block.strip().splitlines() if not line.startswith("#~")]
        if not any(line.startswith("msgid ") for line in lines):
            continue
        entry = {"flags": "", "msgid": "", "msgstr": []}
        current = None
        for line in lines:
            if line.startswith("#,"):
                entry["flags"] += line
            elif line.startswith("msgid "):
                current = "msgid"
                entry["msgid"] = line[6:].strip()[1:-1]
            elif line.startswith("msgid_plural "):
                current = None
            elif line.startswith("msgstr"):
                current = "msgstr"
                entry["msgstr"].append(line.split(" ", 1)[1].strip()[1:-1])
            elif line.startswith('"') and current == "msgid":
                entry["msgid"] += line[1:-1]
            elif line.startswith('"') and current == "msgstr":
                entry["msgstr"][-1] += line[1:-1]
        entries.append(entry)
    return entries


def test_makemessages_finds_no_untranslated_string(tmp_path, settings, monkeypatch):
    copy = tmp_path / "project"
    shutil.copytree(
        BASE_DIR,
        copy,
        ignore=lambda folder, names: [
            n for n in names if n in NOT_SOURCES or (Path(folder) == BASE_DIR and n == "schema.yml")
        ],
    )
    settings.LOCALE_PATHS = [copy / "locale"]
    monkeypatch.chdir(copy)
    call_command(
        "makemessages",
        locale=["ko"],
        no_location=True,
        ignore_patterns=[".venv/*", "tests/*", "var/*"],
        verbosity=0,
    )
    entries = _po_entries((copy / "locale/ko/LC_MESSAGES/django.po").read_text())
    messages = [e for e in entries if e["msgid"]]
    assert len(messages) > 150  # the walk really read the code
    untranslated = [e["msgid"] for e in messages if not all(e["msgstr"])]
    fuzzy = [e["msgid"] for e in messages if "fuzzy" in e["flags"]]
    assert untranslated == [], "add their Korean to locale/ko/LC_MESSAGES/django.po"
    assert fuzzy == [], "a guessed translation: write the real one"


def test_our_domain_errors_default_messages_are_korean():
    def subclasses(cls):
        for sub in cls.__subclasses__():
            yield sub
            yield from subclasses(sub)

    import domain.corporates.review  # noqa: F401  (load the areas that define errors)
    import domain.library.upgrades  # noqa: F401
    import domain.members.social  # noqa: F401

    english = [
        f"{cls.__module__}.{cls.__name__}"
        for cls in [DomainError, *subclasses(DomainError)]
        if not HANGUL.search(korean(cls.default_message))
    ]
    assert english == []


# --- the libraries' messages ---------------------------------------------------------------


def _framework_messages() -> dict[str, str]:
    """Every message REST framework and simplejwt can put in an answer, with where it is from."""
    found = {}
    for module in (exceptions, jwt_exceptions):
        for name, cls in vars(module).items():
            if inspect.isclass(cls) and issubclass(cls, exceptions.APIException):
                found[f"{module.__name__}.{name}"] = cls.default_detail
    for module in (fields, relations, serializers):
        for name, cls in vars(module).items():
            for key, message in getattr(cls, "default_error_messages", {}).items():
                found[f"{name}.{key}"] = message
    found["pagination"] = pagination.PageNumberPagination.invalid_page_message
    for message in (*SIMPLEJWT_MESSAGES, *REST_FRAMEWORK_MESSAGES):
        found[message] = message
    return found


def test_framework_messages_are_korean():
    english = {
        where: str(message)
        for where, message in _framework_messages().items()
        if not HANGUL.search(korean(message))
    }
    assert english == {}


def test_every_simplejwt_message_is_translated_or_never_answered():
    import gettext

    catalogue = Path(rest_framework_simplejwt.__file__).parent / "locale/ko_KR/LC_MESSAGES"
    with open(catalogue / "django.mo", "rb") as mo:
        msgids = {m for m in gettext.GNUTranslations(mo)._catalog if isinstance(m, str) and m}
    assert msgids - set(SIMPLEJWT_MESSAGES) - SIMPLEJWT_NEVER_ANSWERED == set()


# --- through the API ------------------------------------------------------------------------

ONNURI = "/api/v1/sites/onnuri-biz/"


def detail(response) -> str:
    return response.json()["errors"][0]["detail"]


def test_a_hidden_capability_is_a_korean_not_found(api):
    master = corporate_with_master(username="langmaster")
    general = manager_create(corporate=master.corporate, username="langgeneral")
    response = api.get(f"{ONNURI}corporate-members/", **bearer_for(general.member))
    assert response.status_code == 404
    assert detail(response) == "찾을 수 없습니다."
    english = api.get(
        f"{ONNURI}corporate-members/", HTTP_ACCEPT_LANGUAGE="en", **bearer_for(general.member)
    )
    assert detail(english) == "Not found."


def test_the_token_of_a_deactivated_account_is_refused_in_korean(api, site_of):
    member = MemberFactory(site=site_of("yongin-library"), username="gone01")
    auth = bearer_for(member)
    Member.objects.filter(pk=member.pk).update(is_active=False)
    response = api.get("/api/v1/sites/yongin-library/members/me/", **auth)
    assert response.status_code == 401
    assert HANGUL.search(detail(response)), detail(response)


def test_a_used_refresh_token_is_refused_in_korean(api, login, site_of):
    MemberFactory(site=site_of("yongin-library"), username="rotate01")
    refresh = login("yongin-library", "rotate01").json()["refresh"]
    url = "/api/v1/sites/yongin-library/auth/token/refresh/"
    assert api.post(url, {"refresh": refresh}, format="json").status_code == 200
    again = api.post(url, {"refresh": refresh}, format="json")
    assert again.status_code == 401
    assert HANGUL.search(detail(again)), detail(again)


def test_a_refused_state_change_names_the_translated_states():
    account = BankAccount(status=BankAccount.Status.DELETED)
    with translation.override("ko"):
        message = str(transition_refused(account, BankAccount.Status.DELETED).message)
    assert "삭제" in message and "deleted" not in message
    with translation.override("en"):
        message = str(transition_refused(account, BankAccount.Status.IN_USE).message)
    assert message == "The status cannot move from Deleted to In use."


def test_a_refused_review_answers_with_labels(api, site_of):
    master = corporate_with_master(username="reviewmaster")
    staff = MemberFactory(site=site_of("onnuri-biz"), username="reviewstaff", staff=True)
    url = f"{ONNURI}corporates/{master.corporate.pk}/approve/"
    response = api.post(url, {}, format="json", **bearer_for(staff))
    assert response.status_code == 409, response.json()
    assert response.json()["errors"][0]["code"] == "invalid_transition"
    assert detail(response) == "현재 상태(승인)에서는 승인(으)로 바꿀 수 없습니다."


def test_a_bad_site_policy_is_explained_in_korean():
    from django.core.exceptions import ValidationError

    from domain.sites.models import Site
    from domain.sites.policy import SitePolicy

    policy = Site.objects.get(slug="yongin-library").policy
    policy["verification"] = {"nobody": {"sign_up": [["mobile"]]}}
    with pytest.raises(ValidationError) as refused, translation.override("ko"):
        SitePolicy.parse(policy)
    with translation.override("ko"):
        assert refused.value.messages == [
            "본인인증 설정에 알 수 없는 회원 유형 'nobody'이(가) 있습니다."
        ]
