"""Real index servers for the end-to-end tests: pypiserver and devpi-server, installed
from requirements/dev.txt, each started once per test session on 127.0.0.1.

These are the private indexes users publish to with a password, so the tests run the
password path against the real thing instead of our fake Warehouse: how each one
answers an upload, a duplicate and bad credentials, and what its simple API looks like.

- :class:`PypiServer` serves one folder of packages; uploads need the user and password
  of an htpasswd file (apr1, which passlib writes without bcrypt). Plain http runs on
  bottle's pick (waitress, which devpi-server brings); ``tls=`` runs it on gunicorn
  with a certificate from a :class:`ThrowawayCA`, as pypiserver's container image
  serves it. Tests share the folder, so each one
  uploads under a project name of its own (:func:`unique_project`).
- :class:`DevpiServer` is one devpi-server; :meth:`DevpiServer.new_index` makes a user's
  index through devpi's REST API (no devpi-client), one per test, which costs a few
  milliseconds.

A server that cannot start is a test failure that quotes the server's log: CI installs
both, so a missing server is a broken setup, never a reason to skip.
"""

from __future__ import annotations

import datetime
import hashlib
import ipaddress
import itertools
import os
import re
import secrets
import socket
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import IO

import requests

HOST = "127.0.0.1"
START_TIMEOUT = 30.0  # seconds; both start in about a second on a 2-core machine
SIMPLE_JSON = "application/vnd.pypi.simple.v1+json"


class ServerFailed(RuntimeError):
    """A server did not start or did not do what a fixture asked of it."""


def _bin(name: str) -> Path:
    """A console script of this environment (the servers come from requirements/dev.txt,
    installed into the same venv as pytest)."""
    path = Path(sys.executable).parent / name
    if not path.exists():
        raise ServerFailed(
            f"{name} is not installed next to {sys.executable}: the real-server tests need "
            "pypiserver and devpi-server from requirements/dev.txt (make .venv/bin/publisher)"
        )
    return path


def free_port() -> int:
    """A port that was free a moment ago (the server binds it right after)."""
    with socket.socket() as sock:
        sock.bind((HOST, 0))
        port: int = sock.getsockname()[1]
        return port


def unique_project(prefix: str) -> str:
    """A project name no other test of this session uses (servers are shared)."""
    return f"{prefix}-{next(_counter)}-{secrets.token_hex(3)}"


_counter = itertools.count(1)


def sha256_of(path: Path) -> str:
    """The hex sha256 of a file."""
    return hashlib.sha256(path.read_bytes()).hexdigest()


class ThrowawayCA:
    """A CA made for one test session, and a server certificate from it for 127.0.0.1
    and localhost. The action trusts it through ``REQUESTS_CA_BUNDLE`` (:attr:`bundle`),
    as a user with a private index behind their own CA does."""

    def __init__(self, folder: Path) -> None:
        from cryptography import x509
        from cryptography.hazmat.primitives import hashes, serialization
        from cryptography.hazmat.primitives.asymmetric import ec
        from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

        folder.mkdir(parents=True, exist_ok=True)
        now = datetime.datetime.now(datetime.UTC)
        valid = (now - datetime.timedelta(minutes=5), now + datetime.timedelta(days=1))
        # EC keys: generating RSA keys would cost a noticeable part of a second.
        ca_key = ec.generate_private_key(ec.SECP256R1())
        ca_name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "tpa tests throwaway CA")])
        ca_cert = (
            x509.CertificateBuilder()
            .subject_name(ca_name)
            .issuer_name(ca_name)
            .public_key(ca_key.public_key())
            .serial_number(x509.random_serial_number())
            .not_valid_before(valid[0])
            .not_valid_after(valid[1])
            .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
            .add_extension(
                x509.KeyUsage(
                    digital_signature=True,
                    key_cert_sign=True,
                    crl_sign=True,
                    content_commitment=False,
                    key_encipherment=False,
                    data_encipherment=False,
                    key_agreement=False,
                    encipher_only=False,
                    decipher_only=False,
                ),
                critical=True,
            )
            .add_extension(
                x509.SubjectKeyIdentifier.from_public_key(ca_key.public_key()), critical=False
            )
            .sign(ca_key, hashes.SHA256())
        )
        key = ec.generate_private_key(ec.SECP256R1())
        cert = (
            x509.CertificateBuilder()
            .subject_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, HOST)]))
            .issuer_name(ca_name)
            .public_key(key.public_key())
            .serial_number(x509.random_serial_number())
            .not_valid_before(valid[0])
            .not_valid_after(valid[1])
            .add_extension(
                x509.SubjectAlternativeName(
                    [x509.IPAddress(ipaddress.ip_address(HOST)), x509.DNSName("localhost")]
                ),
                critical=False,
            )
            .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
            .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.SERVER_AUTH]), critical=False)
            .add_extension(
                x509.AuthorityKeyIdentifier.from_issuer_public_key(ca_key.public_key()),
                critical=False,
            )
            .sign(ca_key, hashes.SHA256())
        )
        self.bundle = folder / "ca.pem"
        self.cert = folder / "server.pem"
        self.key = folder / "server-key.pem"
        self.bundle.write_bytes(ca_cert.public_bytes(serialization.Encoding.PEM))
        self.cert.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
        self.key.write_bytes(
            key.private_bytes(
                serialization.Encoding.PEM,
                serialization.PrivateFormat.PKCS8,
                serialization.NoEncryption(),
            )
        )
        self.key.chmod(0o600)


