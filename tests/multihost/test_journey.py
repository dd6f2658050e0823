"""`make multihost`: the Onnuri journey across machines that share no disk (docs "Deployment").

Three hosts on this machine, each with a directory of its own (its `VAR_DIR`, so its
`PRIVATE_MEDIA_ROOT` and its texts): two API hosts running the Procfile's `web` (gunicorn,
backend.settings.production with the staging opt-in for the sandbox providers) and one running
its `worker` (django-q2). Shared, as between machines: PostgreSQL (`MULTIHOST_DATABASE_URL`,
dropped and created by each run), Redis as cache and broker (`MULTIHOST_REDIS_URL`, emptied by
each run) and an S3-compatible server started here (moto's threaded server on a free loopback
port of 19100–19149) with the private files' bucket. The `release` line migrates and runs the
deployment check; `seed_demo` gives each site its operator.

Through the public API only, switching hosts at every step:

1. a company signs up with its three documents on API 1;
2. the operator downloads each document on API 2 (the very bytes) and approves;
3. the master buys gifts, uploads recipients and an MMS image and creates an immediate
   dispatch on API 2; the worker sends it: the `file` SMS backend on the worker's host records
   the image's SHA-256 and size, which are the uploaded image's;
4. the S3 server stops: downloads and uploads on either API answer 503 `storage_unavailable`
   with Retry-After, never a 500, and no row is written; the server comes back;
5. an animal-protection member files a name change with evidence on API 1; the operator
   downloads it and approves on API 2.

Afterwards every host's PRIVATE_MEDIA_ROOT is empty and the bucket holds exactly the objects the
database refers to: no row without its object, no object without its row.
"""

from __future__ import annotations

import hashlib
import io
import json
import logging
import os
import re
import secrets
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import boto3
import psycopg
import pytest
import redis
import requests
from moto.server import ThreadedMotoServer
from PIL import Image
from psycopg import sql

from tests.factories.spreadsheets import xlsx_bytes
from tests.ports import free_port
from tests.procfile import Process, procfile, production_env, run, wait_until_answering

pytestmark = pytest.mark.multihost

DATABASE_URL = os.environ.get(
    "MULTIHOST_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/membership_multihost"
)
REDIS_URL = os.environ.get("MULTIHOST_REDIS_URL", "redis://127.0.0.1:6379/14")
PORTS = range(19100, 19150)  # tests/ports.py
BUCKET = "membership-private"
S3_KEYS = {"AWS_ACCESS_KEY_ID": "multihost-key", "AWS_SECRET_ACCESS_KEY": "multihost-secret"}
REGION = "ap-northeast-2"
ONNURI, ANIMAL = "onnuri-biz", "animal-protection"
PASSWORD = "Bright!Sky2024"
MASTER_PHONE = "01055551234"
MEMBER_PHONE = "01012345678"
OPERATOR = {"username": "operator1", "password": "Night#Owl8031"}  # seed_demo's
# Every column that holds a private storage name (domain.common.uploads).
STORED_NAMES = [
    ("corporates_corporate", "registration_certificate"),
    ("corporates_corporate", "headcount_document"),
    ("corporates_bankaccount", "bankbook"),
    ("members_namechangerequest", "evidence"),
    ("dispatches_dispatch", "image"),
    ("messaging_outboxmessage", "image"),
]


# --- the shared services --------------------------------------------------------------------


def database_drop(url: str, *, create: bool = False) -> None:
    """Drop the database of `url` (and create it afresh with `create`)."""
    parts = urlsplit(url)
    name = sql.Identifier(parts.path.lstrip("/"))
    admin = urlunsplit(parts._replace(path="/postgres"))
    with psycopg.connect(admin, autocommit=True, connect_timeout=10) as conn:
        conn.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(name))
        if create:
            conn.execute(sql.SQL("CREATE DATABASE {}").format(name))


def query(statement: str) -> list[tuple]:
    with psycopg.connect(DATABASE_URL, connect_timeout=10) as conn:
        return conn.execute(statement).fetchall()


def stored_names() -> set[str]:
    return {
        name
        for table, column in STORED_NAMES
        for (name,) in query(f"SELECT {column} FROM {table} WHERE {column} <> ''")  # noqa: S608
    }


