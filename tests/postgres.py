"""Run a command against a throwaway PostgreSQL server on 127.0.0.1.

    python tests/postgres.py COMMAND [ARG ...]

starts a server in a temporary folder, runs COMMAND with GALLERY_TEST_DB and
GALLERY_TEST_DB_PORT set so that tests/settings.py uses it, then stops the
server and removes the folder. GALLERY_TEST_DB_DATA names the server's data
directory, for tests that stop and start it (:func:`stop`, :func:`start`).
Without PostgreSQL binaries it says so and exits 0, or 1 when CI=true; a
server that does not start is an error.
"""

import contextlib
import os
import pwd
import shutil
import socket
import subprocess
import sys
import tempfile

PATTERNS = ["/usr/lib/postgresql/*/bin/{}", "/usr/local/pgsql/bin/{}"]


def find(name):
    sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    from tests.components import find_binary

    return find_binary(name, *(pattern.format(name) for pattern in PATTERNS))


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def run(*command):
    """Run a server binary, as ``postgres`` when running as root."""
    if os.geteuid() == 0:
        command = ["runuser", "-u", "postgres", "--", *command]
    subprocess.run(command, check=True, stdout=subprocess.DEVNULL)


@contextlib.contextmanager
def running_postgres():
    """Start a server; yield its port; stop it and remove its files."""
    initdb, pg_ctl = find("initdb"), find("pg_ctl")
    if not (initdb and pg_ctl):
        raise FileNotFoundError("initdb / pg_ctl not found (Debian package postgresql)")
    folder = tempfile.mkdtemp(prefix="gallery-pg-")
    if os.geteuid() == 0:
        user = pwd.getpwnam("postgres")
        os.chown(folder, user.pw_uid, user.pw_gid)
    data, log = os.path.join(folder, "data"), os.path.join(folder, "log")
    port = free_port()
    options = (
        f"-c listen_addresses=127.0.0.1 -p {port} -c unix_socket_directories={folder} "
        "-c fsync=off -c synchronous_commit=off -c full_page_writes=off"
    )
    try:
        run(initdb, "-D", data, "-U", "gallery", "--auth=trust", "-E", "UTF8")
        try:
            run(pg_ctl, "-D", data, "-l", log, "-w", "-o", options, "start")
        except subprocess.CalledProcessError:
            if os.path.exists(log):
                with open(log, errors="replace") as file:
                    sys.stderr.write(file.read()[-2000:])
            raise
        os.environ["GALLERY_TEST_DB_DATA"] = data  # for the commands run
        try:
            yield port
        finally:
            os.environ.pop("GALLERY_TEST_DB_DATA", None)
            run(pg_ctl, "-D", data, "-m", "fast", "-w", "stop")
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def stop(data):
    """Stop the server of ``data`` at once, as a crash or a restart would."""
    run(find("pg_ctl"), "-D", data, "-m", "immediate", "-w", "stop")


def start(data):
    """Start the server of ``data`` again, with the options it had."""
    # "restart" on a stopped server starts it with its recorded options.
    command = [find("pg_ctl"), "-D", data, "-l", os.path.join(data, "..", "log")]
    run(*command, "-w", "restart")


def main(command):
    try:
        with running_postgres() as port:
            env = dict(os.environ, GALLERY_TEST_DB="postgresql")
            env["GALLERY_TEST_DB_PORT"] = str(port)
            return subprocess.call(command, env=env)
    except subprocess.CalledProcessError as exc:
        print(f"PostgreSQL failed: {exc}", file=sys.stderr)
        return 1
    except FileNotFoundError as exc:
        if os.environ.get("CI") == "true":
            print(f"PostgreSQL is required under CI: {exc}", file=sys.stderr)
            return 1
        print(f"Skipping the PostgreSQL run: {exc}", file=sys.stderr)
        return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