class _Process:
    """One server process: started, waited for until it answers, stopped."""

    def __init__(self, name: str, folder: Path) -> None:
        self.name = name
        self.log_path = folder / f"{name}.log"
        self._log: IO[bytes] | None = None
        self._proc: subprocess.Popen[bytes] | None = None
        self.startup_seconds = 0.0

    def start(
        self, argv: list[str], ready_url: str, *, env: dict[str, str], verify: str | bool = True
    ) -> None:
        """Start ``argv`` and wait until ``GET ready_url`` answers 200."""
        began = time.monotonic()
        self._log = self.log_path.open("ab")
        self._proc = subprocess.Popen(
            argv, stdout=self._log, stderr=subprocess.STDOUT, env=env, cwd=self.log_path.parent
        )
        deadline = began + START_TIMEOUT
        last = "no answer yet"
        while time.monotonic() < deadline:
            if self._proc.poll() is not None:
                raise self.failed(f"exited with code {self._proc.returncode} while starting")
            try:
                answer = requests.get(ready_url, timeout=2, verify=verify)
            except requests.RequestException as exc:
                last = f"{type(exc).__name__}: {exc}"
            else:
                if answer.status_code == 200:
                    self.startup_seconds = time.monotonic() - began
                    return
                last = f"HTTP {answer.status_code}"
            time.sleep(0.05)
        raise self.failed(f"did not answer GET {ready_url} within {START_TIMEOUT:.0f} s ({last})")

    def failed(self, what: str) -> ServerFailed:
        """An error naming the server and quoting the end of its log."""
        self.stop()
        try:
            tail = self.log_path.read_text(errors="replace")[-3000:]
        except OSError:
            tail = "(no log)"
        return ServerFailed(f"{self.name} {what}; the end of {self.log_path}:\n{tail}")

    def stop(self) -> None:
        """Terminate the server (then kill it if it lingers)."""
        if self._proc is not None and self._proc.poll() is None:
            self._proc.terminate()
            try:
                self._proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self._proc.kill()
                self._proc.wait(timeout=10)
        if self._log is not None:
            self._log.close()
            self._log = None


def _server_env() -> dict[str, str]:
    """The environment of a server: ours, minus anything that would point its own
    requests (devpi-server makes none offline; pypiserver none without fallback) at a
    proxy or another CA."""
    drop = {"REQUESTS_CA_BUNDLE", "SSL_CERT_FILE", "HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY"}
    return {k: v for k, v in os.environ.items() if k.upper() not in drop}


