"""Live meeting mode under load (issue 14): many open plan pages, one save per second per family.

    REDIS_URL=redis://127.0.0.1:6379/0 \\
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/bi18_live_bench \\
        .venv/bin/python bench/live.py --families 200 --clients 6 --seconds 60

1. Recreates its OWN PostgreSQL database (the name must end in `_bench`, as bench_families.py
   guards) and fills it: N families (a parent and a young person, a goal about each), one
   network group of `--clients` staff users per family — the last one a UU counsellor, who
   may see the young person's goal but not the parent's — and a session per user (as a
   single sign-on log-in, so no second-factor step).
2. Starts the servers as production runs them — uvicorn for the sockets (production settings,
   `--live-workers` processes, channels-redis on REDIS_URL) and gunicorn for the pages and fragments — on free loopback
   ports, and opens `--clients` sockets per family, each with its user's session cookie and
   the site's Origin (N × clients sockets in all).
3. Saves one goal per family per second (alternately the parent's and the young person's) for
   `--seconds`, through the same service the plan page calls (`goal_update`: version check,
   history, audit, after-commit notice), from `--save-processes` processes of `--threads`
   threads each, as gunicorn's workers would (each family's saves in one of them).
4. The saving process renders the goal's fragment once per audience class after the commit
   and pushes it with the notice to that class's group (networkgroup.live.push); the sockets
   only forward it: a socket that received the HTML has its update. A
   notice without HTML makes the client fetch the fragment from gunicorn as the page does
   (`--no-fetch`: stop at the notice). Per save it measures the time from the start of the
   save to the moment EVERY socket that should learn of it had its update, and checks that no
   socket learnt of a save it may not see.
5. Prints, as Markdown: sockets opened, saves, deliveries (expected / received / refused to
   the UU socket), median, p95 and max of save → every client's update and of save → notice, and
   the ASGI server's resident memory before the sockets, with them open, and at its peak.

The open pages run in a process of their own (bench/live_clients.py, no Django), the saves in
processes forked from this one; all share the machine with the servers (2 cores here),
so their CPU use is part of the figure. Bounded in time and count; everything it starts is stopped at the end.
"""

import argparse
import asyncio
import contextlib
import json
import os
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.bench_families import prepare_database, setup_django  # noqa: E402

DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/bi18_live_bench"
VENV_BIN = Path(sys.executable).parent


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def rss_kb(pid: int) -> int:
    """Resident memory of `pid` and its children (uvicorn's workers)."""
    total = 0
    with contextlib.suppress(OSError):
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                total += int(line.split()[1])
        for task in Path(f"/proc/{pid}/task").iterdir():
            for child in (task / "children").read_text().split():
                total += rss_kb(int(child))
    return total


def cpu_seconds(pid: int) -> float:
    """CPU time (user + system) used so far by `pid` and its children."""
    total = 0.0
    with contextlib.suppress(OSError):
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        total += (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
        for task in Path(f"/proc/{pid}/task").iterdir():
            for child in (task / "children").read_text().split():
                total += cpu_seconds(int(child))
    return total


def machine_busy() -> tuple[float, float]:
    """(busy, total) CPU seconds of the whole machine so far (every user's processes)."""
    fields = [int(v) for v in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
    idle = fields[3] + fields[4]
    tick = os.sysconf("SC_CLK_TCK")
    return (sum(fields) - idle) / tick, sum(fields) / tick


def percentile(values, p: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))]


# --- 1. data --------------------------------------------------------------------------------


