"""What every client script shares.

- `check`, which counts the checks and stops the script at the first that fails (exit 1,
  "FAILED: what"), and `count`, how many ran; a script prints "all ok" last when every check
  passed.
- `setup(endpoint, sesm, state, region)`, then `client`, `refused`, `sesm` and `state_bytes`
  against that server, binary and state file.
"""

import json
import subprocess
import sys

_count = 0
ENDPOINT = SESM = STATE = None
REGION = "eu-west-1"


def check(cond, what):
    global _count
    _count += 1
    if not cond:
        print(f"FAILED: {what}", flush=True)
        sys.exit(1)


def count():
    return _count


def setup(endpoint=None, sesm_binary=None, state=None, region="eu-west-1"):
    """The server, binary, state file and region the helpers below use."""
    global ENDPOINT, SESM, STATE, REGION
    ENDPOINT, SESM, STATE, REGION = endpoint, sesm_binary, state, region


def client(service="sesv2", region=None, validate=True):
    """A boto3 client of the server, which never retries (a retry would hide a 5xx)."""
    import boto3
    from botocore.config import Config

    return boto3.client(
        service,
        region_name=region or REGION,
        endpoint_url=ENDPOINT,
        aws_access_key_id="AKIDEXAMPLE",
        aws_secret_access_key="secret",
        config=Config(retries={"max_attempts": 1, "mode": "standard"}, parameter_validation=validate),
    )


def state_bytes():
    """The state file's bytes, `None` before it exists."""
    try:
        with open(STATE, "rb") as f:
            return f.read()
    except FileNotFoundError:
        return None


def refused(call, code, status=400, message=None, contains=None):
    """`call` must fail with SES error `code` and HTTP `status` — and exactly `message` (or a
    message starting with it, when it ends in "…"), or a message with `contains` — and leave
    the state file byte for byte as it was. Returns the message."""
    from botocore.exceptions import ClientError

    before = state_bytes()
    try:
        call()
    except ClientError as e:
        got = e.response["Error"]["Code"], e.response["ResponseMetadata"]["HTTPStatusCode"]
        text = e.response["Error"].get("Message", "")
        check(got == (code, status), f"expected {code} {status}, got {got}: {text}")
        if message is not None and message.endswith("…"):
            check(text.startswith(message[:-1]), f"message {text!r} does not start with {message[:-1]!r}")
        elif message is not None:
            check(text == message, f"message {text!r} is not {message!r}")
        if contains is not None:
            check(contains in text, f"message {text!r} lacks {contains!r}")
        check(state_bytes() == before, f"the refusal ({code}: {text}) changed the state file")
        return text
    check(False, f"expected {code} {status}, but the call succeeded")


def sesm(*args, region=None):
    """`sesm --state STATE --region REGION -o json ARGS`, which must succeed: its JSON."""
    out = subprocess.run(
        [SESM, "--state", STATE, "--region", region or REGION, "-o", "json", *args],
        capture_output=True,
        text=True,
    )
    check(out.returncode == 0, f"sesm {args}: {out.returncode} {out.stderr}")
    return json.loads(out.stdout) if out.stdout.strip() else None
