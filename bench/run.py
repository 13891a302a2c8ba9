"""The benchmark harness (issue 11 §4): every page type under load, against a floor.

One command (from the repository root, after `./scripts/dev` or `./scripts/test` made .venv):

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/bi18_bench .venv/bin/python bench/run.py

1. Uses its OWN PostgreSQL database (the name must end in `_bench`; bench_families.py's
   guard refuses any other and any database holding non-demo families). It reuses a seeded
   database, or creates it, migrates and runs `seed_demo --families N` (≈ 3 min at 50,000).
2. Migrates the bench-only floor app and fills its 100,000-row table, collects the static
   files (manifest storage, as in production), and starts gunicorn with the production
   settings plus bench.settings (the floor page and a Server-Timing header), DEBUG off.
3. Logs in as the demo users (a session each, as the log-in view makes it) and runs an
   EXPLAIN ANALYZE of every SELECT of every page in process: a page fails the check when a
   query reads a large table (people, tracks, internships, actions, audit rows, ...) in full.
4. Drives each page type with bench/load.py, 10 connections without think time for a fixed time,
   the floor first and last, and prints per page req/s, p50, p95 (client side), queries and
   in-process time (server side, from Server-Timing), and req/s and p95 as ratios to the
   floor's, with the load average. `--scale-out` then compares one gunicorn worker with two
   single-worker instances behind HAProxy on loopback.

Timings never go into the test suite; this script prints Markdown for docs/benchmarks.md.
"""

import argparse
import collections
import contextlib
import json
import os
import platform
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.bench_families import DEFAULT_URL, prepare_database  # noqa: E402

VENV_BIN = Path(sys.executable).parent
# Production settings with throwaway keys (the same as bench_families.py, so that one
# seeded database serves both), plain HTTP on loopback.
BENCH_ENV = {
    "DJANGO_SETTINGS_MODULE": "bench.settings",
    "DEBUG": "false",
    "SECRET_KEY": "bench-only-secret-key-" + "x" * 40,
    "CPR_HASH_KEY": "bench-only-cpr-hash-key",
    "CPR_ENCRYPTION_KEY": "bench-only-cpr-encryption-key",
    "SECURE_SSL_REDIRECT": "false",
    "SECURE_COOKIES": "false",
    "ALLOWED_HOSTS": "127.0.0.1,localhost,testserver",
    "LOG_LEVEL": "WARNING",
}
FLOOR_ROWS = 100_000
# A full read of one of these is what issue 11 forbids; any other table over this many rows
# read in full is reported too.
WATCHED_TABLES = {
    "families_person": "people",
    "families_family": "families",
    "families_networkmember": "network-group members",
    "families_personassignment": "person assignments",
    "employment_employmenttrack": "employment tracks",
    "youth_youthtrack": "youth tracks",
    "employment_internship": "internships",
    "networkgroup_action": "plan actions",
    "networkgroup_goal": "plan goals",
    "audit_auditevent": "audit rows",
}
LARGE_TABLE = 10_000