class S3Server:
    """moto's S3 on a loopback port; stopped and started again on the same port, it keeps its
    objects (they live in this process)."""

    def __init__(self) -> None:
        self.port = free_port(PORTS)
        self.url = f"http://127.0.0.1:{self.port}"
        self.server: ThreadedMotoServer | None = None

    def start(self) -> None:
        self.server = ThreadedMotoServer(ip_address="127.0.0.1", port=self.port, verbose=False)
        self.server.start()

    def stop(self) -> None:
        if self.server is not None:
            self.server.stop()
            self.server = None

    def bucket(self):
        resource = boto3.resource(
            "s3",
            endpoint_url=self.url,
            region_name=REGION,
            aws_access_key_id=S3_KEYS["AWS_ACCESS_KEY_ID"],
            aws_secret_access_key=S3_KEYS["AWS_SECRET_ACCESS_KEY"],
        )
        return resource.Bucket(BUCKET)


class Deployment:
    def __init__(self, root: Path, s3: S3Server) -> None:
        self.root = root
        self.s3 = s3
        self.hosts = {name: root / name for name in ("api1", "api2", "worker")}
        self.ports = {"api1": free_port(PORTS), "api2": 0}
        self.ports["api2"] = free_port(range(self.ports["api1"] + 1, PORTS.stop))
        self.processes: list[Process] = []
        # One deployment: every host has the same keys.
        self.keys = {
            "SECRET_KEY": secrets.token_urlsafe(48),
            "IDENTITY_HASH_KEY": secrets.token_urlsafe(48),
        }

    def env(self, host: str) -> dict[str, str]:
        return production_env(
            self.hosts[host],
            DATABASE_URL=DATABASE_URL,
            REDIS_URL=REDIS_URL,
            PRIVATE_STORAGE_BUCKET=BUCKET,
            AWS_S3_ENDPOINT_URL=self.s3.url,
            AWS_S3_REGION_NAME=REGION,
            SMS_BACKEND="file",
            PORT=str(self.ports.get(host, 0)),
            WEB_CONCURRENCY="2",
            Q_WORKERS="2",
            **S3_KEYS,
            **self.keys,
        )

    def origin(self, host: str) -> str:
        return f"http://127.0.0.1:{self.ports[host]}"

    def private_roots(self) -> list[Path]:
        return [path / "var" / "private" for path in self.hosts.values()]

    def texts(self) -> Path:
        """Where the worker's `file` SMS backend writes (its own VAR_DIR)."""
        return self.hosts["worker"] / "var" / "sms"

    def start(self) -> None:
        release = self.root / "release.log"
        run(procfile()["release"], self.env("api1"), log=release)
        run("python manage.py seed_demo", self.env("api1"), log=release)
        # Each API host collects the static files its `web` process serves (docs "Deployment").
        with ThreadPoolExecutor() as pool:
            collected = [
                pool.submit(
                    run,
                    "python manage.py collectstatic --noinput",
                    self.env(host),
                    log=self.root / f"{host}-collectstatic.log",
                )
                for host in ("api1", "api2")
            ]
        for done in collected:
            done.result()
        for host in ("api1", "api2"):
            web = Process("web", self.env(host), log=self.root / f"{host}.log")
            self.processes.append(web)
        worker = Process("worker", self.env("worker"), log=self.root / "worker.log")
        self.processes.append(worker)
        for host, web in zip(("api1", "api2"), self.processes, strict=False):
            wait_until_answering(self.origin(host), web)

    def logs(self) -> str:
        return "\n".join(f"--- {p.log.name}\n{p.output()[-3000:]}" for p in self.processes)

    def stop(self) -> None:
        for process in self.processes:
            process.stop()


@pytest.fixture(scope="module")
def deployment(request, tmp_path_factory):
    """The three hosts, started; afterwards stopped, and the database and Redis database
    emptied again unless a test failed (then they are left for inspection)."""
    logging.getLogger("werkzeug").setLevel(logging.WARNING)  # moto's request lines
    failed = request.session.testsfailed
    database_drop(DATABASE_URL, create=True)
    broker = redis.Redis.from_url(REDIS_URL)
    broker.flushdb()
    s3 = S3Server()
    s3.start()
    s3.bucket().create(CreateBucketConfiguration={"LocationConstraint": REGION})
    deployment = Deployment(tmp_path_factory.mktemp("multihost"), s3)
    try:
        deployment.start()
        yield deployment
    finally:
        deployment.stop()
        s3.stop()
        if request.session.testsfailed == failed:
            database_drop(DATABASE_URL)
            broker.flushdb()


