#!/usr/bin/env python3
"""Measures sesm against its performance targets on a full-quota state, and `sesm serve`.

Builds the release binary and the `large_state` example, writes the state of the targets
(3 regions x 10,000 identities and 10,000 configuration sets, 50 pools, 365 days of metrics
for 5 managed pools per region), then times whole commands (median of N runs, each a new
process) and their peak memory, and `jq empty` on the same file when jq is installed.

    python3 scripts/bench.py [--runs N] [--keep DIR]
    python3 scripts/bench.py --peers [--rounds N] [--messages N] [--baseline OTHER_SESM]

`SESM_BENCH_BINARY=old/sesm SESM_BENCH_LARGE=old/large_state` measures another build without
building (run it in turns with this one for a before/after comparison).

`--peers` runs sesm beside aws-ses-v2-local and aiosmtpd (installed, pinned, into
target/bench-peers) in interleaved rounds, and the outbox row of issue 29 (`bench_peers.py`).

Needs Python 3 and cargo; prints a Markdown table. Peak memory needs GNU time
(`apt-get install time`): a child started from Python counts Python's own pages until it
execs, so Python can't measure it.
"""

import argparse
import http.client
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
# SESM_BENCH_BINARY / SESM_BENCH_LARGE measure another build (e.g. an older main, built in its
# own checkout) with the same rows, so that before/after runs can be interleaved.
SESM = os.environ.get("SESM_BENCH_BINARY") or os.path.join(ROOT, "target", "release", "sesm")
LARGE = os.environ.get("SESM_BENCH_LARGE") or os.path.join(ROOT, "target", "release", "examples", "large_state")


def build(example=True):
    if os.environ.get("SESM_BENCH_BINARY"):
        return
    subprocess.run(
        ["cargo", "build", "--release", "--locked", "--bin", "sesm"]
        + (["--example", "large_state"] if example else []),
        cwd=ROOT,
        check=True,
    )


def env_for(state):
    env = dict(os.environ)
    env.update({"SESM_STATE": state, "SESM_TODAY": "2026-01-01", "NO_COLOR": "1"})
    env.pop("SESM_REGION", None)
    env.pop("AWS_REGION", None)
    env.pop("AWS_DEFAULT_REGION", None)
    return env


GNU_TIME = "/usr/bin/time" if os.access("/usr/bin/time", os.X_OK) else None


def run_once(cmd, env):
    """Runs cmd, returns (seconds, exit code)."""
    start = time.perf_counter()
    code = subprocess.run(cmd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL).returncode
    return time.perf_counter() - start, code


