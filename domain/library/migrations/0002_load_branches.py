"""Seed the Yongin City public libraries members choose as their home library (가입도서관)."""

from django.db import migrations

BRANCHES = [
    ("central", "용인중앙도서관"), ("giheung", "기흥도서관"), ("suji", "수지도서관"),
    ("pogok", "포곡도서관"), ("mohyeon", "모현도서관"), ("guseong", "구성도서관"),
    ("namsa", "남사도서관"), ("dongbaek", "동백도서관"), ("sanghyeon", "상현도서관"),
    ("seonong", "서농도서관"), ("seongbok", "성복도서관"), ("jukjeon", "죽전도서관"),
    ("cheongdeok", "청덕도서관"), ("heungdeok", "흥덕도서관"), ("bojeong", "보정도서관"),
    ("yeongdeok", "영덕도서관"), ("dongcheon", "동천도서관"), ("yangji", "양지해밀도서관"),
]


def load(apps, schema_editor):
    Site = apps.get_model("sites", "Site")
    LibraryBranch = apps.get_model("library", "LibraryBranch")
    site = Site.objects.filter(slug="yongin-library").first()
    if site is None:
        return
    for order, (code, name) in enumerate(BRANCHES):
        LibraryBranch.objects.get_or_create(
            site=site, code=code, defaults={"name": name, "sort_order": order}
        )


class Migration(migrations.Migration):
    dependencies = [("library", "0001_branches"), ("sites", "0002_load_sites")]

    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
