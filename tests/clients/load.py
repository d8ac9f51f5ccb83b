"""Load against `sesm serve`, bounded in count and time, on 127.0.0.1 only.

    python load.py ENDPOINT

1. 1,000 idle connections and 500 slowloris connections (a header byte a second) stay open
   while a boto3 client makes 50 calls: each must be answered within 1 s.
2. 1,000 keep-alive clients send 5 requests each: all 5,000 answers must be 200.

Prints one line per part and "all ok"; exits 1 with what went wrong.
"""

import asyncio
import resource
import sys
import threading
import time

import boto3
from botocore.config import Config

ENDPOINT = sys.argv[1]
HOST, PORT = ENDPOINT.removeprefix("http://").rsplit(":", 1)
PORT = int(PORT)


def fail(what):
    print(f"FAIL: {what}", flush=True)
    sys.exit(1)


async def idle(conns, stop):
    try:
        _, w = await asyncio.open_connection(HOST, PORT)
    except OSError as e:
        fail(f"an idle connection was refused: {e}")
    conns.append(w)
    await stop.wait()
    w.close()


async def slowloris(conns, stop):
    try:
        r, w = await asyncio.open_connection(HOST, PORT)
    except OSError as e:
        fail(f"a slow connection was refused: {e}")
    conns.append(w)
    head = f"GET /v2/email/account HTTP/1.1\r\nHost: {HOST}:{PORT}\r\nX-Slow: " + "a" * 10_000
    for ch in head:
        if stop.is_set() or w.is_closing():
            break
        try:
            w.write(ch.encode())
            await w.drain()
        except OSError:
            break  # the server closed it at its header timeout: fine
        await asyncio.sleep(1)
    w.close()


def boto3_calls(results):
    c = boto3.client(
        "sesv2", region_name="us-east-1", endpoint_url=ENDPOINT,
        aws_access_key_id="AKIDEXAMPLE", aws_secret_access_key="x",
        config=Config(retries={"max_attempts": 1, "mode": "standard"}, connect_timeout=2, read_timeout=2),
    )
    for _ in range(50):
        start = time.perf_counter()
        c.get_account()
        results.append(time.perf_counter() - start)


async def part1():
    stop = asyncio.Event()
    conns = []
    tasks = [asyncio.create_task(idle(conns, stop)) for _ in range(1000)]
    tasks += [asyncio.create_task(slowloris(conns, stop)) for _ in range(500)]
    deadline = time.monotonic() + 20
    while len(conns) < 1500:
        if time.monotonic() > deadline:
            fail(f"only {len(conns)} of 1,500 connections opened")
        await asyncio.sleep(0.05)
    results = []
    t = threading.Thread(target=boto3_calls, args=(results,))
    t.start()
    while t.is_alive():
        await asyncio.sleep(0.05)
    stop.set()
    for task in tasks:
        task.cancel()
    await asyncio.gather(*tasks, return_exceptions=True)
    if len(results) != 50:
        fail(f"boto3 got {len(results)} of 50 answers")
    worst = max(results)
    if worst >= 1.0:
        fail(f"a boto3 call took {worst:.2f} s beside 1,000 idle and 500 slow connections")
    print(f"1,000 idle + 500 slowloris: 50 boto3 calls, slowest {worst * 1000:.0f} ms", flush=True)


async def keepalive_client(statuses):
    r, w = await asyncio.open_connection(HOST, PORT)
    for _ in range(5):
        w.write(f"GET /v2/email/account HTTP/1.1\r\nHost: {HOST}:{PORT}\r\n\r\n".encode())
        await w.drain()
        head = await r.readuntil(b"\r\n\r\n")
        status = int(head.split(b" ", 2)[1])
        length = 0
        for line in head.split(b"\r\n"):
            if line.lower().startswith(b"content-length:"):
                length = int(line.split(b":", 1)[1])
        await r.readexactly(length)
        statuses.append(status)
    w.close()


async def part2():
    statuses = []
    start = time.perf_counter()
    results = await asyncio.wait_for(
        asyncio.gather(*(keepalive_client(statuses) for _ in range(1000)), return_exceptions=True), 60)
    errors = [r for r in results if isinstance(r, BaseException)]
    if errors:
        fail(f"{len(errors)} keep-alive clients failed, e.g. {errors[0]!r}")
    ok = sum(1 for s in statuses if s == 200)
    if ok != 5000:
        fail(f"{ok} of 5,000 answers were 200 (others: {sorted(set(statuses))})")
    print(f"1,000 keep-alive clients x 5: 5,000 answers 200 in {time.perf_counter() - start:.1f} s", flush=True)


def main():
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (min(hard, 8192), hard))
    asyncio.run(part1())
    asyncio.run(part2())
    print("all ok", flush=True)


if __name__ == "__main__":
    main()
