"""A throwaway PostgreSQL server for tests: Debian's binaries, a new cluster in a temp folder,
listening on 127.0.0.1 at a free port, stopped at the end of the run.

PostgreSQL refuses to run as root, so under root the cluster belongs to the ``postgres`` user
and every server command runs as that user (runuser); otherwise as the current user. Our own
module rather than pytest-postgresql: that plugin is not among the locked dependencies, it
starts the server as the current user only, and tests here also restart and stop the server
under a running app, and create databases from templates, which this does in a few lines.
"""

from __future__ import annotations

import atexit
import itertools
import os
import pwd
import shutil
import socket
import subprocess
import tempfile
import time
from functools import cache
from pathlib import Path

import psycopg

SERVER_USER = "postgres"
#: Durability is not what tests test: without fsync, CREATE DATABASE and commits are fast.
FAST = "-c fsync=off -c synchronous_commit=off -c full_page_writes=off"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def bindir() -> Path:
    """Where pg_ctl and initdb are: pg_config's answer, else the newest Debian install."""
    found = shutil.which("pg_config")
    if found:
        answer = subprocess.run([found, "--bindir"], capture_output=True, text=True)
        if answer.returncode == 0 and (Path(answer.stdout.strip()) / "pg_ctl").exists():
            return Path(answer.stdout.strip())
    installs = sorted(
        Path("/usr/lib/postgresql").glob("*/bin/pg_ctl"), key=lambda p: int(p.parent.parent.name)
    )
    if not installs:
        raise RuntimeError(
            "PostgreSQL is missing: apt-get install postgresql (make test installs it)"
        )
    return installs[-1].parent


class PostgresServer:
    """One cluster in *folder*: start, stop, restart, and databases made on it; *settings*
    are more server options (``-c name=value``)."""

    def __init__(self, folder: Path, settings: str = FAST) -> None:
        self.folder = folder
        self.settings = settings
        self.data = folder / "data"
        self.log = folder / "server.log"
        self.port = free_port()
        self.bin = bindir()
        self._names = itertools.count(1)
        self.as_root = os.geteuid() == 0
        if self.as_root:
            user = pwd.getpwnam(SERVER_USER)
            os.chown(folder, user.pw_uid, user.pw_gid)

    def _run(self, *command: str, timeout: float = 120) -> None:
        prefix = ["runuser", "-u", SERVER_USER, "--"] if self.as_root else []
        done = subprocess.run(
            [*prefix, *command], capture_output=True, text=True, timeout=timeout, cwd=self.folder
        )
        if done.returncode != 0:
            log = self.log.read_text() if self.log.exists() else ""
            raise RuntimeError(f"{' '.join(command)}: {done.stdout}{done.stderr}\n{log[-3000:]}")

    def init(self) -> None:
        self._run(
            str(self.bin / "initdb"),
            "-D",
            str(self.data),
            "-U",
            "postgres",
            "--auth=trust",
            "--encoding=UTF8",
            # Byte order for text, as SQLite compares: the keyset order of slugs is the same.
            "--locale=C",
            "--no-sync",
        )

    def start(self) -> None:
        options = (
            f"-c listen_addresses=127.0.0.1 -p {self.port} "
            f"-c unix_socket_directories={self.folder} "
            f"-c max_connections=500 -c shared_buffers=128MB {self.settings}"
        )
        self._run(
            str(self.bin / "pg_ctl"),
            "start",
            "-w",
            "-t",
            "60",
            "-D",
            str(self.data),
            "-l",
            str(self.log),
            "-o",
            options,
        )

    def stop(self) -> None:
        if (self.data / "postmaster.pid").exists():
            self._run(str(self.bin / "pg_ctl"), "stop", "-w", "-m", "fast", "-D", str(self.data))

    def restart(self) -> None:
        """Stop (fast: every connection is cut) and start again, as a real restart does."""
        self._run(
            str(self.bin / "pg_ctl"),
            "restart",
            "-w",
            "-m",
            "fast",
            "-D",
            str(self.data),
            "-l",
            str(self.log),
        )

    def url(self, database: str = "postgres") -> str:
        return f"postgresql+psycopg://postgres@127.0.0.1:{self.port}/{database}"

    def execute(self, sql: str, database: str = "postgres") -> list[tuple[object, ...]]:
        """Run *sql* as the superuser, outside a transaction (CREATE DATABASE needs that)."""
        conninfo = f"host=127.0.0.1 port={self.port} user=postgres dbname={database}"
        with psycopg.connect(conninfo, autocommit=True) as connection:
            cursor = connection.execute(sql.encode())
            return list(cursor.fetchall()) if cursor.description else []

    def create_database(self, template: str | None = None) -> str:
        """A new database (a copy of *template*, else empty); its name."""
        name = f"t{os.getpid()}_{next(self._names)}"
        copy = f" TEMPLATE {template}" if template else ""
        for attempt in range(50):
            try:
                self.execute(f"CREATE DATABASE {name}{copy}")
                return name
            except psycopg.errors.ObjectInUse:
                # A template's last connection may still be closing.
                if attempt == 49:
                    raise
                time.sleep(0.1)
        raise AssertionError("unreachable")

    def drop_database(self, name: str) -> None:
        self.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")

    def terminate(self, application: str) -> int:
        """End every backend of *application* (pg_terminate_backend); how many there were."""
        rows = self.execute(
            "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity "
            f"WHERE application_name = '{application}'"
        )
        return int(str(rows[0][0]))


@cache
def server() -> PostgresServer:
    """The run's server, started on first use and stopped at exit."""
    folder = Path(tempfile.mkdtemp(prefix="depeche-pg-"))
    found = PostgresServer(folder)
    found.init()
    found.start()

    def finish() -> None:
        try:
            found.stop()
        finally:
            shutil.rmtree(folder, ignore_errors=True)

    atexit.register(finish)
    return found