def log(message: str) -> None:
    print(f"[bench {time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


def load_average() -> str:
    one, five, fifteen = os.getloadavg()
    return f"{one:.2f} / {five:.2f} / {fifteen:.2f}"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


# --- Database, Django --------------------------------------------------------------------


def setup_django(url: str) -> None:
    os.environ["DATABASE_URL"] = url
    for key, value in BENCH_ENV.items():
        os.environ.setdefault(key, value)
    os.environ["DJANGO_SETTINGS_MODULE"] = "bench.settings"
    import warnings

    import django

    warnings.filterwarnings("ignore", message="No directory at")
    django.setup()


def seed(families: int, seed_value: int) -> None:
    from django.core.management import call_command
    from django.db import connection

    from families import demo

    call_command("migrate", verbosity=0)
    log(f"seeding {families:,} families (≈ 3 minutes at 50,000 on an idle machine)")
    result = demo.seed_demo(families=families, seed=seed_value, progress=lambda m: log(m))
    # VACUUM as well as ANALYZE, as autovacuum does in production soon after a bulk load:
    # without the visibility map the planner's probes of index ends (a range condition on a
    # date, e.g. Mit arbejde's deadlines) read thousands of fresh index entries per plan,
    # tens of ms of planning per query that a production database does not pay.
    connection.ensure_connection()
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")
    log(f"seed_demo took {result.timings['total']:.0f} s")


def ensure_floor() -> None:
    """The floor's table: 100,000 rows, made in SQL (seconds), kept between runs."""
    from django.core.management import call_command
    from django.db import connection

    from bench.floor.models import FloorRow

    call_command("migrate", verbosity=0)
    if FloorRow.objects.count() >= FLOOR_ROWS:
        return
    table = FloorRow._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(f"TRUNCATE {table} RESTART IDENTITY")  # noqa: S608 - our own table name
        cursor.execute(
            f"INSERT INTO {table} (name, district, amount, created) "  # noqa: S608
            "SELECT 'Række ' || n, (ARRAY['Valby','Vanløse','Nørrebro','Østerbro'])[n %% 4 + 1], "
            "n * 1.25, DATE '2020-01-01' + (n %% 2000) FROM generate_series(1, %s) AS n",
            [FLOOR_ROWS],
        )
        cursor.execute(f"ANALYZE {table}")


def session_cookies(username: str) -> dict[str, str]:
    """Log a demo user in: a server-side session made by Django's own login() (signals
    included), recorded as a single sign-on log-in, the way staff sign in in production (the
    provider enforces its multi-factor policy; a local log-in would stop at the second-factor
    step). The bench times the pages, not the log-in."""
    from django.contrib.auth import get_user_model
    from django.test import Client

    from bi18.accounts.login import AUTH_METHOD_SSO, SESSION_AUTH_METHOD

    client = Client()
    client.force_login(get_user_model().objects.get(username=username))
    session = client.session
    session[SESSION_AUTH_METHOD] = AUTH_METHOD_SSO
    session.save()
    # Any 32-character secret is a valid CSRF cookie; the header repeats it for POSTs.
    return {"sessionid": client.cookies["sessionid"].value, "csrftoken": "b" * 32}


# --- The pages ---------------------------------------------------------------------------


@dataclass
class Page:
    name: str
    user: str
    urls: list[str]
    post: dict | None = None
    cookies: dict = field(default_factory=dict)


def discover_pages() -> list[Page]:
    """Every page type of issue 11, each with the demo user who works with it and the
    objects that user may see (cycled through, so that no page is one cached row)."""
    from django.contrib.auth import get_user_model
    from django.urls import reverse

    from families.models import Family, NetworkMember, Person, PersonRole
    from networkgroup.models import Meeting

    User = get_user_model()
    caseworker = User.objects.get(username="sagsbehandler")
    mine = list(
        Family.objects.visible_to(caseworker).order_by("case_number").values_list("pk", flat=True)
    )
    if not mine:
        sys.exit("bench: the demo caseworker 'sagsbehandler' has no families; reseed.")
    district = Family.objects.filter(pk=mine[0]).values_list("district", flat=True).get()
    coordinated = list(
        NetworkMember.objects.filter(user=caseworker, is_coordinator=True).values_list(
            "family_id", flat=True
        )[:20]
    )
    meetings = list(
        Meeting.objects.filter(family_id__in=mine)
        .order_by("pk")
        .values_list("family_id", "pk")[:40]
    )
    parents = list(
        Person.objects.filter(
            family_id__in=mine, role=PersonRole.PARENT, employment_tracks__isnull=False
        ).values_list("pk", flat=True)[:40]
    )
    young = list(
        Person.objects.filter(family_id__in=mine, youth_tracks__isnull=False).values_list(
            "pk", flat=True
        )[:40]
    )
    surname = Person.objects.filter(family_id=mine[-1]).values_list("last_name", flat=True)[0]
    list_url = reverse("families:list")

    pages = [
        Page("Family list", "sagsbehandler", [list_url]),
        Page(
            "Family list, filtered",
            "sagsbehandler",
            [f"{list_url}?district={district}&status=active"],
        ),
        Page(
            "Name search (POST + GET)",
            "sagsbehandler",
            [list_url],
            post={"url": reverse("families:search"), "data": {"q": surname}},
        ),
        Page(
            "Family detail",
            "sagsbehandler",
            [reverse("families:detail", args=[pk]) for pk in mine],
        ),
        Page("Plan", "sagsbehandler", [reverse("networkgroup:plan", args=[pk]) for pk in mine]),
        Page(
            "Meeting",
            "sagsbehandler",
            [reverse("networkgroup:meeting", args=[f, m]) for f, m in meetings],
        ),
        Page(
            "Group page (coordinator)",
            "sagsbehandler",
            [reverse("networkgroup:group", args=[pk]) for pk in coordinated],
        ),
        Page(
            "Employment (parent)",
            "sagsbehandler",
            [reverse("employment:parent", args=[pk]) for pk in parents],
        ),
        Page("Youth (young person)", "sagsbehandler", [f"/unge/personer/{pk}/" for pk in young]),
        Page("Mit arbejde", "sagsbehandler", [reverse("home")]),
        Page("Dashboard (manager)", "leder", [reverse("targets_home")]),
        Page("Budget (budget officer)", "oekonomi", [reverse("budget:overview")]),
        Page("Audit log (administrator)", "admin", [reverse("audit:search")]),
    ]
    return [p for p in pages if p.urls]


FLOOR = Page("Floor (25 of 100,000 rows)", "", ["/bench/floor/"])
# A reference, not a target: the application's fixed cost (log-in, middleware, base template).
LOGGED_IN = Page("Logged-in empty page (reference)", "sagsbehandler", ["/bench/logged-in/"])


# --- EXPLAIN -----------------------------------------------------------------------------


def _table_sizes() -> dict[str, float]:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT relname, reltuples FROM pg_class WHERE relkind = 'r' AND relnamespace = "
            "'public'::regnamespace"
        )
        return dict(cursor.fetchall())