def build_world(families: int, clients: int):
    """Families, one group of `clients` users per family: (world, [(user, role)])."""
    from django.contrib.auth.models import Group
    from django.core.management import call_command

    from bi18.accounts.models import User
    from bi18.accounts.roles import Role
    from families.models import District, Family, NetworkMember, Person, PersonRole
    from families.registry import families_created
    from networkgroup import selectors, services
    from networkgroup.models import PlanArea

    call_command("migrate", verbosity=0)
    roles = [Role.FAMILY_CASEWORKER, Role.EMPLOYMENT_CONSULTANT, Role.COMPANY_CONSULTANT]
    users = []
    for i in range(clients):
        role = Role.YOUTH_GUIDANCE_COUNSELLOR if i == clients - 1 else roles[i % len(roles)]
        user = User.objects.create(
            username=f"live{i}", first_name=f"Medlem{i}", last_name="Bench", is_active=True
        )
        user.groups.add(Group.objects.get(name=str(role)))
        users.append((user, role))
    world = []
    for n in range(families):
        family = Family.objects.create(
            case_number=f"LIVE-{n:05d}",
            household_id=f"DEMO-LIVE-{n:05d}",  # bench_families' guard: demo data only
            district=District.NOERREBRO,
            cohort="bench",
        )
        families_created([family.pk])
        parent = Person.objects.create(
            family=family, role=PersonRole.PARENT, first_name="Forælder", last_name=str(n)
        )
        young = Person.objects.create(
            family=family, role=PersonRole.CHILD, first_name="Ung", last_name=str(n)
        )
        NetworkMember.objects.bulk_create(
            NetworkMember(family=family, user=u, group_role=str(r), is_coordinator=(i == 0))
            for i, (u, r) in enumerate(users)
        )
        plan = selectors.plan_for_family(family=family)
        actor = users[0][0]
        goals = [
            services.goal_create(
                actor=actor, plan=plan, person=parent, area=PlanArea.EMPLOYMENT, text="Praktik"
            ),
            services.goal_create(
                actor=actor, plan=plan, person=young, area=PlanArea.EDUCATION, text="Dansk"
            ),
        ]
        world.append(
            {"family": family.pk, "goals": [g.pk for g in goals], "parent_goal": goals[0].pk}
        )
    return world, users


def existing_world(families: int, clients: int):
    """The world a previous run filled (`--reuse`), or None if it has another shape."""
    from bi18.accounts.models import User
    from bi18.accounts.roles import Role
    from families.models import Family, PersonRole
    from networkgroup.models import Goal

    users = list(User.objects.filter(username__startswith="live").order_by("pk"))
    family_ids = list(
        Family.objects.filter(case_number__startswith="LIVE-")
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    if len(users) != clients or len(family_ids) != families:
        return None
    goals: dict[int, list] = {}
    for pk, family_id, role in (
        Goal.objects.filter(plan__family_id__in=family_ids)
        .order_by("pk")
        .values_list("pk", "plan__family_id", "person__role")
    ):
        goals.setdefault(family_id, []).append((pk, role))
    world = [
        {
            "family": family_id,
            "goals": [pk for pk, _role in goals[family_id]],
            "parent_goal": next(pk for pk, role in goals[family_id] if role == PersonRole.PARENT),
        }
        for family_id in family_ids
    ]
    roles = [Role.YOUTH_GUIDANCE_COUNSELLOR if i == clients - 1 else None for i in range(clients)]
    return world, list(zip(users, roles, strict=True))


def open_sessions(users):
    """A single sign-on session per user."""
    from bi18.accounts.login import AUTH_METHOD_SSO, SESSION_AUTH_METHOD
    from bi18.accounts.middleware import SESSION_AUTH_AT, SESSION_SEEN_AT
    from bi18.accounts.roles import Role
    from bi18.accounts.sessions import SessionStore

    sessions = []
    now = time.time()
    for user, role in users:
        store = SessionStore()
        store["_auth_user_id"] = str(user.pk)
        store["_auth_user_backend"] = "django.contrib.auth.backends.ModelBackend"
        store["_auth_user_hash"] = user.get_session_auth_hash()
        store[SESSION_AUTH_METHOD] = AUTH_METHOD_SSO
        store[SESSION_AUTH_AT] = now
        store[SESSION_SEEN_AT] = now
        store.create()
        sessions.append(
            {
                "key": store.session_key,
                "youth": role == Role.YOUTH_GUIDANCE_COUNSELLOR,
                "user": user,
            }
        )
    return sessions


# --- 2. the server --------------------------------------------------------------------------


def start_web(port: int, env: dict, workers: int) -> subprocess.Popen:
    """gunicorn, as production serves the pages and the fragments the live pages fetch."""
    command = [
        str(VENV_BIN / "gunicorn"),
        "bi18.wsgi",
        f"--workers={workers}",
        f"--bind=127.0.0.1:{port}",
        "--access-logfile=/dev/null",
        "--log-level=warning",
    ]
    return _started(subprocess.Popen(command, cwd=ROOT, env=env, start_new_session=True), port)  # noqa: S603


def start_server(port: int, env: dict, workers: int) -> subprocess.Popen:
    command = [
        str(VENV_BIN / "uvicorn"),
        "bi18.asgi:application",
        "--host=127.0.0.1",
        f"--port={port}",
        f"--workers={workers}",
        "--ws=websockets-sansio",
        "--no-proxy-headers",
        "--no-access-log",
        "--log-level=warning",
    ]
    # As docker-compose's `live`: no persistent connections for the HTTP threads; the
    # sockets' calls keep one per process (networkgroup.live.db).
    env = {**env, "CONN_MAX_AGE": "0"}
    return _started(subprocess.Popen(command, cwd=ROOT, env=env, start_new_session=True), port)  # noqa: S603


def _started(server: subprocess.Popen, port: int) -> subprocess.Popen:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        with contextlib.suppress(OSError):
            urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=2)
            return server
        if server.poll() is not None:
            sys.exit(f"bench/live.py: the server on :{port} did not start")
        time.sleep(0.3)
    stop_server(server)
    sys.exit(f"bench/live.py: the server on :{port} did not answer /healthz within 60 s")


