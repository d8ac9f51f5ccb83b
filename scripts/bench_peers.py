"""`scripts/bench.py --peers`: sesm side by side with the mail catchers people use instead.

Installs, pinned, into a scratch folder (`target/bench-peers`, never committed)
aws-ses-v2-local (npm, SESv2 SendEmail in memory) and aiosmtpd (PyPI, an SMTP server whose
Sink handler drops each message), then runs them beside sesm in interleaved rounds (the
order turns each round) with the same clients: SendEmail over raw HTTP keep-alive
connections, SMTP with smtplib, from 1, 4 and 16 clients, each client a process of its own
(so Python's GIL does not cap the rate). Prints messages per second, p50 and p99 latency, the
peer's rate over sesm's (median and range over rounds), resident memory after the sends and
the time from start to first answer. `--baseline BIN` runs another sesm build (today's main)
in the same rounds.

With `--baseline`, `lone_latency` compares one client's SendEmail latency of the two builds,
both up at once and sent to in alternating blocks.

`kept_latency` is the row of issue 29, item 13: SendEmail latency as the outbox fills to
10,000 kept messages with 9 KB of headers each, through a configuration set that publishes
events (so each message is tracked), first and last 500 compared.
"""

import http.client
import json
import multiprocessing
import os
import shutil
import smtplib
import statistics
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SCRATCH = os.path.join(ROOT, "target", "bench-peers")
SES_V2_LOCAL = "aws-ses-v2-local@2.10.2"
AIOSMTPD = "aiosmtpd==1.4.6"
AUTH = ("AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20261205/us-east-1/ses/aws4_request, "
        "SignedHeaders=host, Signature=00")
SENDER = "news@example.com"


def install():
    """Installs the pinned peers into the scratch folder (once)."""
    node = os.path.join(SCRATCH, "node")
    cli = os.path.join(node, "node_modules", "aws-ses-v2-local", "dist", "cli.js")
    if not os.path.exists(cli):
        os.makedirs(node, exist_ok=True)
        subprocess.run(["npm", "install", "--prefix", node, "--no-audit", "--no-fund", SES_V2_LOCAL],
                       check=True, stdout=subprocess.DEVNULL)
    venv = os.path.join(SCRATCH, "venv")
    python = os.path.join(venv, "bin", "python")
    if not os.path.exists(python):
        subprocess.run([sys.executable, "-m", "venv", venv], check=True)
    subprocess.run([python, "-m", "pip", "install", "-q", AIOSMTPD], check=True)
    return cli, python


def free_port():
    import socket
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def rss_kib(pid):
    """Resident memory of a process, from /proc (KiB)."""
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    return 0


class Server:
    """A server under test: its process, HTTP and SMTP addresses, and start-up time (from
    the start to its first answer)."""

    def __init__(self, kind, argv, env=None, http_addr=None, smtp_addr=None, prints=False):
        self.kind = kind
        start = time.perf_counter()
        self.proc = subprocess.Popen(argv, env=env, stdout=subprocess.PIPE if prints else subprocess.DEVNULL,
                                     stderr=subprocess.DEVNULL, text=True)
        if prints:  # sesm prints its addresses
            http_addr = self.proc.stdout.readline().strip().removeprefix("http://")
            smtp_addr = self.proc.stdout.readline().strip().removeprefix("smtp://")
        self.http, self.smtp = http_addr, smtp_addr
        self.startup = self.wait_ready(start)

    def wait_ready(self, start):
        import socket
        host, port = (self.http or self.smtp).rsplit(":", 1)
        for _ in range(20000):
            try:
                with socket.create_connection((host, int(port)), timeout=1) as s:
                    if self.http:
                        s.sendall(f"GET / HTTP/1.1\r\nHost: {self.http}\r\nConnection: close\r\n\r\n".encode())
                    s.recv(1)
                return time.perf_counter() - start
            except OSError:
                time.sleep(0.0005)
        raise SystemExit(f"{self.kind} did not start")

    def rss(self):
        return rss_kib(self.proc.pid)

    def stop(self):
        self.proc.terminate()
        self.proc.wait()


def sesm_server(binary, folder, name):
    state = os.path.join(folder, name, "state.json")
    env = dict(os.environ, SESM_STATE=state, SESM_TODAY="2026-01-01", NO_COLOR="1")
    if not os.path.exists(state):
        subprocess.run([binary, "-q", "identity", "create", "example.com"], env=env, check=True,
                       stdout=subprocess.DEVNULL)
    return Server(name, [binary, "serve", "--port", "0", "--smtp-port", "0", "-q"], env=env, prints=True)