def _full_reads(plan: dict, sizes: dict[str, float], found: list[str]) -> None:
    node = plan.get("Node Type", "")
    table = plan.get("Relation Name")
    if table and node in ("Seq Scan", "Index Scan", "Index Only Scan") and "Index Cond" not in plan:
        rows = sizes.get(table, 0)
        loops = plan.get("Actual Loops", 1) or 1
        examined = (plan.get("Actual Rows", 0) + plan.get("Rows Removed by Filter", 0)) * loops
        if rows >= LARGE_TABLE and examined >= rows / 2:
            found.append(
                {"table": WATCHED_TABLES.get(table, table), "node": node, "rows": examined}
            )
    for child in plan.get("Plans", []):
        _full_reads(child, sizes, found)


def explain_page(page: Page, sizes: dict[str, float]) -> dict:
    """Requests the page in process (warm, then captured) and EXPLAIN ANALYZEs each SELECT."""
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    client = Client(HTTP_ACCEPT_LANGUAGE="da")
    for name, value in page.cookies.items():
        client.cookies[name] = value

    def request():
        url = page.urls[0]
        if page.post:
            posted = client.post(page.post["url"], page.post["data"], HTTP_X_CSRFTOKEN="b" * 32)
            url = posted["Location"]
        return client.get(url)

    request()
    with CaptureQueriesContext(connection) as captured:
        response = request()
    full, slowest, sql_ms, jit = [], 0.0, 0.0, 0
    with connection.cursor() as cursor:
        for query in captured.captured_queries:
            sql = query["sql"]
            if not sql.lstrip().upper().startswith(("SELECT", "WITH")):
                continue
            cursor.execute("EXPLAIN (ANALYZE, FORMAT JSON) " + sql)
            result = cursor.fetchone()[0]
            result = json.loads(result) if isinstance(result, str) else result
            slowest = max(slowest, result[0].get("Execution Time", 0.0))
            sql_ms += result[0].get("Execution Time", 0.0) + result[0].get("Planning Time", 0.0)
            # PostgreSQL compiles a query with JIT when its estimated cost passes jit_above_cost;
            # on a misestimate that costs hundreds of ms for a query that reads a few rows.
            jit += "JIT" in result[0]
            found: list[dict] = []
            _full_reads(result[0]["Plan"], sizes, found)
            full += [{**f, "sql": sql} for f in found]
    return {
        "status": response.status_code,
        "queries": len(captured.captured_queries),
        "full_reads": full,
        "slowest_query_ms": slowest,
        "sql_ms": sql_ms,
        "jit_queries": jit,
    }