def peak_memory(cmd, env):
    """Peak resident memory of cmd in bytes, by GNU time, or None without it."""
    if not GNU_TIME:
        return None
    out = subprocess.run([GNU_TIME, "-f", "%M", *cmd], env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    return int(out.stderr.strip().splitlines()[-1]) * 1024


def measure(cmd, env, runs, prepare=None):
    times = []
    for i in range(runs + 2):
        if prepare:
            prepare()
        elapsed, code = run_once(cmd, env)
        if code != 0:
            raise SystemExit(f"{' '.join(cmd)} exited {code}")
        if i >= 2:  # two warm-up runs
            times.append(elapsed)
    if prepare:
        prepare()
    return statistics.median(times), min(times), peak_memory(cmd, env)


def serve(state, env):
    """Starts `sesm serve` on a free port; returns the process and its host:port."""
    proc = subprocess.Popen([SESM, "--state", state, "serve", "--port", "0", "--smtp-port", "0", "-q"], env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    url = proc.stdout.readline().strip()
    return proc, url.removeprefix("http://")


def requests_per_second(addr, count, make):
    """Sends `count` requests one after another on one keep-alive connection; `make(i)`
    gives (method, path, body). Returns requests per second; every answer must be 200."""
    conn = http.client.HTTPConnection(addr)
    headers = {"Content-Type": "application/json"}
    for i in range(min(20, count)):  # warm-up, not timed
        method, path, body = make(-1 - i)
        conn.request(method, path, body=body, headers=headers)
        conn.getresponse().read()
    start = time.perf_counter()
    for i in range(count):
        method, path, body = make(i)
        conn.request(method, path, body=body, headers=headers)
        r = conn.getresponse()
        r.read()
        if r.status != 200:
            raise SystemExit(f"{method} {path} answered {r.status}")
    elapsed = time.perf_counter() - start
    conn.close()
    return count / elapsed


def send_rate(addr, sender, clients=4, per_client=500, config_set=None):
    """SendEmail from `clients` concurrent keep-alive connections; total requests per second."""
    import threading
    message = {"FromEmailAddress": sender, "Destination": {"ToAddresses": ["a@gmail.com"]},
               "Content": {"Simple": {"Subject": {"Data": "bench"}, "Body": {"Text": {"Data": "x"}}}}}
    if config_set:
        message["ConfigurationSetName"] = config_set
    body = json.dumps(message)
    errors = []

    def client():
        conn = http.client.HTTPConnection(addr)
        for _ in range(per_client):
            conn.request("POST", "/v2/email/outbound-emails", body=body, headers={"Content-Type": "application/json"})
            r = conn.getresponse()
            r.read()
            if r.status != 200:
                errors.append(r.status)
                return
        conn.close()

    threads = [threading.Thread(target=client) for _ in range(clients)]
    start = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    elapsed = time.perf_counter() - start
    if errors:
        raise SystemExit(f"SendEmail answered {errors[0]}")
    return clients * per_client / elapsed


def concurrent_reads(addr, clients=64, per_client=200):
    """GetConfigurationSet from `clients` concurrent keep-alive connections: (requests per
    second in all, p50 ms, p99 ms); every answer must be 200."""
    import threading
    latencies, errors = [], []
    lock = threading.Lock()

    def client():
        conn = http.client.HTTPConnection(addr)
        mine = []
        for _ in range(per_client):
            start = time.perf_counter()
            conn.request("GET", "/v2/email/configuration-sets/cs-00001")
            r = conn.getresponse()
            r.read()
            mine.append(time.perf_counter() - start)
            if r.status != 200:
                errors.append(r.status)
                return
        conn.close()
        with lock:
            latencies.extend(mine)

    threads = [threading.Thread(target=client) for _ in range(clients)]
    start = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    elapsed = time.perf_counter() - start
    if errors:
        raise SystemExit(f"GetConfigurationSet answered {errors[0]}")
    latencies.sort()
    p50 = latencies[len(latencies) // 2] * 1000
    p99 = latencies[int(len(latencies) * 0.99)] * 1000
    return clients * per_client / elapsed, p50, p99


SUBSCRIBER = r"""
import http.server, json, sys, threading, urllib.request

class Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"  # keep-alive, as a real subscriber's server

    def do_POST(self):
        msg = json.loads(self.rfile.read(int(self.headers.get("Content-Length", "0"))))
        self.send_response(200)
        self.send_header("Content-Length", "0")
        self.end_headers()
        if msg.get("Type") == "SubscriptionConfirmation":
            url = msg["SubscribeURL"]
            threading.Thread(target=lambda: urllib.request.urlopen(url).read()).start()
        else:
            with open(sys.argv[1], "a") as f:
                f.write("n")

    def log_message(self, *args):
        pass

server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
print(server.server_address[1], flush=True)
server.serve_forever()
"""


def subscriber(folder):
    """A local SNS HTTP subscriber in a process of its own (so it does not take the bench
    clients' GIL) that confirms and answers 200; its process, URL and a file that gets one
    byte per notification."""
    counter = os.path.join(folder, "notifications")
    open(counter, "w").close()
    proc = subprocess.Popen([sys.executable, "-c", SUBSCRIBER, counter], stdout=subprocess.PIPE, text=True)
    port = proc.stdout.readline().strip()
    return proc, f"http://127.0.0.1:{port}/sns", counter


def v1_send_rate(addr, sender, clients=4, per_client=500):
    """SES v1 SendRawEmail (form body, signed-looking) from `clients` keep-alive connections."""
    import base64
    import threading
    import urllib.parse
    raw = f"From: {sender}\r\nTo: a@gmail.com\r\nSubject: bench\r\n\r\nx\r\n".encode()
    body = urllib.parse.urlencode({"Action": "SendRawEmail", "Version": "2010-12-01",
                                   "RawMessage.Data": base64.b64encode(raw).decode()})
    headers = {"Content-Type": "application/x-www-form-urlencoded",
               "Authorization": "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20261205/us-east-1/ses/aws4_request, "
                                "SignedHeaders=host, Signature=00"}
    errors = []

    def client():
        conn = http.client.HTTPConnection(addr)
        for _ in range(per_client):
            conn.request("POST", "/", body=body, headers=headers)
            r = conn.getresponse()
            r.read()
            if r.status != 200:
                errors.append(r.status)
                return
        conn.close()

    threads = [threading.Thread(target=client) for _ in range(clients)]
    start = time.perf_counter()
    for th in threads:
        th.start()
    for th in threads:
        th.join()
    elapsed = time.perf_counter() - start
    if errors:
        raise SystemExit(f"SendRawEmail answered {errors[0]}")
    return clients * per_client / elapsed


def bench_smtp(state, env, rows, sender, clients=4, per_client=250):
    """Messages over SMTP from `clients` concurrent sessions (one each, AUTH once)."""
    import smtplib
    import threading
    proc = subprocess.Popen([SESM, "--state", state, "serve", "--port", "0", "--smtp-port", "0", "-q"],
                            env=env, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    proc.stdout.readline()
    host, port = proc.stdout.readline().strip().removeprefix("smtp://").split(":")
    message = f"From: {sender}\r\nTo: a@gmail.com\r\nSubject: bench\r\n\r\nx\r\n"
    errors = []

    def client():
        with smtplib.SMTP(host, int(port), timeout=30) as s:
            s.ehlo("bench")
            s.login("AKIDEXAMPLE", "x")
            for _ in range(per_client):
                try:
                    s.sendmail(sender, ["a@gmail.com"], message)
                except smtplib.SMTPException as e:
                    errors.append(e)
                    return

    try:
        threads = [threading.Thread(target=client) for _ in range(clients)]
        start = time.perf_counter()
        for th in threads:
            th.start()
        for th in threads:
            th.join()
        elapsed = time.perf_counter() - start
    finally:
        proc.terminate()
        proc.wait()
    if errors:
        raise SystemExit(f"SMTP answered {errors[0]}")
    rate = clients * per_client / elapsed
    rows.append(("serve, small state: SMTP messages, 4 sessions", ">= 300/s", f"{rate:.0f}/s",
                 "yes" if rate >= 300 else "no"))


def bench_events(state, env, rows, sender):
    """SendEmail through a set with an SNS event destination whose topic has a subscriber:
    each send also writes its Send event, which the server delivers."""
    topic = "arn:aws:sns:us-east-1:123456789012:bench"
    sub, url, counter = subscriber(os.path.dirname(state))
    for setup in (["config-set", "event-destination", "add", "cs-00001", "sns", "--types", "SEND,DELIVERY",
                   "--sns", topic], ["events", "subscribe", topic, url]):
        subprocess.run([SESM, "--state", state, "-q", *setup], env=env, check=True, stdout=subprocess.DEVNULL)
    proc, addr = serve(state, env)
    try:
        deadline = time.time() + 10
        while time.time() < deadline and b'"PendingConfirmation":false' not in subprocess.run(
                [SESM, "--state", state, "events", "subscriptions", "-o", "json"], env=env,
                capture_output=True).stdout.replace(b" ", b""):
            time.sleep(0.1)
        sends = send_rate(addr, sender, config_set="cs-00001")
    finally:
        proc.terminate()
        proc.wait()
        sub.terminate()
        sub.wait()
    delivered = os.path.getsize(counter)
    rows.append(("serve, small state: SendEmail to a set with an SNS destination, 4 clients", ">= 500/s",
                 f"{sends:.0f}/s ({delivered} notifications delivered meanwhile)", "yes" if sends >= 500 else "no"))


def bench_server(label, state, env, rows, sender, reads=3000, writes=300):
    proc, addr = serve(state, env)
    try:
        get = requests_per_second(addr, reads, lambda i: ("GET", "/v2/email/configuration-sets/cs-00001", None))
        pool = requests_per_second(addr, reads, lambda i: ("GET", "/v2/email/dedicated-ip-pools/standard-00", None))
        arn = "arn:aws:ses:us-east-1:123456789012:dedicated-ip-pool/standard-01"
        tag = requests_per_second(addr, writes, lambda i: (
            "POST", "/v2/email/tags", json.dumps({"ResourceArn": arn, "Tags": [{"Key": "k", "Value": str(i)}]})))
        sends = send_rate(addr, sender)
        v1_sends = v1_send_rate(addr, sender)
        many, p50, p99 = concurrent_reads(addr)
        # The console's pages, rendered on each request from the latest state.
        console = [(page, requests_per_second(addr, 200, lambda i, p=path: ("GET", p, None)))
                   for page, path in (("Dedicated IPs page", "/console"),
                                      ("pool page with its dashboard", "/console/pools/standard-00"),
                                      ("configuration sets page", "/console/config-sets"),
                                      ("Create pool form", "/console/create-pool"))]
    finally:
        proc.terminate()
        proc.wait()
    rows.append((f"serve, {label}: GetConfigurationSet", ">= 1000/s", f"{get:.0f}/s", "yes" if get >= 1000 else "no"))
    rows.append((f"serve, {label}: GetDedicatedIpPool", ">= 1000/s", f"{pool:.0f}/s", "yes" if pool >= 1000 else "no"))
    rows.append((f"serve, {label}: TagResource (write)", "one state write", f"{tag:.0f}/s", "-"))
    rows.append((f"serve, {label}: SendEmail, 4 clients", ">= 500/s", f"{sends:.0f}/s", "yes" if sends >= 500 else "no"))
    rows.append((f"serve, {label}: SES v1 SendRawEmail, 4 clients", ">= 500/s", f"{v1_sends:.0f}/s",
                 "yes" if v1_sends >= 500 else "no"))
    rows.append((f"serve, {label}: GetConfigurationSet, 64 keep-alive clients (p50 {p50:.1f} ms, p99 {p99:.1f} ms)",
                 ">= 3000/s", f"{many:.0f}/s", "yes" if many >= 3000 else "no"))
    for page, rate in console:
        rows.append((f"serve, {label}: console {page}", ">= 50/s", f"{rate:.0f}/s", "yes" if rate >= 50 else "no"))


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=30)
    parser.add_argument("--keep", help="write the large state into this folder and keep it")
    parser.add_argument("--only", metavar="TEXT",
                        help="run only the command rows whose name contains TEXT (e.g. --only "
                             "compare), without the endpoint's; --only serve runs the endpoint's alone")
    parser.add_argument("--peers", action="store_true",
                        help="sesm beside aws-ses-v2-local and aiosmtpd, interleaved rounds (bench_peers.py)")
    parser.add_argument("--rounds", type=int, default=3, help="--peers: interleaved rounds")
    parser.add_argument("--messages", type=int, default=2000,
                        help="--peers: messages per measurement (half for one client)")
    parser.add_argument("--baseline", metavar="SESM",
                        help="--peers: another sesm binary (today's main) run in the same rounds")
    args = parser.parse_args()

    if args.peers:
        build(example=False)
        sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
        import bench_peers
        bench_peers.main(args, SESM)
        return 0
    build()
    folder = args.keep or tempfile.mkdtemp(prefix="sesm-bench-")
    os.makedirs(folder, exist_ok=True)
    pristine = os.path.join(folder, "large.json")
    subprocess.run([LARGE, pristine, "365"], check=True)
    size = os.path.getsize(pristine)
    state = os.path.join(folder, "state.json")
    shutil.copyfile(pristine, state)
    env = env_for(state)

    def fresh():
        shutil.copyfile(pristine, state)

    rows = []

    def row(name, target_ms, cmd, prepare=None, note=""):
        if args.only and args.only not in name:
            return 0.0, 0
        median, best, peak = measure(cmd, env, args.runs, prepare)
        ok = "yes" if target_ms is None or median * 1000 <= target_ms else "no"
        target = "-" if target_ms is None else f"<= {target_ms} ms"
        shown = "n/a" if peak is None else f"{peak / 1e6:.1f}"
        rows.append((name, target, f"{median * 1000:.1f}", f"{best * 1000:.1f}", shown, ok, note))
        return median, peak

    reads = [
        ("read: pool list -o json", ["pool", "list", "-o", "json"]),
        ("read: pool list (table)", ["pool", "list"]),
        ("read: identity get", ["identity", "get", "mail1.example1.com"]),
        ("read: config-set get", ["config-set", "get", "cs-00001"]),
        ("read: account -o json", ["-o", "json", "account"]),
        ("read: ip list", ["ip", "list"]),
        ("read: metrics --pool --isp", ["metrics", "--pool", "managed-0", "--isp", "gmail", "-o", "json"]),
    ]
    read_medians, peaks = [], []
    for name, cmd in reads:
        median, peak = row(name, 15, [SESM, *cmd])
        read_medians.append(median)
        peaks.append(peak)
    writes = [
        ("write: tag add", ["-q", "tag", "add", "pool/managed-0", "k=v"]),
        ("write: config-set set-pool", ["-q", "config-set", "set-pool", "cs-00003", "--none"]),
        ("write: identity set-config-set", ["-q", "identity", "set-config-set", "mail1.example1.com", "cs-00002"]),
    ]
    for name, cmd in writes:
        _, peak = row(name, 30, [SESM, *cmd], prepare=fresh)
        peaks.append(peak)
    _, peak = row("simulate --days 30", 100, [SESM, "-q", "simulate", "--days", "30", "-o", "json"], prepare=fresh)
    peaks.append(peak)
    sets = [arg for i in range(5) for arg in ("--config-set", f"managed-cs-{i}")]
    # Managed, 20 standard IPs and shared, plus the search for StandardIpsNeeded (model v3:
    # 2, the account's count, 100, then bisection between them: about 10 more runs, each with
    # every standard IP's memory per ISP), from the account as it is.
    _, peak = row("compare: options + IP search, 365 days, 5 sets x 9 ISPs", 300,
                  [SESM, "compare", "--days", "365", "--standard-ips", "20", "-o", "json", *sets])
    peaks.append(peak)
    server_rows = []
    fresh()
    # `--only serve` (or `--only serve,` …) runs the endpoint's rows alone.
    if args.only and args.only not in "serve":
        for name, target, median, best, peak_mb, ok, _ in rows:
            print(f"| {name} | {target} | {median} | {best} | {peak_mb} | {ok} |")
        if not args.keep:
            shutil.rmtree(folder)
        return 0
    # The full state's 10,000 identities are its quota: send as an address of one of them.
    bench_server("full quotas", state, env, server_rows, "news@mail1.example1.com")
    small = os.path.join(folder, "small.json")
    for setup in (["pool", "create", "standard-00"], ["pool", "create", "standard-01"],
                 ["config-set", "create", "cs-00001"], ["identity", "create", "example.com"]):
        subprocess.run([SESM, "--state", small, "-q", *setup], env=env, check=True, stdout=subprocess.DEVNULL)
    bench_server("small state", small, env, server_rows, "news@example.com")
    bench_smtp(small, env, server_rows, "news@example.com")
    bench_events(small, env, server_rows, "news@example.com")
    jq = shutil.which("jq")
    if jq:
        jq_median, _, _ = measure([jq, "empty", pristine], env, args.runs)
        rows.append(("jq empty (same file)", "-", f"{jq_median * 1000:.1f}", "-", "-", "-", "reference"))

    print(f"\nState: {size / 1e6:.2f} MB ({pristine}); {args.runs} runs per command, medians.\n")
    print("| command | target | median ms | best ms | peak MB | met |")
    print("|---|---|---|---|---|---|")
    for name, target, median, best, peak, ok, _ in rows:
        print(f"| {name} | {target} | {median} | {best} | {peak} | {ok} |")
    print("\n| endpoint (one keep-alive connection, sequential, unless said) | target | requests/s | met |")
    print("|---|---|---|---|")
    for name, target, rate, ok in server_rows:
        print(f"| {name} | {target} | {rate} | {ok} |")
    if GNU_TIME:
        worst_peak = max(peaks)
        print(f"\nPeak memory: {worst_peak / 1e6:.1f} MB = {worst_peak / size:.2f}x the state file (target <= 5x).")
    else:
        print("\nPeak memory not measured: install GNU time (apt-get install time).")
    if jq:
        slowest = max(read_medians)
        print(
            f"Slowest read: {slowest * 1000:.1f} ms = {slowest / jq_median:.2f}x `jq empty` "
            f"({jq_median * 1000:.1f} ms) (target <= 0.5x)."
        )
    else:
        print("jq is not installed: the comparison with `jq empty` was skipped (apt-get install jq).")
    if not args.keep:
        shutil.rmtree(folder)
    return 0


if __name__ == "__main__":
    sys.exit(main())