def peer_http(cli):
    port = free_port()
    return Server("aws-ses-v2-local", ["node", cli, "--host", "127.0.0.1", "--port", str(port)],
                  http_addr=f"127.0.0.1:{port}")


def peer_smtp(python):
    port = free_port()
    return Server("aiosmtpd", [python, "-m", "aiosmtpd", "-n", "-l", f"127.0.0.1:{port}",
                               "-c", "aiosmtpd.handlers.Sink"], smtp_addr=f"127.0.0.1:{port}")


def send_body(i, headers=None):
    simple = {"Subject": {"Data": f"bench {i}"}, "Body": {"Text": {"Data": "x"}}}
    if headers:
        simple["Headers"] = headers
    return json.dumps({"FromEmailAddress": SENDER, "Destination": {"ToAddresses": ["a@gmail.com"]},
                       "Content": {"Simple": simple}})


def http_client(addr, count, start_at, out):
    """One SendEmail client on one keep-alive connection: waits for `start_at`, then sends
    `count` messages; puts its latencies, start and end."""
    conn = http.client.HTTPConnection(addr)
    headers = {"Content-Type": "application/json", "Authorization": AUTH}
    for i in range(5):  # warm-up, not timed
        conn.request("POST", "/v2/email/outbound-emails", body=send_body(-i), headers=headers)
        conn.getresponse().read()
    while time.perf_counter() < start_at:
        time.sleep(0.0002)
    lat, begin = [], time.perf_counter()
    for i in range(count):
        t = time.perf_counter()
        conn.request("POST", "/v2/email/outbound-emails", body=send_body(i), headers=headers)
        r = conn.getresponse()
        r.read()
        if r.status != 200:
            out.put(("error", r.status))
            return
        lat.append(time.perf_counter() - t)
    out.put((lat, begin, time.perf_counter()))


def smtp_client(addr, login, count, start_at, out):
    host, port = addr.rsplit(":", 1)
    message = f"From: {SENDER}\r\nTo: a@gmail.com\r\nSubject: bench\r\n\r\nx\r\n"
    with smtplib.SMTP(host, int(port), timeout=60) as s:
        s.ehlo("bench")
        if login:
            s.login("AKIDEXAMPLE", "x")
        s.sendmail(SENDER, ["a@gmail.com"], message)  # warm-up
        while time.perf_counter() < start_at:
            time.sleep(0.0002)
        lat, begin = [], time.perf_counter()
        for _ in range(count):
            t = time.perf_counter()
            s.sendmail(SENDER, ["a@gmail.com"], message)
            lat.append(time.perf_counter() - t)
    out.put((lat, begin, time.perf_counter()))