# --- gunicorn, HAProxy -----------------------------------------------------------------


@contextlib.contextmanager
def gunicorn(port: int, workers: int, env: dict):
    process = subprocess.Popen(  # noqa: S603 - our own command line
        [
            str(VENV_BIN / "gunicorn"),
            "bi18.wsgi",
            "--workers",
            str(workers),
            "--bind",
            f"127.0.0.1:{port}",
            "--log-level",
            "warning",
            "--timeout",
            "120",
        ],
        cwd=ROOT,
        env=env,
    )
    try:
        wait_for(f"http://127.0.0.1:{port}/healthz")
        yield process
    finally:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()


@contextlib.contextmanager
def haproxy(port: int, backends: list[int], workdir: Path):
    """HAProxy (Debian's package) on loopback, least-connections over the gunicorn instances."""
    binary = shutil.which("haproxy") or "/usr/sbin/haproxy"
    config = workdir / "haproxy.cfg"
    servers = "\n".join(f"    server web{i} 127.0.0.1:{p}" for i, p in enumerate(backends, 1))
    config.write_text(
        "global\n    maxconn 256\n"
        "defaults\n    mode http\n    timeout connect 5s\n    timeout client 120s\n"
        "    timeout server 120s\n    option http-keep-alive\n"
        f"frontend bench\n    bind 127.0.0.1:{port}\n    default_backend web\n"
        f"backend web\n    balance leastconn\n{servers}\n",
        encoding="utf-8",
    )
    process = subprocess.Popen([binary, "-db", "-f", str(config)])  # noqa: S603
    try:
        wait_for(f"http://127.0.0.1:{port}/healthz")
        yield process
    finally:
        process.terminate()
        process.wait(timeout=10)


def wait_for(url: str, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(url, timeout=5) as response:  # noqa: S310 - loopback
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.5)
    sys.exit(f"bench: {url} did not answer within {timeout:.0f} s")


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(p * len(ordered)) - 1))]


def drive(page: Page, base_url: str, seconds: int, users: int, workdir: Path) -> dict:
    """One run for one page: `users` connections, no think time, `seconds` long; the first
    second is warm-up and not counted."""
    from bench.load import drive as load

    load_before = os.getloadavg()[0]
    raw = load(
        base_url=base_url,
        urls=page.urls,
        cookies=page.cookies,
        post=page.post,
        seconds=seconds,
        connections=users,
    )
    counted = [s for s in raw if s.started >= 1.0]
    if not counted:
        return {"page": page.name, "count": 0, "errors": len(raw), "statuses": []}
    end = max(s.started + s.ms / 1000 for s in counted)
    ok = [s for s in counted if s.status == 200]
    latencies = [s.ms for s in ok]
    app = [s.app_ms for s in ok if s.app_ms is not None]
    queries = [s.queries for s in ok if s.queries is not None]
    return {
        "page": page.name,
        "count": len(ok),
        "errors": len(counted) - len(ok),
        "statuses": sorted({s.status for s in counted if s.status != 200}),
        "rps": len(ok) / max(end - 1.0, 0.001),
        "p50": percentile(latencies, 0.50) if latencies else 0.0,
        "p95": percentile(latencies, 0.95) if latencies else 0.0,
        "app_p50": percentile(app, 0.50) if app else 0.0,
        "app_p95": percentile(app, 0.95) if app else 0.0,
        "queries": max(queries) if queries else None,
        "load": load_before,
    }


# --- Report ------------------------------------------------------------------------------


