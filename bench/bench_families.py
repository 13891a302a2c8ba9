"""Benchmark the family pages at national scale (SPEC §8: 50,000 families).

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/bi18_bench \\
        .venv/bin/python bench/bench_families.py --families 50000

Uses its OWN PostgreSQL database, whose name must end in `_bench`: it refuses any other
name and any database holding a family that `seed_demo` did not make. Unless --reuse is
given it drops and recreates that database, migrates, and seeds it with
`families.demo.seed_demo` (timed), then runs ANALYZE and times the family list, search
and detail pages through Django's test client (in process: no network, no web server),
with production settings (DEBUG off). Prints the figures as Markdown tables.
"""

import argparse
import os
import platform
import statistics
import sys
import time
from pathlib import Path
from urllib.parse import urlparse

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/bi18_bench"
DEMO_PREFIX = "DEMO-"  # families.demo.DEMO_HOUSEHOLD_PREFIX (Django is not set up yet here)


def refuse(message: str) -> None:
    sys.exit(f"bench_families: refusing to run: {message}")


def _connect(parsed, dbname):
    import psycopg

    return psycopg.connect(
        host=parsed.hostname or "127.0.0.1",
        port=parsed.port or 5432,
        user=parsed.username or "postgres",
        password=parsed.password,
        dbname=dbname,
        autocommit=True,
    )


def prepare_database(url: str, reuse: bool) -> bool:
    """Check the database is ours; recreate it unless reusing. Returns True if it is new."""
    parsed = urlparse(url)
    if parsed.scheme not in ("postgres", "postgresql", "pgsql"):
        refuse("DATABASE_URL must point at PostgreSQL.")
    dbname = parsed.path.lstrip("/")
    if not dbname.endswith("_bench"):
        refuse(f"the database name {dbname!r} does not end in '_bench'; use a database of its own.")
    with _connect(parsed, "postgres") as admin:
        exists = admin.execute("SELECT 1 FROM pg_database WHERE datname = %s", [dbname]).fetchone()
    if exists:
        with _connect(parsed, dbname) as conn:
            has_table = conn.execute("SELECT to_regclass('public.families_family')").fetchone()[0]
            if has_table:
                foreign = conn.execute(
                    "SELECT count(*) FROM families_family "
                    "WHERE household_id IS NULL OR household_id NOT LIKE %s",
                    [DEMO_PREFIX + "%"],
                ).fetchone()[0]
                if foreign:
                    refuse(f"{dbname} holds {foreign} families that are not demo data.")
    if reuse and exists:
        return False
    with _connect(parsed, "postgres") as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{dbname}" WITH (FORCE)')
        admin.execute(f'CREATE DATABASE "{dbname}"')
    return True


def setup_django(url: str) -> None:
    os.environ["DATABASE_URL"] = url
    # Production settings (DEBUG off) with throwaway keys, plain HTTP for the test client.
    for key, value in {
        "DEBUG": "false",
        "SECRET_KEY": "bench-only-secret-key-" + "x" * 40,
        "CPR_HASH_KEY": "bench-only-cpr-hash-key",
        "CPR_ENCRYPTION_KEY": "bench-only-cpr-encryption-key",
        "SECURE_SSL_REDIRECT": "false",
        "SECURE_COOKIES": "false",
        "STATICFILES_STORAGE": "django.contrib.staticfiles.storage.StaticFilesStorage",
        "ALLOWED_HOSTS": "testserver",
        "LOG_LEVEL": "WARNING",
    }.items():
        os.environ.setdefault(key, value)
    os.environ["DJANGO_SETTINGS_MODULE"] = "bi18.settings"
    sys.path.insert(0, str(ROOT))
    import warnings

    import django

    warnings.filterwarnings("ignore", message="No directory at")  # whitenoise: no collectstatic
    django.setup()


def timed_requests(client, make_request, n: int, warmup: int = 5) -> dict:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    for i in range(warmup):
        make_request(i)
    with CaptureQueriesContext(connection) as ctx:
        response = make_request(0)
    queries = len(ctx)
    times = []
    for i in range(n):
        started = time.perf_counter()
        response = make_request(i)
        times.append((time.perf_counter() - started) * 1000)
        assert response.status_code == 200, response.status_code
    times.sort()
    return {
        "p50": statistics.median(times),
        "p95": times[min(len(times) - 1, int(round(0.95 * len(times))) - 1)],
        "mean": statistics.fmean(times),
        "rps": 1000 / statistics.fmean(times),
        "queries": queries,
        "response": response,
    }