class PypiServer:
    """pypiserver on 127.0.0.1, serving :attr:`packages`; uploads authenticate against
    an htpasswd file (``--authenticate update``), reads are open. The fallback to PyPI
    for unknown projects is off unless ``fallback`` (with it, pypiserver's default,
    the simple page of a project it lacks is a 303 to pypi.org). ``base_path`` mounts
    it under a prefix (``--server-base-url``): uploads there, the simple API below."""

    user = "uploader"

    def __init__(
        self,
        folder: Path,
        *,
        tls: ThrowawayCA | None = None,
        base_path: str = "/",
        fallback: bool = False,
    ) -> None:
        self.folder = folder
        self.tls = tls
        self.base_path = "/" + base_path.strip("/") + "/" if base_path.strip("/") else "/"
        self.fallback = fallback  # pypiserver's default: unknown projects go to PyPI
        self.packages = folder / "packages"
        self.password = "pw-" + secrets.token_urlsafe(16)
        self.port = free_port()
        self._process = _Process(folder.name, folder)

    @property
    def url(self) -> str:
        """The server's root; also its upload URL (what twine users give as
        ``--repository-url``: pypiserver takes uploads at its root only)."""
        scheme = "https" if self.tls else "http"
        return f"{scheme}://{HOST}:{self.port}{self.base_path}"

    @property
    def upload_url(self) -> str:
        """What to pass as ``repository-url``."""
        return self.url

    @property
    def simple_base(self) -> str:
        """The PEP 503 simple API (what pip users give as ``--index-url``)."""
        return f"{self.url}simple/"

    @property
    def verify(self) -> str | bool:
        """``verify=`` for requests to this server."""
        return str(self.tls.bundle) if self.tls else True

    @property
    def startup_seconds(self) -> float:
        """How long the server took to answer its first request."""
        return self._process.startup_seconds

    def start(self) -> PypiServer:
        """Write the htpasswd file, start the server and wait until it answers."""
        import warnings

        with warnings.catch_warnings():
            # passlib imports the crypt module, deprecated since Python 3.11; it copes
            # without it (3.13), and apr1 does not use it.
            warnings.simplefilter("ignore", DeprecationWarning)
            from passlib.apache import HtpasswdFile

        self.folder.mkdir(parents=True, exist_ok=True)
        self.packages.mkdir(exist_ok=True)
        htpasswd = self.folder / "htpasswd"
        # apr1 (Apache's MD5 crypt) is what `htpasswd -m` writes and needs no bcrypt.
        passwords = HtpasswdFile(str(htpasswd), new=True, default_scheme="portable_apache_22")
        passwords.set_password(self.user, self.password)
        passwords.save()
        argv = [
            str(_bin("pypi-server")),
            "run",
            "--host",
            HOST,
            "--port",
            str(self.port),
            "--passwords",
            str(htpasswd),
            "--authenticate",
            "update",
            *([] if self.fallback else ["--disable-fallback"]),
            *(["--server-base-url", self.base_path] if self.base_path != "/" else []),
            "--hash-algo",
            "sha256",  # our checks compare sha256; say so rather than trust the default
            "--server",
            # auto is bottle's pick: waitress here (devpi-server brings it), as on most
            # installs that have it; gunicorn is what pypiserver's image serves with.
            "gunicorn" if self.tls else "auto",
            str(self.packages),
        ]
        env = _server_env()
        if self.tls:
            # pypiserver hands gunicorn no arguments of its own: GUNICORN_CMD_ARGS is the
            # documented way (pypiserver/__main__.py) to give it the certificate.
            env["GUNICORN_CMD_ARGS"] = (
                f"--certfile={self.tls.cert} --keyfile={self.tls.key} --workers=1"
            )
        self._process.start(argv, self.simple_base, env=env, verify=self.verify)
        return self

    def stop(self) -> None:
        """Stop the server."""
        self._process.stop()

    def stored(self) -> dict[str, str]:
        """What the server holds, read from its folder: file name -> sha256."""
        return {p.name: sha256_of(p) for p in sorted(self.packages.iterdir()) if p.is_file()}

    def stored_for(self, project: str) -> dict[str, str]:
        """The files of ``project`` (normalized name) the server holds."""
        stem = re.sub(r"[-_.]+", "_", project)
        return {k: v for k, v in self.stored().items() if k.startswith(f"{stem}-")}