# --- a client of the public API -------------------------------------------------------------


class Client:
    """One caller of the API on one host (a SPA tab), with its bearer token once logged in."""

    def __init__(self, deployment: Deployment, host: str, site: str, token: str = "") -> None:
        self.deployment = deployment
        self.base = f"{deployment.origin(host)}/api/v1/sites/{site}/"
        self.site = site
        self.token = token

    def on(self, host: str) -> Client:
        """The same caller on another host: the token works on every machine."""
        return Client(self.deployment, host, self.site, self.token)

    def request(self, method: str, path: str, **kwargs) -> requests.Response:
        headers = kwargs.pop("headers", {})
        if self.token:
            headers["Authorization"] = f"Bearer {self.token}"
        return requests.request(method, self.base + path, headers=headers, timeout=60, **kwargs)

    def call(self, method: str, path: str, expected: int, **kwargs):
        response = self.request(method, path, **kwargs)
        assert response.status_code == expected, (
            f"{method} {path}: {response.status_code} {response.text[:800]}\n"
            + self.deployment.logs()
        )
        return (
            response.json()
            if response.headers.get("Content-Type", "").startswith("application/json")
            else response.content
        )

    def verified(self, purpose: str, person: dict | None = None, method: str = "mobile") -> str:
        """A sandbox verification (SPEC §12: code 000000), or an SMS code texted by the worker."""
        before = texts_now(self.deployment)
        started = self.call(
            "POST", "verifications/", 201, json={"purpose": purpose, "method": method}
        )
        if method == "sms_code":
            body = {"code": texted_code(self.deployment, since=before)}
        else:
            body = {
                "code": "000000",
                "identity": {**person, "nationality": "domestic", "carrier": "SKT"},
            }
        confirmed = self.call("POST", f"verifications/{started['id']}/confirm/", 200, json=body)
        return confirmed["verification_token"]

    def consents(self, kind: str) -> list[dict]:
        documents = self.call("GET", "consent-documents/", 200, params={"kind": kind})
        return [{"document": d["code"], "version": d["version"], "agreed": True} for d in documents]

    def log_in(self, username: str, password: str) -> Client:
        before = texts_now(self.deployment)
        answer = self.call(
            "POST", "auth/token/", 200, json={"username": username, "password": password}
        )
        if answer.get("otp_required"):  # onnuri-biz: the SMS step (SPEC §5)
            code = texted_code(self.deployment, since=before)
            answer = self.call(
                "POST",
                "auth/token/otp/",
                200,
                json={"verification_id": answer["verification_id"], "code": code},
            )
        self.token = answer["access"]
        return self


def texts_now(deployment: Deployment) -> set[Path]:
    return set(deployment.texts().glob("*.json"))