def run_pages(n: int) -> list[tuple[str, dict]]:
    from django.contrib.auth import get_user_model
    from django.test import Client
    from django.urls import reverse

    from families.cpr import decrypt_cpr
    from families.models import Family, Person

    user = get_user_model().objects.get(username="sagsbehandler")
    client = Client()
    client.force_login(user)
    # Staff sign in by single sign-on in production (the provider enforces the second
    # factor); a bare log-in would stop at the second-factor step (bench/run.py does the same).
    from bi18.accounts.login import AUTH_METHOD_SSO, SESSION_AUTH_METHOD

    session = client.session
    session[SESSION_AUTH_METHOD] = AUTH_METHOD_SSO
    session.save()
    mine = list(
        Family.objects.visible_to(user).order_by("case_number").values_list("pk", flat=True)
    )
    district = Family.objects.filter(pk=mine[0]).values_list("district", flat=True).get()
    person = Person.objects.filter(family_id=mine[-1]).exclude(cpr_hash=None).first()
    cpr = decrypt_cpr(person.cpr_encrypted).formatted
    list_url = reverse("families:list")
    search_url = reverse("families:search")

    def search(q):
        def make(_i):
            redirect = client.post(search_url, {"q": q})
            return client.get(redirect["Location"])

        return make

    results = [
        (
            f"Family list, page 1 ({len(mine)} families visible)",
            timed_requests(client, lambda i: client.get(list_url), n),
        ),
        (
            "Family list, filtered by district and status",
            timed_requests(
                client, lambda i: client.get(f"{list_url}?district={district}&status=active"), n
            ),
        ),
        ("Name search: POST + redirected GET", timed_requests(client, search(person.last_name), n)),
        ("CPR search: POST + redirected GET", timed_requests(client, search(cpr), n)),
        (
            "Family detail (cycling through the user's families)",
            timed_requests(
                client,
                lambda i: client.get(reverse("families:detail", args=[mine[i % len(mine)]])),
                n,
            ),
        ),
    ]
    # The CPR search found exactly the family of the person searched for.
    found = results[3][1]["response"].content.decode()
    case_numbers = dict(
        Family.objects.filter(pk__in=[mine[0], mine[-1]]).values_list("pk", "case_number")
    )
    assert case_numbers[mine[-1]] in found and case_numbers[mine[0]] not in found, (
        "CPR search failed"
    )
    return results


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--families", type=int, default=50_000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument(
        "--requests", type=int, default=50, help="timed requests per page (default 50)"
    )
    parser.add_argument(
        "--reuse", action="store_true", help="keep an already seeded bench database"
    )
    args = parser.parse_args()

    url = os.environ.get("DATABASE_URL", DEFAULT_URL)
    fresh = prepare_database(url, args.reuse)
    setup_django(url)

    from django.core.management import call_command
    from django.db import connection

    from families import demo
    from families.models import Family, NetworkMember, Person, PersonAssignment

    print(f"# bench_families: {args.families:,} families, seed {args.seed}")
    print(
        f"Python {platform.python_version()}, PostgreSQL {connection.cursor().connection.info.server_version}, "
        f"{os.cpu_count()} CPU(s), database {connection.settings_dict['NAME']}, "
        f"load average {os.getloadavg()[0]:.1f} at start\n"
    )
    if fresh:
        started = time.perf_counter()
        call_command("migrate", verbosity=0)
        print(f"migrate: {time.perf_counter() - started:.1f} s")
        result = demo.seed_demo(
            families=args.families, seed=args.seed, progress=lambda m: print("  " + m, flush=True)
        )
        started = time.perf_counter()
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
        analyze = time.perf_counter() - started
        t = result.timings
        people = result.parents + result.children
        print("\n## Seeding\n")
        print("| step | seconds |\n|---|---:|")
        for key, value in t.items():
            if key != "total":
                print(f"| {key} | {value:.1f} |")
        print(f"| **total seed_demo** | **{t['total']:.1f}** |")
        print(f"| ANALYZE | {analyze:.1f} |")
        print(
            f"\n{result.families:,} families, {people:,} people ({result.parents:,} parents, "
            f"{result.children:,} children), {result.members:,} network-group members, "
            f"{result.assignments:,} assignments: {people / t['total']:,.0f} people/s; "
            f"CPR hash + Fernet {t['cpr_hash_and_encrypt'] / people * 1e6:.1f} µs per person."
        )
    else:
        print(
            f"Reusing {Family.objects.count():,} families, {Person.objects.count():,} people, "
            f"{NetworkMember.objects.count():,} members, {PersonAssignment.objects.count():,} assignments."
        )

    print(
        f"\n## Pages ({args.requests} requests each after 5 warm-up, Django test client, user `sagsbehandler`)\n"
    )
    print("| page | SQL queries | p50 ms | p95 ms | mean ms | requests/s |")
    print("|---|---:|---:|---:|---:|---:|")
    for name, r in run_pages(args.requests):
        print(
            f"| {name} | {r['queries']} | {r['p50']:.1f} | {r['p95']:.1f} | {r['mean']:.1f} | {r['rps']:.0f} |"
        )
    print(f"\nLoad average at the end: {os.getloadavg()[0]:.1f} (the machine may be shared).")


if __name__ == "__main__":
    main()
