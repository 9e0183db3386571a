"""`make prod-check`: the production set-up of the README on this machine, under load and
faults, and what it lost.

Brings up, all of its own (nothing shared is touched, so the faults break only these):
a PostgreSQL 15 cluster with PostGIS in a folder under /tmp on its own port, a Redis on its
own port (rate limits and the job queue), gunicorn with four workers and one job consumer,
configured as the README's production section says (SIVUVIRTA_ENV=production, CSRF on, one
trusted proxy). Fills the database like a busy region through the benchmarks' bulk path
(default 20 000 side streams, 5 000 needs, 200 organisations) and ranks every match.

Then runs deploy/locustfile.py headless (default 50 users for 5 minutes) and, during it:
restarts PostgreSQL, restarts Redis, kills a gunicorn worker, and kills the consumer while
a 5 000-row import runs (starting it again after). Afterwards it checks: every write the
site acknowledged is in the database; the import ran exactly once; no failure outside a
fault window; no answer with a traceback. It prints p50/p95/p99 and errors per page and
writes them, with the fault log, to the --out folder. Exit status 1 when a check fails.

    make prod-check                       # or:
    .venv/bin/python deploy/prod_check.py [--users 50] [--minutes 5] [--streams 20000]
        [--needs 5000] [--organisations 200] [--no-faults] [--out /tmp/sivuvirta-prod-check]
"""
from __future__ import annotations