def texted(deployment: Deployment, *, since: set[Path], seconds: float = 60) -> list[dict]:
    """The texts the worker wrote after `since` (waiting for at least one)."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        new = sorted(texts_now(deployment) - since, key=lambda p: p.stat().st_mtime)
        if new:
            time.sleep(0.2)  # its siblings of the same batch
            new = sorted(texts_now(deployment) - since, key=lambda p: p.stat().st_mtime)
            return [json.loads(path.read_text()) for path in new]
        time.sleep(0.2)
    raise AssertionError("the worker wrote no text\n" + deployment.logs())


def texted_code(deployment: Deployment, *, since: set[Path]) -> str:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        for text in texted(deployment, since=since):
            found = re.search(r"\[(\d{6})\]", text["body"])
            if found:
                return found.group(1)
        time.sleep(0.2)
    raise AssertionError("no code was texted\n" + deployment.logs())


def texts_since(deployment: Deployment, since: set[Path]) -> list[dict]:
    return [json.loads(path.read_text()) for path in sorted(texts_now(deployment) - since)]


# --- what is uploaded -------------------------------------------------------------------------


def pdf(label: str) -> bytes:
    """A PDF of its own (the uploads check the type by content: SPEC §14)."""
    return f"%PDF-1.4\n% {label} {uuid.uuid4().hex}\n%%EOF\n".encode()


def picture(fmt: str, size: tuple[int, int]) -> bytes:
    image = Image.effect_noise(size, 64).convert("RGB")
    buffer = io.BytesIO()
    image.save(buffer, fmt, quality=80) if fmt == "JPEG" else image.save(buffer, fmt)
    return buffer.getvalue()


def company_form(client: Client, *, name: str, number: str, username: str, phone: str):
    """(data, files) of a company sign-up (manual 004 §1.1) with its three documents."""
    person = {"name": "김담당", "birth_date": "1985-02-02", "phone": phone, "gender": "male"}
    documents = {
        "registration_certificate": ("사업자등록증.pdf", pdf("certificate"), "application/pdf"),
        "headcount_document": ("가입자명부.pdf", pdf("headcount"), "application/pdf"),
        "bankbook": ("통장사본.png", picture("PNG", (60, 40)), "image/png"),
    }
    data = {
        "company_name": name,
        "business_number": number,
        "representative_name": "김대표",
        "representative_phone": "02-1234-5678",
        "bank_code": "089",
        "account_number": "700-100-12345",
        "account_holder": name,
        "headcount_document_type": "subscriber_list",
        "headcount": 120,
        "department": "총무팀",
        "position": "대리",
        "email": f"{username}@example.com",
        "username": username,
        "password": PASSWORD,
        "password_confirm": PASSWORD,
        "verification_token": client.verified("sign_up", person),
        "consents": json.dumps(client.consents("corporate_manager")),
    }
    return data, documents


def assert_storage_unavailable(response: requests.Response) -> None:
    assert response.status_code == 503, response.text[:800]
    body = response.json()
    assert body["type"] == "server_error"
    assert [e["code"] for e in body["errors"]] == ["storage_unavailable"]
    assert response.headers["Retry-After"] == "30"


def count(table: str) -> int:
    return query(f"SELECT count(*) FROM {table}")[0][0]  # noqa: S608


def wait_for(check, *, what: str, deployment: Deployment, seconds: float = 90):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if value := check():
            return value
        time.sleep(0.3)
    raise AssertionError(f"gave up waiting for {what}\n{deployment.logs()}")


PEOPLE = [("김정수", "010-1111-0001", 10_000), ("이영희", "010-1111-0002", 20_000)]
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


# --- the journey ------------------------------------------------------------------------------


def test_the_onnuri_journey_across_hosts_that_share_no_disk(deployment):
    d = deployment
    bucket = d.s3.bucket()
    seeded = {item.key for item in bucket.objects.all()}  # the demo company's papers

    # 1. A company signs up with its three documents on API 1.
    applicant = Client(d, "api1", ONNURI)
    data, documents = company_form(
        applicant,
        name="(주)멀티호스트",
        number="124-81-00998",
        username="bizmaster1",
        phone=MASTER_PHONE,
    )
    files = {field: file for field, file in documents.items()}
    corporate = applicant.call("POST", "corporates/", 201, data=data, files=files)["id"]
    assert len({item.key for item in bucket.objects.all()} - seeded) == 3

    # 2. The operator downloads each document on API 2 (the very bytes), then approves.
    operator = Client(d, "api2", ONNURI).log_in(**OPERATOR)
    for kind, (_, content, _) in documents.items():
        assert operator.call("GET", f"corporates/{corporate}/documents/{kind}/", 200) == content
    operator.call("POST", f"corporates/{corporate}/approve/", 200)

    # 3. The master buys, uploads recipients and an MMS image, and creates an immediate
    #    dispatch on API 2; the worker sends it with the image's bytes.
    master = Client(d, "api1", ONNURI).log_in("bizmaster1", PASSWORD)
    key = {"Idempotency-Key": uuid.uuid4().hex}
    purchase = master.call("POST", "purchases/", 201, json={"amount": 1_000_000}, headers=key)
    operator.call("POST", f"purchases/{purchase['id']}/approve/", 200)
    master = master.on("api2")
    sheet = ("받는고객.xlsx", xlsx_bytes(PEOPLE), XLSX)
    upload = master.call("POST", "dispatches/recipients/upload/", 201, files={"file": sheet})
    image = picture("JPEG", (320, 240))
    before = texts_now(d)
    dispatch = master.call(
        "POST",
        "dispatches/",
        201,
        data={
            "title": "설 선물",
            "send_type": "immediate",
            "subject": "설 선물",
            "body": "설 선물을 보내드립니다.",
            "upload": upload["id"],
            "verification_token": master.verified("dispatch_send", method="sms_code"),
        },
        files={"image": ("선물.jpg", image, "image/jpeg")},
        headers={"Idempotency-Key": uuid.uuid4().hex},
    )
    assert dispatch["kind"] == "mms"
    wait_for(
        lambda: master.call("GET", f"dispatches/{dispatch['id']}/", 200)["status"] == "completed",
        what="the worker to send the dispatch",
        deployment=d,
    )
    gifts = [text for text in texts_since(d, before) if text["kind"] == "mms"]
    assert sorted(text["to"] for text in gifts) == ["01011110001", "01011110002"]
    sent = {(text["image_sha256"], text["image_size"]) for text in gifts}
    assert sent == {(hashlib.sha256(image).hexdigest(), len(image))}

    # An animal-protection member (no file yet) and a name change they will file.
    member = Client(d, "api1", ANIMAL)
    policy = member.call("GET", "", 200)["policy"]
    method = policy["verification"]["individual"]["sign_up"][0][-1]
    person = {"name": "홍길동", "birth_date": "1990-01-01", "phone": MEMBER_PHONE, "gender": "male"}
    member.call(
        "POST",
        "members/",
        201,
        json={
            "kind": "individual",
            "username": "animalfan1",
            "password": PASSWORD,
            "password_confirm": PASSWORD,
            "verification_token": member.verified("sign_up", person, method=method),
            "consents": member.consents("individual"),
            "email": "animalfan1@example.com",
            "address": {"postal_code": "21999", "road": "인천광역시 연수구 1", "detail": "1"},
        },
    )
    member.log_in("animalfan1", PASSWORD)
    renamed = {**person, "name": "홍길순"}
    evidence = ("개명허가서.pdf", pdf("evidence"), "application/pdf")
    name_change = {
        "requested_name": "홍길순",
        "verification_token": member.verified("profile_update", renamed),
    }

    # 4. The S3 server stops: coded 503s on either host, nothing written; then it comes back.
    rows = {table: count(table) for table, _ in STORED_NAMES}
    d.s3.stop()
    try:
        for host in ("api1", "api2"):
            assert_storage_unavailable(
                operator.on(host).request("GET", f"corporates/{corporate}/documents/bankbook/")
            )
        assert_storage_unavailable(
            member.request(
                "POST", "name-change-requests/", data=name_change, files={"evidence": evidence}
            )
        )
        other = Client(d, "api2", ONNURI)
        data, documents = company_form(
            other,
            name="(주)장애중",
            number="220-81-62517",
            username="bizmaster2",
            phone="01055559999",
        )
        assert_storage_unavailable(other.request("POST", "corporates/", data=data, files=documents))
        test_send = {"subject": "", "body": "테스트입니다."}
        assert_storage_unavailable(
            master.on("api1").request(
                "POST",
                "dispatches/test-send/",
                data=test_send,
                files={"image": ("선물.jpg", picture("JPEG", (64, 48)), "image/jpeg")},
            )
        )
    finally:
        d.s3.start()
    assert {table: count(table) for table, _ in STORED_NAMES} == rows
    assert count("corporates_corporate") == rows["corporates_corporate"]

    # 5. The name change is filed on API 1 (the same verification: the refused try used
    #    nothing), the operator downloads the evidence and approves on API 2.
    filed = member.call(
        "POST", "name-change-requests/", 201, data=name_change, files={"evidence": evidence}
    )
    staff = Client(d, "api2", ANIMAL).log_in(**OPERATOR)
    got = staff.call("GET", f"name-change-requests/{filed['id']}/evidence/", 200)
    assert got == evidence[1]
    staff.call("POST", f"name-change-requests/{filed['id']}/approve/", 200)
    assert member.call("GET", "members/me/", 200)["name"] == "홍길순"

    # No host keeps a private file; the bucket holds exactly what the rows refer to.
    for root in d.private_roots():
        assert not root.exists() or not any(path.is_file() for path in root.rglob("*")), root
    assert {item.key for item in bucket.objects.all()} == stored_names()
    for process in d.processes:
        assert process.alive(), process.output()[-3000:]
        assert "Internal Server Error" not in process.output()
        assert "Traceback" not in process.output()
