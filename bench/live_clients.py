"""The open plan pages of bench/live.py, in a process of their own (no Django: light).

    python bench/live_clients.py CONFIG.json RESULTS.json

CONFIG: {"port", "web_port", "fetching", "clients": [{"family", "parent_goal", "session",
"youth"}]}. Opens every client's socket, prints "ready" once all have opened or been refused,
listens until a line "stop" arrives on stdin, then writes RESULTS: counters and one
[goal, k, notice_at, updated_at] per update (the k-th notice of that goal at that client),
times on CLOCK_MONOTONIC (`time.monotonic`), which every process of the machine shares, so
the driver compares them with the start of its saves.
"""

import asyncio
import json
import sys
import time

from websockets.asyncio.client import connect


class Clients:
    def __init__(self, config: dict):
        self.port, self.web_port = config["port"], config["web_port"]
        self.fetching = config["fetching"]
        self.config = config
        self.opening = asyncio.Semaphore(50)
        self.counts = dict.fromkeys(
            ("opened", "refused", "dropped", "leaked", "fetch_errors", "pushed"), 0
        )
        self.updates: list[list] = []
        self.fetches: set = set()

    async def fetch(self, client: dict, goal_id: int) -> None:
        path = f"/netvaerk/{client['family']}/plan/maal/{goal_id}/"
        reader, writer = await asyncio.open_connection("127.0.0.1", self.web_port)
        writer.write(
            (
                f"GET {path} HTTP/1.1\r\nHost: 127.0.0.1:{self.web_port}\r\n"
                f"Cookie: sessionid={client['session']}\r\nHX-Request: true\r\n"
                "X-BI18-Background: 1\r\nConnection: close\r\n\r\n"
            ).encode()
        )
        await writer.drain()
        head = await reader.readline()
        await reader.read()
        writer.close()
        if b" 200 " not in head:
            self.counts["fetch_errors"] += 1

    async def fetch_and_record(self, client: dict, goal: int, k: int, notice_at: float) -> None:
        try:
            await self.fetch(client, goal)
        except OSError:
            self.counts["fetch_errors"] += 1
            return
        self.updates.append([goal, k, notice_at, time.monotonic()])

    async def listen(self, client: dict) -> None:
        url = f"ws://127.0.0.1:{self.port}/ws/netvaerk/{client['family']}/plan/"
        seen: dict[int, int] = {}  # goal id -> notices received for it
        try:
            async with self.opening:
                ws = await connect(
                    url,
                    origin=f"http://127.0.0.1:{self.port}",
                    additional_headers={"Cookie": f"sessionid={client['session']}"},
                    open_timeout=30,
                    max_size=2**16,
                )
        except Exception:
            self.counts["refused"] += 1
            return
        self.counts["opened"] += 1
        try:
            async for raw in ws:
                message = json.loads(raw)
                if message.get("type") != "changed" or message.get("kind") != "goal":
                    continue
                notice_at = time.monotonic()
                goal = message["id"]
                k = seen.get(goal, 0)
                seen[goal] = k + 1
                if client["youth"] and goal == client["parent_goal"]:
                    self.counts["leaked"] += 1  # must never happen
                if "html" in message:
                    self.counts["pushed"] += 1
                    self.updates.append([goal, k, notice_at, notice_at])
                elif self.fetching:
                    # As a browser: the fetch runs beside the socket, which keeps reading.
                    task = asyncio.create_task(self.fetch_and_record(client, goal, k, notice_at))
                    self.fetches.add(task)
                    task.add_done_callback(self.fetches.discard)
                else:
                    self.updates.append([goal, k, notice_at, notice_at])
        except asyncio.CancelledError:
            raise
        except Exception:
            self.counts["dropped"] += 1
        finally:
            await ws.close()

    async def run(self) -> None:
        clients = self.config["clients"]
        listeners = [asyncio.create_task(self.listen(c)) for c in clients]
        deadline = time.monotonic() + 180
        while (
            self.counts["opened"] + self.counts["refused"] < len(clients)
            and time.monotonic() < deadline
        ):
            await asyncio.sleep(0.2)
        print("ready", flush=True)
        loop = asyncio.get_running_loop()
        while True:
            line = await loop.run_in_executor(None, sys.stdin.readline)
            if not line or line.strip() == "stop":
                break
        if self.fetches:
            await asyncio.wait(list(self.fetches), timeout=10)
        for task in listeners:
            task.cancel()
        await asyncio.gather(*listeners, return_exceptions=True)


def main() -> None:
    config_path, results_path = sys.argv[1], sys.argv[2]
    with open(config_path) as f:
        clients = Clients(json.load(f))
    asyncio.run(clients.run())
    with open(results_path, "w") as f:
        json.dump({"counts": clients.counts, "updates": clients.updates}, f)


if __name__ == "__main__":
    main()