def report(results: list[dict], floors: list[dict], explains: dict, args) -> str:
    floor_rps = statistics.fmean(f["rps"] for f in floors)
    floor_p95 = statistics.fmean(f["p95"] for f in floors)
    lines = [
        "| page | req/s | p50 ms | p95 ms | queries | in-process p50 / p95 ms "
        "| req/s ÷ floor | p95 ÷ floor | full reads (EXPLAIN) |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---|",
    ]
    for f in floors:
        lines.append(
            f"| {f['page']} | {f['rps']:.0f} | {f['p50']:.1f} | {f['p95']:.1f} | {f['queries']} "
            f"| {f['app_p50']:.1f} / {f['app_p95']:.1f} | 1 | 1 | |"
        )
    for r in results:
        if not r["count"]:
            lines.append(f"| {r['page']} | no successful request | | | | | | | |")
            continue
        full = explains.get(r["page"], {}).get("full_reads")
        if full is None:
            full_text = "not checked"
        else:
            tables = collections.Counter(f["table"] for f in full)
            full_text = ", ".join(f"{t} ×{n}" for t, n in tables.most_common()) or "none"
        errors = f" ({r['errors']} errors: {r['statuses']})" if r["errors"] else ""
        lines.append(
            f"| {r['page']}{errors} | {r['rps']:.1f} | {r['p50']:.0f} | {r['p95']:.0f} "
            f"| {r['queries']} | {r['app_p50']:.0f} / {r['app_p95']:.0f} "
            f"| {r['rps'] / floor_rps:.2f} | {r['p95'] / floor_p95:.1f} | {full_text} |"
        )
    details = [
        f"* {page}: {f['node']} of {f['table']} ({f['rows']:,.0f} rows) in `{f['sql'][:140]}…`"
        for page, e in explains.items()
        for f in {(f["table"], f["sql"][:140]): f for f in e.get("full_reads", [])}.values()
    ]
    if details:
        lines += ["\nFull reads found by EXPLAIN ANALYZE (one line per table and query):\n"]
        lines += details
    lines.append(
        f"\nFloor: {floor_rps:.0f} req/s, p95 {floor_p95:.1f} ms (mean of the runs first and last). "
        f"Targets (issue 11): req/s ÷ floor ≥ 0.33, p95 ÷ floor ≤ 3, in-process p95 ≤ 100 ms."
    )
    return "\n".join(lines)