@dataclass(frozen=True)
class DevpiIndex:
    """One index of a devpi user: ``<server>/<user>/<name>/``."""

    server: str  # the server's root URL, with a trailing slash
    user: str
    password: str
    name: str

    @property
    def upload_url(self) -> str:
        """What twine users give as ``--repository-url`` and we as ``repository-url``."""
        return f"{self.server}{self.user}/{self.name}/"

    @property
    def simple_base(self) -> str:
        """The simple API (what pip users give as ``--index-url``); PEP 503 HTML, or
        PEP 691 JSON when asked for in ``Accept``."""
        return f"{self.upload_url}+simple/"

    def stored_for(self, project: str) -> dict[str, str]:
        """The files of ``project`` on this index, from devpi's own JSON simple page
        (read here without our parser): file name -> sha256."""
        answer = requests.get(
            f"{self.simple_base}{project}/", headers={"Accept": SIMPLE_JSON}, timeout=10
        )
        if answer.status_code == 404:
            return {}
        answer.raise_for_status()
        return {f["filename"]: f["hashes"]["sha256"] for f in answer.json()["files"]}


class DevpiServer:
    """devpi-server on 127.0.0.1, offline (no root/pypi mirror: nothing reaches PyPI),
    with one user; :meth:`new_index` makes an index for a test."""

    user = "uploader"

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.serverdir = folder / "serverdir"
        self.password = "pw-" + secrets.token_urlsafe(16)
        self.root_password = "root-" + secrets.token_urlsafe(16)
        self.port = free_port()
        self._process = _Process("devpi-server", folder)
        self.init_seconds = 0.0

    @property
    def url(self) -> str:
        """The server's root."""
        return f"http://{HOST}:{self.port}/"

    @property
    def startup_seconds(self) -> float:
        """How long ``devpi-init`` and the server took until its first answer."""
        return self.init_seconds + self._process.startup_seconds

    def start(self) -> DevpiServer:
        """Initialize the server directory, start the server, create the user."""
        self.folder.mkdir(parents=True, exist_ok=True)
        began = time.monotonic()
        init = subprocess.run(
            [
                str(_bin("devpi-init")),
                "--serverdir",
                str(self.serverdir),
                "--no-root-pypi",  # no mirror of PyPI: an offline index of our own
                "--root-passwd",
                self.root_password,
            ],
            capture_output=True,
            text=True,
            env=_server_env(),
            timeout=START_TIMEOUT,
            check=False,
        )
        if init.returncode != 0:
            raise ServerFailed(
                f"devpi-init failed ({init.returncode}):\n{init.stdout}{init.stderr}"
            )
        self.init_seconds = time.monotonic() - began
        argv = [
            str(_bin("devpi-server")),
            "--serverdir",
            str(self.serverdir),
            "--host",
            HOST,
            "--port",
            str(self.port),
            "--offline-mode",
            # devpi derives its login-token key with argon2 at start-up, tuned to take
            # about 8 s and 512 MiB; these (hidden, and what devpi's own tests lower) make
            # it instant. They do not touch how user passwords are checked.
            "--argon2-memory-cost",
            "8",
            "--argon2-time-cost",
            "1",
            "--argon2-parallelism",
            "1",
        ]
        self._process.start(argv, f"{self.url}+api", env=_server_env())
        made = requests.put(
            f"{self.url}{self.user}", json={"password": self.password}, timeout=10
        )  # devpi lets anyone create a user unless --restrict-modify says otherwise
        if made.status_code != 201:
            raise self._process.failed(
                f"did not create user {self.user}: HTTP {made.status_code} {made.text[:500]}"
            )
        return self

    def stop(self) -> None:
        """Stop the server."""
        self._process.stop()

    def new_index(self, name: str, *, volatile: bool = False) -> DevpiIndex:
        """A new, empty index with no bases. Not volatile by default, as a release index
        is: it refuses a file name it has with other content, as PyPI does (a volatile
        one lets it be overwritten)."""
        index = DevpiIndex(self.url, self.user, self.password, name)
        made = requests.put(
            index.upload_url.rstrip("/"),
            json={"type": "stage", "bases": [], "volatile": volatile},
            auth=(self.user, self.password),
            timeout=10,
        )
        if made.status_code not in (200, 201):
            raise ServerFailed(
                f"devpi did not create {self.user}/{name}: HTTP {made.status_code} "
                f"{made.text[:500]}"
            )
        return index