def run_clients(target, args, clients, total):
    """Runs `clients` client processes (`target(*args, count, start_at, out)`) sending
    `total` messages in all, starting together; (messages/s, p50 ms, p99 ms)."""
    ctx = multiprocessing.get_context("fork")
    out = ctx.Queue()
    start_at = time.perf_counter() + 0.5 + 0.05 * clients
    per = max(1, total // clients)
    procs = [ctx.Process(target=target, args=(*args, per, start_at, out)) for _ in range(clients)]
    for p in procs:
        p.start()
    results = [out.get(timeout=600) for _ in procs]
    for p in procs:
        p.join()
    errors = [r for r in results if r[0] == "error"]
    if errors:
        raise SystemExit(f"a client got {errors[0][1]}")
    lat = sorted(x for r in results for x in r[0])
    elapsed = max(r[2] for r in results) - min(r[1] for r in results)
    return len(lat) / elapsed, lat[len(lat) // 2] * 1000, lat[min(len(lat) - 1, int(len(lat) * 0.99))] * 1000


def measure_send(server, clients, total):
    return run_clients(http_client, (server.http,), clients, total)


def measure_smtp(server, clients, total, login):
    return run_clients(smtp_client, (server.smtp, login), clients, total)


def rounds(args, binary, folder):
    """Interleaved rounds: per round, each server in turn (the order turns), fresh."""
    cli, python = install()
    kinds = ["sesm"] + (["baseline"] if args.baseline else []) + ["aws-ses-v2-local", "aiosmtpd"]
    rows = {}  # (work, clients) -> kind -> [(rate, p50, p99)]
    extra = {}  # kind -> {"startup": [...], "rss": [...]}
    for r in range(args.rounds):
        order = kinds[r % len(kinds):] + kinds[:r % len(kinds)]
        for kind in order:
            if kind in ("sesm", "baseline"):
                server = sesm_server(binary if kind == "sesm" else args.baseline, folder, f"{kind}-{r}")
                works = [("SendEmail", measure_send), ("SMTP", lambda s, c, t: measure_smtp(s, c, t, True))]
            elif kind == "aws-ses-v2-local":
                server = peer_http(cli)
                works = [("SendEmail", measure_send)]
            else:
                server = peer_smtp(python)
                works = [("SMTP", lambda s, c, t: measure_smtp(s, c, t, False))]
            try:
                for work, fn in works:
                    for clients in (1, 4, 16):
                        total = args.messages if clients > 1 else args.messages // 2
                        rows.setdefault((work, clients), {}).setdefault(kind, []).append(fn(server, clients, total))
                e = extra.setdefault(kind, {"startup": [], "rss": []})
                e["startup"].append(server.startup * 1000)
                e["rss"].append(server.rss() / 1024)
            finally:
                server.stop()
        print(f"round {r + 1} of {args.rounds} done", file=sys.stderr, flush=True)
    return rows, extra


def report(rows, extra):
    med = statistics.median
    print("\n| work | clients | server | messages/s | p50 ms | p99 ms | peer / sesm (range) |")
    print("|---|---:|---|---:|---:|---:|---|")
    for (work, clients), by in sorted(rows.items()):
        mine = by["sesm"]
        for kind, runs in by.items():
            rate = med([x[0] for x in runs])
            p50 = med([x[1] for x in runs])
            p99 = med([x[2] for x in runs])
            ratio = ""
            if kind != "sesm":
                rs = [a[0] / b[0] for a, b in zip(runs, mine)]
                ratio = f"{med(rs):.2f} ({min(rs):.2f}-{max(rs):.2f})"
            print(f"| {work} | {clients} | {kind} | {rate:.0f} | {p50:.2f} | {p99:.2f} | {ratio} |")
    print("\n| server | start to first answer, ms | resident memory after the sends, MiB |")
    print("|---|---:|---:|")
    for kind, e in extra.items():
        print(f"| {kind} | {med(e['startup']):.1f} | {med(e['rss']):.1f} |")


def tracked_server(binary, folder, name):
    """A sesm server whose sender's default configuration set publishes Send and Delivery
    events to an SNS topic, so every message it accepts is tracked."""
    state = os.path.join(folder, name, "state.json")
    env = dict(os.environ, SESM_STATE=state, SESM_TODAY="2026-01-01", NO_COLOR="1")
    for setup in (["config-set", "create", "tracked"], ["identity", "create", "example.com", "--config-set", "tracked"],
                  ["config-set", "event-destination", "add", "tracked", "to-sns", "--types", "SEND,DELIVERY",
                   "--sns", "arn:aws:sns:us-east-1:123456789012:bench"]):
        subprocess.run([binary, "-q", *setup], env=env, check=True, stdout=subprocess.DEVNULL)
    return Server(name, [binary, "serve", "--port", "0", "--smtp-port", "0", "-q"], env=env, prints=True), state


class Sender:
    """SendEmail with `header_kb` KB of headers on one keep-alive connection, timed."""

    def __init__(self, server, header_kb=9):
        # SES takes header values of up to 995 characters: 900 each, as many as the KB ask.
        self.headers = [{"Name": f"X-Pad-{n}", "Value": "p" * 900} for n in range(header_kb * 1024 // 900)]
        self.conn = http.client.HTTPConnection(server.http)
        self.i = 0

    def send(self):
        body = send_body(self.i, self.headers)
        self.i += 1
        t = time.perf_counter()
        self.conn.request("POST", "/v2/email/outbound-emails", body=body,
                          headers={"Content-Type": "application/json", "Authorization": AUTH})
        r = self.conn.getresponse()
        text = r.read()
        if r.status != 200:
            raise SystemExit(f"SendEmail answered {r.status}: {text[:300]}")
        return time.perf_counter() - t


def kept_latency(binary, folder, count=10_000, sample=500):
    """Issue 29, item 13: SendEmail latency as the outbox fills to `count` kept messages with
    9 KB of headers, each tracked. Sequential, as the issue words it: the first and the last
    `sample` sends of the fill (median ms each, ratio, p99 over all, the state's size). And,
    since a shared machine's load drifts over a minute of sends, the same comparison
    interleaved: a second server is filled first (untimed), then sends alternate between a
    fresh server (0 kept) and the full one (`count` kept)."""
    full, _ = tracked_server(binary, folder, "kept-full")
    lat = []
    try:
        sender = Sender(full)
        for _ in range(count):
            lat.append(sender.send())
        fresh, _ = tracked_server(binary, folder, "kept-fresh")
        try:
            other = Sender(fresh)
            pairs = [(other.send(), sender.send()) for _ in range(sample)]
        finally:
            fresh.stop()
    finally:
        full.stop()
    med = statistics.median
    first, last = med(lat[:sample]) * 1000, med(lat[-sample:]) * 1000
    p99 = sorted(lat)[int(len(lat) * 0.99)] * 1000
    size = os.path.getsize(os.path.join(folder, "kept-full", "state.json"))
    empty, kept = med(p[0] for p in pairs) * 1000, med(p[1] for p in pairs) * 1000
    return {"first": first, "last": last, "p99": p99, "state": size, "empty": empty, "kept": kept}


def lone_latency(binaries, folder, rounds=10, block=500):
    """One client's SendEmail latency for each sesm build, the builds up at once and sent to in
    alternating blocks of `block` sequential sends (the order turns each round), so the
    machine's drifting load falls on each alike: {name: (p50, p90, p99, p99.9, mean)} in ms."""
    servers = {name: sesm_server(binary, folder, f"lone-{name}") for name, binary in binaries.items()}
    senders = {name: Sender(server, header_kb=0) for name, server in servers.items()}
    lat = {name: [] for name in binaries}
    try:
        for sender in senders.values():
            for _ in range(50):  # warm-up, not timed
                sender.send()
        for r in range(rounds):
            names = list(binaries) if r % 2 == 0 else list(binaries)[::-1]
            for name in names:
                lat[name].extend(senders[name].send() for _ in range(block))
    finally:
        for server in servers.values():
            server.stop()
    out = {}
    for name, l in lat.items():
        l.sort()
        q = lambda p: l[min(len(l) - 1, int(len(l) * p))] * 1000
        out[name] = (q(0.5), q(0.9), q(0.99), q(0.999), statistics.mean(l) * 1000)
    return out


def startups(binaries, folder, runs=10):
    """Start to first answer of each sesm build (ms, median of `runs`, alternating)."""
    times = {name: [] for name in binaries}
    for i in range(runs):
        for name, binary in binaries.items():
            server = sesm_server(binary, folder, f"start-{name}-{i}")
            times[name].append(server.startup * 1000)
            server.stop()
    return {name: statistics.median(t) for name, t in times.items()}


def main(args, binary):
    folder = tempfile.mkdtemp(prefix="sesm-peers-")
    try:
        rows, extra = rounds(args, binary, folder)
        report(rows, extra)
        builds = {"sesm": binary, **({"baseline": args.baseline} if args.baseline else {})}
        for name, ms in startups(builds, folder).items():
            print(f"{name}: start to first answer {ms:.1f} ms (median of 10, alternating)")
        if args.baseline:
            for name, (p50, p90, p99, p999, mean) in lone_latency(builds, folder).items():
                print(f"{name}: one client, 5,000 sequential SendEmail in alternating blocks: p50 {p50:.2f} ms, "
                      f"p90 {p90:.2f}, p99 {p99:.2f}, p99.9 {p999:.2f}, mean {mean:.2f}")
        k = kept_latency(binary, folder)
        ratio, interleaved = k["last"] / k["first"], k["kept"] / k["empty"]
        print(f"\nSendEmail, 9 KB of headers, tracked, as the outbox fills to 10,000 kept messages: "
              f"first 500 {k['first']:.2f} ms, last 500 {k['last']:.2f} ms (medians), last/first {ratio:.2f}; "
              f"p99 {k['p99']:.2f} ms; state file {k['state']} bytes")
        print(f"Interleaved, 500 pairs: 0 kept {k['empty']:.2f} ms, 10,000 kept {k['kept']:.2f} ms, "
              f"{interleaved:.2f}x (target <= 1.5: {'yes' if max(ratio, interleaved) <= 1.5 else 'no'})")
    finally:
        shutil.rmtree(folder)