import argparse
import csv
import io
import json
import os
import re
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))
BIN = Path(sys.executable).parent
PG_BIN = Path("/usr/lib/postgresql/15/bin")
FAULT_MARGIN_S = 10  # errors this long after a fault ended still count as the fault's


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def log(message: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {message}", flush=True)


def wait_for(check, what: str, timeout: float = 60) -> float:
    started = time.monotonic()
    while time.monotonic() - started < timeout:
        try:
            if check():
                return time.monotonic() - started
        except Exception:  # noqa: BLE001 - not up yet, whatever the reason
            pass
        time.sleep(0.2)
    raise SystemExit(f"{what} did not come up within {timeout:.0f} s")


def http_status(url: str, timeout: float = 3) -> int:
    import urllib.error
    import urllib.request

    try:
        with urllib.request.urlopen(url, timeout=timeout) as response:
            return response.status
    except urllib.error.HTTPError as error:
        return error.code


class Postgres:
    """A cluster of our own, run as the postgres user (the server refuses root)."""

    def __init__(self, folder: Path, port: int):
        self.folder, self.port = folder / "pg", port
        self.url = f"postgresql://postgres@127.0.0.1:{port}/sivuvirta"

    def _as_postgres(self, *command: str) -> None:
        subprocess.run(["runuser", "-u", "postgres", "--", *command], check=True, capture_output=True)

    def start(self) -> None:
        if not (self.folder / "PG_VERSION").exists():
            self.folder.mkdir(parents=True)
            shutil.chown(self.folder, "postgres", "postgres")
            self._as_postgres(str(PG_BIN / "initdb"), "-D", str(self.folder), "-A", "trust", "-U", "postgres")
            with (self.folder / "postgresql.conf").open("a") as conf:
                conf.write(f"\nport = {self.port}\nlisten_addresses = '127.0.0.1'\nunix_socket_directories = '{self.folder}'\n"
                           "max_connections = 100\nshared_buffers = 256MB\nfsync = on\n")
        self._as_postgres(str(PG_BIN / "pg_ctl"), "-D", str(self.folder), "-l", str(self.folder / "log"), "-w", "start")

    def create_database(self) -> None:
        psql = ["psql", "-h", "127.0.0.1", "-p", str(self.port), "-U", "postgres", "-qc"]
        subprocess.run([*psql, "CREATE DATABASE sivuvirta", "postgres"], check=True, capture_output=True)
        subprocess.run([*psql, "CREATE EXTENSION postgis", "sivuvirta"], check=True, capture_output=True)

    def restart(self) -> None:
        self._as_postgres(str(PG_BIN / "pg_ctl"), "-D", str(self.folder), "-m", "fast", "-w", "restart",
                          "-l", str(self.folder / "log"))

    def stop(self) -> None:
        if (self.folder / "postmaster.pid").exists():
            self._as_postgres(str(PG_BIN / "pg_ctl"), "-D", str(self.folder), "-m", "fast", "-w", "stop")


class Process:
    def __init__(self, name: str, command: list[str], env: dict, logfile: Path):
        self.name, self.command, self.env, self.logfile = name, command, env, logfile
        self.popen: subprocess.Popen | None = None

    def start(self) -> None:
        out = self.logfile.open("a")
        self.popen = subprocess.Popen(self.command, env=self.env, stdout=out, stderr=subprocess.STDOUT,
                                      cwd=ROOT, start_new_session=True)

    def kill(self) -> None:
        if self.popen and self.popen.poll() is None:
            os.killpg(self.popen.pid, signal.SIGKILL)
            self.popen.wait()

    def stop(self) -> None:
        if self.popen and self.popen.poll() is None:
            os.killpg(self.popen.pid, signal.SIGTERM)
            try:
                self.popen.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.kill()


def fill(url: str, args) -> dict:
    import sqlalchemy as sa
    from bench_listings import PASSWORD
    from bench_site import build

    from marketplace.db import create_engine

    engine = create_engine(url)
    ids = build(engine, args.streams, args.needs, args.organisations)
    with engine.connect() as connection:
        def own(table, email):
            return ",".join(str(i) for i in connection.execute(sa.text(
                f"SELECT l.id FROM {table} l JOIN \"user\" u ON u.organisation_id = l.organisation_id "
                f"WHERE u.email = :email ORDER BY l.id LIMIT 50"), {"email": email}).scalars())
        ids["seller_streams"] = own("side_stream", "seller@example.fi")
        ids["buyer_needs"] = own("material_need", "buyer@example.fi")
    engine.dispose()
    return {**ids, "password": PASSWORD}


# The command line of this checkout (not whatever `sivuvirta` the venv's script points at).
SIVUVIRTA = [sys.executable, "-c", "from marketplace.cli import main; main()"]


def sivuvirta(env: dict, *arguments: str, timeout: float = 3600) -> str:
    result = subprocess.run([*SIVUVIRTA, *arguments], env=env, cwd=ROOT, capture_output=True,
                            text=True, timeout=timeout)
    if result.returncode != 0:
        raise SystemExit(f"sivuvirta {' '.join(arguments)} failed:\n{result.stdout}\n{result.stderr}")
    return result.stdout


def has_consumer(env: dict) -> bool:
    result = subprocess.run([*SIVUVIRTA, "jobs", "worker", "--help"], env=env, cwd=ROOT,
                            capture_output=True, text=True)
    return result.returncode == 0


def gunicorn_workers(master: subprocess.Popen) -> list[int]:
    found = subprocess.run(["pgrep", "-P", str(master.pid)], capture_output=True, text=True).stdout.split()
    return [int(pid) for pid in found]


def import_file(rows: int, folder: Path) -> Path:
    path = folder / "import.csv"
    with path.open("w", newline="") as out:
        writer = csv.writer(out)
        writer.writerow(["id", "title", "category", "ewc_code", "legal_status", "quantity_t_per_year", "lat", "lon",
                         "place", "visibility", "composition.CaO", "composition.SiO2"])
        for i in range(rows):
            writer.writerow([f"PC-{i:05d}", f"Prod-check import lot {i}", "slag", "10 02 02", "by_product", 1000 + i,
                             65.7 + (i % 50) / 100, 24.5 + (i % 70) / 100, "Kemi", "public", 40, 33])
    return path


class ImportRefused(RuntimeError):
    pass


def start_import(base: str, password: str, path: Path) -> int:
    """Upload the file as the seller, through the site's import page (CSRF and all)."""
    import requests

    sys.path.insert(0, str(ROOT / "deploy"))
    from proxy_cookies import send_secure_cookies

    session = requests.Session()
    send_secure_cookies(session)
    session.headers["X-Forwarded-For"] = "10.250.0.1"
    token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', session.get(f"{base}/auth/login").text).group(1)
    session.post(f"{base}/auth/login", data={"email": "seller@example.fi", "password": password,
                                            "csrf_token": token}, allow_redirects=False)
    page = session.get(f"{base}/listings/import").text
    token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page).group(1)
    with path.open("rb") as handle:
        response = session.post(f"{base}/listings/import", data={"csrf_token": token},
                                files={"file": ("import.csv", handle, "text/csv")}, allow_redirects=False)
    found = re.search(r"/listings/import/(\d+)", response.headers.get("Location", ""))
    if not found:
        raise ImportRefused(f"the import was not accepted: {response.status_code} {response.text[:300]}")
    return int(found.group(1))