def stop_server(server: subprocess.Popen) -> None:
    with contextlib.suppress(ProcessLookupError):
        os.killpg(server.pid, signal.SIGTERM)
    try:
        server.wait(timeout=15)
    except subprocess.TimeoutExpired:
        os.killpg(server.pid, signal.SIGKILL)


# --- 3./4. load -----------------------------------------------------------------------------


class Run:
    def __init__(self, fetching: bool):
        self.fetching = fetching
        self.opened = self.refused = self.dropped = self.leaked = self.fetch_errors = 0
        self.pushed = self.failed = 0
        self.cpu = {"saving processes": 0.0}
        self.saves: dict[int, list[dict]] = {}  # goal id -> its saves in order
        self.save_seconds: list[float] = []
        self.lock = threading.Lock()

    def delivered(self, goal: int, k: int, notice_at: float, updated_at: float) -> None:
        saves = self.saves.get(goal, [])
        if k < len(saves):
            save = saves[k]
            save["notices"].append(notice_at - save["at"])
            save["updates"].append(updated_at - save["at"])


def start_clients(args, world, sessions, port, web_port, workdir: Path) -> subprocess.Popen:
    """The open pages, in their own process (bench/live_clients.py): their CPU is not the
    saving process's, and their event loop is not slowed by the saves' threads."""
    config = {
        "port": port,
        "web_port": web_port,
        "fetching": not args.no_fetch,
        "clients": [
            {
                "family": family["family"],
                "parent_goal": family["parent_goal"],
                "session": session["key"],
                "youth": session["youth"],
            }
            for family in world
            for session in sessions
        ],
    }
    (workdir / "config.json").write_text(json.dumps(config))
    clients = subprocess.Popen(  # noqa: S603
        [
            sys.executable,
            str(ROOT / "bench" / "live_clients.py"),
            str(workdir / "config.json"),
            str(workdir / "results.json"),
        ],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
        start_new_session=True,
    )
    if clients.stdout.readline().strip() != "ready":
        stop_server(clients)
        sys.exit("bench/live.py: the clients' process did not get ready")
    return clients