def scale_out(pages: list[Page], args, env: dict, workdir: Path) -> str:
    """Throughput of one single-worker gunicorn against two behind HAProxy on loopback."""
    chosen = [FLOOR] + [p for p in pages if p.name in ("Family list", "Family detail", "Plan")]
    rows = []
    port_a, port_b, port_lb = free_port(), free_port(), free_port()
    with gunicorn(port_a, 1, env):
        single = {
            p.name: drive(p, f"http://127.0.0.1:{port_a}", args.seconds, 10, workdir)
            for p in chosen
        }
        with gunicorn(port_b, 1, env), haproxy(port_lb, [port_a, port_b], workdir):
            double = {
                p.name: drive(p, f"http://127.0.0.1:{port_lb}", args.seconds, 10, workdir)
                for p in chosen
            }
    for p in chosen:
        one, two = single[p.name], double[p.name]
        if one["count"] and two["count"]:
            rows.append(
                f"| {p.name} | {one['rps']:.0f} | {one['p95']:.0f} | {two['rps']:.0f} "
                f"| {two['p95']:.0f} | {two['rps'] / one['rps']:.2f}× |"
            )
    return "\n".join(
        [
            "| page | 1 instance × 1 worker: req/s | p95 ms | 2 instances × 1 worker "
            "behind HAProxy: req/s | p95 ms | throughput |",
            "|---|---:|---:|---:|---:|---:|",
            *rows,
        ]
    )


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--families", type=int, default=50_000, help="seed this many (new DB)")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--fresh", action="store_true", help="drop and reseed the bench DB")
    parser.add_argument("--seconds", type=int, default=20, help="load per page (default 20)")
    parser.add_argument("--connections", type=int, default=10)
    parser.add_argument("--workers", type=int, default=2, help="gunicorn sync workers")
    parser.add_argument("--only", help="comma-separated page names to run (substrings)")
    parser.add_argument("--no-explain", action="store_true")
    parser.add_argument("--scale-out", action="store_true", help="also 1 vs 2 instances")
    parser.add_argument("--output", type=Path, help="also write the Markdown here")
    args = parser.parse_args()

    url = os.environ.get("DATABASE_URL", DEFAULT_URL)
    fresh = prepare_database(url, reuse=not args.fresh)
    workdir = Path(tempfile.mkdtemp(prefix="bi18-bench-"))
    # Hashed file names as in production; whitenoise's compression is left out (it only
    # makes collectstatic slow; a page costs the same).
    os.environ["STATIC_ROOT"] = str(workdir / "static")
    os.environ["STATICFILES_STORAGE"] = (
        "django.contrib.staticfiles.storage.ManifestStaticFilesStorage"
    )
    setup_django(url)
    from django.core.management import call_command
    from django.db import connection

    call_command("collectstatic", interactive=False, verbosity=0)

    from families.models import Family

    started_load = load_average()
    if fresh or not _has_families():
        seed(args.families, args.seed)
    else:
        # A reused database follows the code's migrations (new tables are empty).
        call_command("migrate", verbosity=0)
    ensure_floor()
    families = Family.objects.count()
    log(f"{families:,} families; load average {started_load}")

    pages = [LOGGED_IN, *discover_pages()]
    if args.only:
        wanted = [w.strip().lower() for w in args.only.split(",")]
        pages = [p for p in pages if any(w in p.name.lower() for w in wanted)]
    cookies = {u: session_cookies(u) for u in {p.user for p in pages}}
    for page in pages:
        page.cookies = cookies[page.user]

    explains = {}
    if not args.no_explain:
        sizes = _table_sizes()
        for page in pages:
            log(f"EXPLAIN ANALYZE: {page.name}")
            explains[page.name] = explain_page(page, sizes)
    connection.close()

    env = dict(os.environ)
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    results, floors = [], []
    with gunicorn(port, args.workers, env):
        log(
            f"gunicorn: {args.workers} workers on {base}; {args.connections} connections, "
            f"{args.seconds} s per page"
        )
        floors.append(drive(FLOOR, base, args.seconds, args.connections, workdir))
        for page in pages:
            log(f"load: {page.name} (load average {load_average()})")
            results.append(drive(page, base, args.seconds, args.connections, workdir))
        floors.append(drive(FLOOR, base, args.seconds, args.connections, workdir))
    out = [
        f"## Run of {time.strftime('%Y-%m-%d %H:%M')}\n",
        f"{families:,} families; Python {platform.python_version()}, PostgreSQL "
        f"{connection.cursor().connection.info.server_version}, {os.cpu_count()} CPUs; gunicorn "
        f"{args.workers} sync workers, production settings; {args.connections} "
        f"connections, {args.seconds} s per page. Load average (1/5/15 min) at the start "
        f"{started_load}, at the end {load_average()}.\n",
        report(results, floors, explains, args),
    ]
    slow_sql = [
        f"{name}: {e['slowest_query_ms']:.0f} ms"
        for name, e in explains.items()
        if e.get("slowest_query_ms", 0) > 50
    ]
    if slow_sql:
        out.append(
            "\nSlowest single query (EXPLAIN ANALYZE, in process) over 50 ms: "
            + ", ".join(slow_sql)
            + "."
        )
    if explains:
        out.append(
            "\nSQL per page (EXPLAIN ANALYZE in process, planning + execution, summed over the "
            "page's SELECTs; queries compiled with JIT in brackets): "
            + ", ".join(
                f"{name}: {e['sql_ms']:.1f} ms ({e['jit_queries']} JIT)"
                for name, e in explains.items()
                if "sql_ms" in e
            )
            + "."
        )
    if args.scale_out:
        log("scale-out: 1 instance vs 2 behind HAProxy")
        out += ["\n### Scaling out\n", scale_out(pages, args, env, workdir)]
    text = "\n".join(out)
    print(text)
    if args.output:
        args.output.write_text(text + "\n", encoding="utf-8")
    shutil.rmtree(workdir, ignore_errors=True)


def _has_families() -> bool:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT to_regclass('public.families_family')")
        if cursor.fetchone()[0] is None:
            return False
        cursor.execute("SELECT EXISTS (SELECT 1 FROM families_family)")
        return cursor.fetchone()[0]


if __name__ == "__main__":
    main()