def database_counts(url: str, acked: list[dict]) -> dict:
    import sqlalchemy as sa

    from marketplace.db import create_engine

    engine = create_engine(url)
    titles = {"side_stream": set(), "material_need": set()}
    for entry in acked:
        titles[entry["kind"]].add(entry["title"])
    missing = []
    with engine.connect() as connection:
        for table, wanted in titles.items():
            if wanted:
                found = set(connection.execute(sa.text(f"SELECT title FROM {table} WHERE title LIKE 'Load test%'"))
                            .scalars())
                missing += sorted(wanted - found)
        imported = connection.execute(sa.text(
            "SELECT count(*), count(DISTINCT title) FROM side_stream WHERE title LIKE 'Prod-check import lot %'")).one()
        job = connection.execute(sa.text("SELECT state, total FROM import_job ORDER BY id DESC LIMIT 1")).one_or_none()
    engine.dispose()
    return {"acked": len(acked), "missing": missing, "imported": imported[0], "imported_distinct": imported[1],
            "import_job": tuple(job) if job else None}


def stats_table(stats_csv: Path) -> list[dict]:
    rows = []
    with stats_csv.open() as handle:
        for row in csv.DictReader(handle):
            rows.append({"name": row["Name"], "requests": int(row["Request Count"]),
                         "failures": int(row["Failure Count"]), "p50": row["50%"], "p95": row["95%"],
                         "p99": row["99%"]})
    return rows


def classify_failures(path: Path, windows: list[dict]) -> dict:
    during, outside, tracebacks = [], [], []
    if path.exists():
        for line in path.read_text().splitlines():
            failure = json.loads(line)
            if failure["traceback"]:
                tracebacks.append(failure)
            inside = any(w["start"] - 1 <= failure["time"] <= w["end"] + FAULT_MARGIN_S for w in windows)
            (during if inside else outside).append(failure)
    return {"during": during, "outside": outside, "tracebacks": tracebacks}