def save_share(args, world, actor_pk: int, share: int, start: float, out: str) -> None:
    """One saving process (`--save-processes`, as one gunicorn worker): the saves of the
    families n with n % processes == share, on the common schedule, from its own threads;
    writes [goal, started, seconds] per save to `out`."""
    from django.db import connections

    from bi18.accounts.models import User
    from networkgroup import services
    from networkgroup.models import Goal

    connections.close_all()  # never share the parent's connection after the fork
    actor = User.objects.get(pk=actor_pk)
    versions = dict(
        Goal.objects.filter(pk__in=[g for family in world for g in family["goals"]]).values_list(
            "pk", "version"
        )
    )
    goals = {g: Goal(pk=g) for g in versions}
    done: list[list] = []
    lock = threading.Lock()

    def save(goal_id: int, n: int, started: float) -> None:
        services.goal_update(
            actor=actor,
            goal=goals[goal_id],
            # A text of this run's own: with --reuse, the same text as the last run's would
            # change nothing, and a save that changes nothing announces nothing.
            text=f"Gemt {n} ({start:.0f})",
            version=versions[goal_id],
        )
        versions[goal_id] += 1
        with lock:
            done.append([goal_id, started, time.monotonic() - started])

    def run_save(goal_id: int, n: int) -> None:
        # CLOCK_MONOTONIC: the clients' process reads the same clock.
        started = time.monotonic()
        try:
            save(goal_id, n, started)
        except Exception as error:  # counted as a save that reached nobody
            with lock:
                done.append([goal_id, started, None])
            print(f"save failed: {error!r}", file=sys.stderr)

    interval = 1.0 / (args.rate or len(world))
    with ThreadPoolExecutor(max_workers=args.threads) as pool:
        n = 0
        while True:
            at = start + n * interval
            if at - start >= args.seconds:
                break
            index = n % len(world)
            if index % args.save_processes == share:
                delay = at - time.monotonic()
                if delay > 0:
                    time.sleep(delay)
                family = world[index]
                pool.submit(run_save, family["goals"][(n // len(world)) % 2], n)
            n += 1
    times = os.times()
    Path(out).write_text(json.dumps({"saves": done, "cpu": times.user + times.system}))


async def load(args, world, sessions, actor, clients: subprocess.Popen, workdir: Path) -> Run:
    import multiprocessing

    from django.db import connections

    run = Run(fetching=not args.no_fetch)
    # A meeting under way, not one starting: wait until the ASGI server has worked off the
    # sockets' opening (admissions, every member's presence to every other), at most 120 s.
    settle_start = time.monotonic()
    used = cpu_seconds(args.server_pid)
    while time.monotonic() - settle_start < 120:
        await asyncio.sleep(1)
        used, before = cpu_seconds(args.server_pid), used
        if used - before < args.settled_cpu:
            break
    run.settle_seconds = time.monotonic() - settle_start
    run.memory_open_kb = rss_kb(args.server_pid)
    server_cpu, clients_cpu = cpu_seconds(args.server_pid), cpu_seconds(clients.pid)
    busy, total = machine_busy()

    # Warm as a gunicorn worker that has served pages: the URLconf imported, templates
    # compiled (else each saving process pays that on its first saves, inside the figures).
    from django.template.loader import get_template
    from django.urls import reverse

    reverse("networkgroup:goal_edit", args=[1, 1])
    for name in ("_goal_header", "_goal", "_action_row", "_decision_list"):
        get_template(f"networkgroup/{name}.html")
    connections.close_all()
    context = multiprocessing.get_context("fork")
    start = time.monotonic() + 0.5
    savers = [
        context.Process(
            target=save_share,
            args=(args, world, actor.pk, share, start, str(workdir / f"saves-{share}.json")),
        )
        for share in range(args.save_processes)
    ]
    for saver in savers:
        saver.start()
    peak = run.memory_open_kb
    while any(saver.is_alive() for saver in savers):
        await asyncio.sleep(1)
        peak = max(peak, rss_kb(args.server_pid))
    run.saving_seconds = time.monotonic() - start  # longer than --seconds if saves queued
    for share, saver in enumerate(savers):
        path = workdir / f"saves-{share}.json"
        if saver.exitcode != 0 or not path.exists():
            sys.exit(f"bench/live.py: saving process {share} failed ({saver.exitcode})")
        result = json.loads(path.read_text())
        run.cpu["saving processes"] += result["cpu"]
        for goal, started, seconds in sorted(result["saves"], key=lambda r: r[1]):
            run.saves.setdefault(goal, []).append({"at": started, "notices": [], "updates": []})
            if seconds is not None:
                run.save_seconds.append(seconds)
            else:
                run.failed += 1
    await asyncio.sleep(args.grace)  # let the last updates arrive
    run.memory_peak_kb = max(peak, rss_kb(args.server_pid))
    run.cpu["ASGI server"] = cpu_seconds(args.server_pid) - server_cpu
    run.cpu["clients"] = cpu_seconds(clients.pid) - clients_cpu
    busy_after, total_after = machine_busy()
    run.machine = (busy_after - busy, total_after - total)
    run.expected_per_goal = {
        g: (len(sessions) - sum(s["youth"] for s in sessions))
        if g == family["parent_goal"]
        else len(sessions)
        for family in world
        for g in family["goals"]
    }
    return run


def collect(run: Run, clients: subprocess.Popen, workdir: Path) -> None:
    clients.stdin.write("stop\n")
    clients.stdin.flush()
    clients.wait(timeout=60)
    results = json.loads((workdir / "results.json").read_text())
    for name, value in results["counts"].items():
        setattr(run, name, value)
    for goal, k, notice_at, updated_at in results["updates"]:
        run.delivered(goal, k, notice_at, updated_at)


def report(args, run: Run, memory_idle_kb: int) -> None:
    saves = [(g, s) for g, rows in run.saves.items() for s in rows]
    complete, notices, every_update = 0, [], []
    expected = received = 0
    for goal, save in saves:
        want = run.expected_per_goal[goal]
        expected += want
        received += len(save["updates"])
        notices.extend(save["notices"])
        if len(save["updates"]) >= want:
            complete += 1
            every_update.append(max(save["updates"]))
    ms = lambda v: f"{v * 1000:.0f} ms"  # noqa: E731
    sockets = args.families * args.clients
    print(f"\n### Live meeting mode: {args.families} families × {args.clients} clients\n")
    print("| what | figure |\n|---|---:|")
    print(
        f"| sockets opened / refused / dropped | {run.opened} / {run.refused} / {run.dropped} (of {sockets}) |"
    )
    rate = f"{args.rate:g} per second in all" if args.rate else "one per family per second"
    print(f"| saves ({rate}, {args.seconds} s) | {len(saves)} |")
    print(
        f"| saves done in ({args.save_processes} saving processes × {args.threads} threads) | {run.saving_seconds:.0f} s ({len(saves) / run.saving_seconds:.0f} saves/s) |"
    )
    print(f"| saves that failed | {run.failed} |")
    print(f"| waited for the sockets' opening to settle | {run.settle_seconds:.0f} s |")
    print(
        f"| save (service call incl. commit and publish), median / p95 | {ms(statistics.median(run.save_seconds))} / {ms(percentile(run.save_seconds, 95))} |"
    )
    print(f"| deliveries expected / received | {expected} / {received} |")
    print(f"| notices about a parent at a UU socket (must be 0) | {run.leaked} |")
    print(f"| updates pushed as HTML over the socket | {run.pushed} |")
    if run.fetching:
        print(f"| fragment fetches that failed | {run.fetch_errors} |")
    print(
        f"| save → notice at a socket, median / p95 | {ms(statistics.median(notices)) if notices else '–'} / {ms(percentile(notices, 95))} |"
    )
    what = (
        "pushed fragment" if run.pushed else ("notice and fragment" if run.fetching else "notice")
    )
    print(
        f"| save → every client's update ({what}), median / p95 / max | {ms(statistics.median(every_update)) if every_update else '–'} / {ms(percentile(every_update, 95))} / {ms(max(every_update)) if every_update else '–'} |"
    )
    print(f"| saves that reached every client | {complete} of {len(saves)} |")
    print(
        f"| ASGI server memory (RSS): idle / sockets open / peak | {memory_idle_kb // 1024} / {run.memory_open_kb // 1024} / {run.memory_peak_kb // 1024} MiB |"
    )
    print(
        "| CPU seconds during the run: "
        + ", ".join(f"{name} {seconds:.1f}" for name, seconds in run.cpu.items())
        + f"; whole machine {run.machine[0]:.1f} of {run.machine[1]:.1f} |"
    )
    if saves and received:
        print(
            f"| CPU per save (saving processes) / per delivery (ASGI server) | "
            f"{run.cpu['saving processes'] / len(saves) * 1000:.1f} ms / "
            f"{run.cpu['ASGI server'] / received * 1000:.2f} ms |"
        )
    print(f"\nload average after the run: {' '.join(f'{x:.1f}' for x in os.getloadavg())}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--families", type=int, default=200)
    parser.add_argument("--clients", type=int, default=6, help="open pages per family (≥ 2)")
    parser.add_argument("--seconds", type=int, default=60)
    parser.add_argument(
        "--threads", type=int, default=8, help="concurrent saves per saving process"
    )
    parser.add_argument(
        "--save-processes",
        type=int,
        default=1,
        help="saving processes (as gunicorn workers), each with its own threads",
    )
    parser.add_argument(
        "--settled-cpu",
        type=float,
        default=0.3,
        help="the opening has settled when the ASGI server uses less CPU than this per second",
    )
    parser.add_argument(
        "--rate",
        type=float,
        default=0,
        help="saves per second in all, round the families (default: one per family per second)",
    )
    parser.add_argument(
        "--grace", type=float, default=5.0, help="seconds to wait after the last save"
    )
    parser.add_argument("--no-fetch", action="store_true", help="stop at the notice")
    parser.add_argument(
        "--reuse",
        action="store_true",
        help="keep the families of the previous run if it had as many (faster start)",
    )
    parser.add_argument(
        "--web-workers", type=int, default=2, help="gunicorn workers for the fetches"
    )
    parser.add_argument(
        "--live-workers", type=int, default=2, help="uvicorn worker processes for the sockets"
    )
    args = parser.parse_args()
    if args.clients < 2:
        parser.error("--clients must be at least 2 (the last is the UU counsellor)")
    redis_url = os.environ.get("REDIS_URL", "")
    if not redis_url:
        sys.exit("bench/live.py: set REDIS_URL: the server and this driver meet in channels-redis")
    url = os.environ.get("DATABASE_URL", DEFAULT_URL)
    print(f"load average before: {' '.join(f'{x:.1f}' for x in os.getloadavg())}", flush=True)
    new = prepare_database(url, reuse=args.reuse)
    os.environ["ALLOWED_HOSTS"] = "127.0.0.1,localhost,testserver"
    setup_django(url)
    found = None if new else existing_world(args.families, args.clients)
    if found is None and not new:
        from django.db import connections

        connections.close_all()
        prepare_database(url, reuse=False)  # another shape: fill again
    if found is None:
        print(f"filling {args.families} families × {args.clients} members …", flush=True)
        found = build_world(args.families, args.clients)
    world, users = found
    sessions = open_sessions(users)
    actor = users[0][0]

    port, web_port = free_port(), free_port()
    env = {**os.environ, "DATABASE_URL": url, "REDIS_URL": redis_url, "LOG_LEVEL": "WARNING"}
    server = start_server(port, env, args.live_workers)
    web = start_web(web_port, env, args.web_workers) if not args.no_fetch else None
    try:
        args.server_pid = server.pid
        memory_idle_kb = rss_kb(server.pid)
        print(
            f"sockets on :{port}, pages on :{web_port}; opening {args.families * args.clients} sockets …",
            flush=True,
        )
        with tempfile.TemporaryDirectory() as workdir:
            clients = start_clients(args, world, sessions, port, web_port, Path(workdir))
            try:
                run = asyncio.run(load(args, world, sessions, actor, clients, Path(workdir)))
                collect(run, clients, Path(workdir))
            finally:
                stop_server(clients)
    finally:
        stop_server(server)
        if web is not None:
            stop_server(web)
    report(args, run, memory_idle_kb)


if __name__ == "__main__":
    main()