def markdown(rows: list[dict], checks: dict, windows: list[dict], args, load: tuple) -> str:
    out = io.StringIO()
    out.write(f"{args.users} users for {args.minutes} min; {args.streams} side streams, {args.needs} needs, "
              f"{args.organisations} organisations; load average before/after: {load[0]:.2f} / {load[1]:.2f}\n\n")
    out.write("| page | requests | failures | p50 ms | p95 ms | p99 ms |\n| --- | ---: | ---: | ---: | ---: | ---: |\n")
    for row in rows:
        out.write(f"| {row['name']} | {row['requests']} | {row['failures']} | {row['p50']} | {row['p95']} | {row['p99']} |\n")
    out.write("\n| fault | at (s) | lasted (s) | failed requests in its window |\n| --- | ---: | ---: | ---: |\n")
    for window in windows:
        out.write(f"| {window['name']} | {window['start'] - checks['t0']:.0f} | {window['end'] - window['start']:.1f} "
                  f"| {window.get('failures', 0)} |\n")
    db = checks["database"]
    out.write(f"\nAcknowledged writes: {db['acked']}, missing afterwards: {len(db['missing'])}. "
              f"Import: {db['imported']} rows ({db['imported_distinct']} distinct), job {db['import_job']}. "
              f"Failures outside fault windows: {len(checks['failures']['outside'])}; answers with a traceback: "
              f"{len(checks['failures']['tracebacks'])}.\n")
    return out.getvalue()


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--users", type=int, default=50)
    parser.add_argument("--minutes", type=float, default=5)
    parser.add_argument("--streams", type=int, default=20000)
    parser.add_argument("--needs", type=int, default=5000)
    parser.add_argument("--organisations", type=int, default=200)
    parser.add_argument("--import-rows", type=int, default=5000)
    parser.add_argument("--no-faults", action="store_true")
    parser.add_argument("--out", default="/tmp/sivuvirta-prod-check")
    args = parser.parse_args(argv)
    if os.geteuid() != 0 or not (PG_BIN / "initdb").exists():
        raise SystemExit("prod-check runs as root on a machine with PostgreSQL 15 and PostGIS installed")
    folder = Path(args.out)
    if folder.exists():
        Postgres(folder, 0).stop()  # a cluster left running by an interrupted run
        shutil.rmtree(folder)
    folder.mkdir(parents=True)
    shutil.chown(folder, "postgres", "postgres")

    postgres = Postgres(folder, free_port())
    redis_port, web_port = free_port(), free_port()
    base = f"http://127.0.0.1:{web_port}"
    env = {**os.environ,
           "SIVUVIRTA_ENV": "production", "SIVUVIRTA_SECRET_KEY": secrets.token_hex(32),
           "SIVUVIRTA_DATABASE_URL": postgres.url,
           "SIVUVIRTA_RATELIMIT_STORAGE_URI": f"redis://127.0.0.1:{redis_port}",
           "SIVUVIRTA_QUEUE_URL": f"redis://127.0.0.1:{redis_port}/1",
           "SIVUVIRTA_TRUSTED_PROXIES": "1", "SIVUVIRTA_INSTANCE_PATH": str(folder / "instance"),
           "SIVUVIRTA_MATCHING_FIT_AT_START": "1", "SIVUVIRTA_LOG_FORMAT": "json",
           "SIVUVIRTA_SITE_URL": base}
    redis = Process("redis", ["redis-server", "--port", str(redis_port), "--bind", "127.0.0.1", "--save", "",
                              "--appendonly", "yes", "--dir", str(folder)], env, folder / "redis.log")
    web = Process("gunicorn", [str(BIN / "gunicorn"), "--workers", "4", "--bind", f"127.0.0.1:{web_port}",
                               "--timeout", "30", "--graceful-timeout", "10", "marketplace:create_app()"],
                  env, folder / "web.log")
    consumer = Process("consumer", [*SIVUVIRTA, "jobs", "worker"], env, folder / "consumer.log")
    processes = [consumer, web, redis]
    try:
        log(f"PostgreSQL on port {postgres.port}, Redis on {redis_port}, the site on {web_port}; files in {folder}")
        postgres.start()
        postgres.create_database()
        redis.start()
        sivuvirta(env, "db", "upgrade")
        log(f"filling {args.streams} streams, {args.needs} needs, {args.organisations} organisations")
        ids = fill(postgres.url, args)
        log("ranking every match (sivuvirta matches refresh)")
        started = time.monotonic()
        sivuvirta(env, "matches", "refresh")
        log(f"  ranked in {time.monotonic() - started:.0f} s")
        queue = has_consumer(env)
        if queue:
            consumer.start()
        else:
            log("this version has no `sivuvirta jobs worker`: imports run inside the web process")
        web.start()
        wait_for(lambda: http_status(f"{base}/readyz") == 200, "the site", timeout=120)
        wait_for(lambda: len(gunicorn_workers(web.popen)) == 4, "four workers")
        time.sleep(90)  # each worker fits its engine and its material recogniser in the background

        acked_file, failures_file = folder / "acked.jsonl", folder / "failures.jsonl"
        load_env = {**env, "SIVUVIRTA_LOAD_TOKEN": ids["token"], "SIVUVIRTA_LOAD_PASSWORD": ids["password"],
                    "SIVUVIRTA_LOAD_STREAMS": str(args.streams), "SIVUVIRTA_LOAD_NEEDS": str(args.needs),
                    "SIVUVIRTA_LOAD_SELLER_STREAMS": ids["seller_streams"] or "1",
                    "SIVUVIRTA_LOAD_BUYER_NEEDS": ids["buyer_needs"] or "1",
                    "SIVUVIRTA_LOAD_ACKED": str(acked_file), "SIVUVIRTA_LOAD_FAILURES": str(failures_file)}
        run_time = int(args.minutes * 60)
        load_before = os.getloadavg()
        locust = subprocess.Popen([str(BIN / "locust"), "-f", str(ROOT / "deploy" / "locustfile.py"), "--headless",
                                   "-u", str(args.users), "-r", "10", "-t", f"{run_time}s", "--host", base,
                                   "--csv", str(folder / "load"), "--only-summary"],
                                  env=load_env, cwd=ROOT, stdout=(folder / "locust.log").open("w"),
                                  stderr=subprocess.STDOUT)
        t0 = time.time()
        windows: list[dict] = []

        def at(seconds: float) -> None:
            delay = t0 + seconds * run_time / 300 - time.time()
            if delay > 0:
                time.sleep(delay)

        def fault(name: str, action) -> None:
            start = time.time()
            action()
            windows.append({"name": name, "start": start, "end": time.time()})
            log(f"fault: {name} ({time.time() - start:.1f} s)")

        job_id, import_problem = None, None
        if not args.no_faults:
            at(60)
            fault("PostgreSQL restarted", postgres.restart)
            at(110)
            fault("Redis restarted", lambda: (redis.kill(), redis.start(),
                                              wait_for(lambda: socket.create_connection(("127.0.0.1", redis_port)).close()
                                                       or True, "Redis")))
            at(150)
            fault("a gunicorn worker killed", lambda: os.kill(gunicorn_workers(web.popen)[0], signal.SIGKILL))
            at(185)
            try:
                job_id = start_import(base, ids["password"], import_file(args.import_rows, folder))
                log(f"import job {job_id} started ({args.import_rows} rows)")
            except ImportRefused as error:
                import_problem = str(error)
                log(f"CHECK FAILED: {error}")
            if queue and job_id is not None:
                at(195)
                fault("the consumer killed during the import", lambda: (consumer.kill(), time.sleep(5), consumer.start()))
        locust.wait()
        load_after = os.getloadavg()
        if job_id is not None:
            from marketplace.db import create_engine

            engine = create_engine(postgres.url)
            try:
                wait_for(lambda: _import_finished(engine, job_id), "the import", timeout=900)
            except SystemExit as error:
                log(str(error))
            finally:
                engine.dispose()
        acked = [json.loads(line) for line in acked_file.read_text().splitlines()] if acked_file.exists() else []
        checks = {"t0": t0, "database": database_counts(postgres.url, acked),
                  "failures": classify_failures(failures_file, windows)}
        for window in windows:
            window["failures"] = sum(1 for f in checks["failures"]["during"]
                                     if window["start"] - 1 <= f["time"] <= window["end"] + FAULT_MARGIN_S)
        rows = stats_table(folder / "load_stats.csv")
        report = markdown(rows, checks, windows, args, (load_before[0], load_after[0]))
        (folder / "report.md").write_text(report)
        (folder / "windows.json").write_text(json.dumps(windows, indent=2))
        print(report)
        problems = [import_problem] if import_problem else []
        if checks["database"]["missing"]:
            problems.append(f"{len(checks['database']['missing'])} acknowledged writes are missing")
        if job_id is not None and checks["database"]["imported"] != args.import_rows:
            problems.append(f"the import left {checks['database']['imported']} rows, not {args.import_rows}")
        if checks["failures"]["outside"]:
            problems.append(f"{len(checks['failures']['outside'])} failures outside the fault windows "
                            f"(first: {checks['failures']['outside'][0]})")
        if checks["failures"]["tracebacks"]:
            problems.append(f"{len(checks['failures']['tracebacks'])} answers showed a traceback")
        for problem in problems:
            log(f"CHECK FAILED: {problem}")
        log("all checks passed" if not problems else f"{len(problems)} checks failed; details in {folder}")
        return 1 if problems else 0
    finally:
        for process in processes:
            process.stop()
        postgres.stop()


def _import_finished(engine, job_id: int) -> bool:
    import sqlalchemy as sa

    with engine.connect() as connection:
        state = connection.execute(sa.text("SELECT state FROM import_job WHERE id = :id"), {"id": job_id}).scalar()
    return state in ("done", "failed")


if __name__ == "__main__":
    sys.exit(main())
