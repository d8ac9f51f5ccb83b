//! `sesm serve`: the SESv2 endpoint, driven with real clients (boto3 and the AWS CLI at two
//! botocore versions, Terraform with the hashicorp/aws provider) and with raw HTTP for what
//! clients never send (hostile and malformed requests, slow clients, signals).

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use crate::harness::{Env, TODAY};

/// A `sesm serve` process, stopped with SIGTERM when dropped.
pub struct Server {
    child: Child,
    pub url: String,
    /// `smtp://127.0.0.1:PORT`, unless `--no-smtp`.
    pub smtp: Option<String>,
    /// `inbound-smtp://127.0.0.1:PORT`, with `--inbound-port`.
    pub inbound: Option<String>,
    pub stderr: Option<std::process::ChildStderr>,
}

impl Server {
    /// Starts `sesm serve` on free ports (HTTP and, unless `extra` says `--no-smtp` or names
    /// a port, SMTP).
    pub fn start(env: &Env, extra: &[&str]) -> Server {
        Server::start_under(env, extra, &[])
    }

    /// Starts it under a wrapper that runs the binary given as its first argument after
    /// `wrapper` (`prlimit --as=… --`, `sh -c 'ulimit -f 16; exec "$0" "$@"'`), in the same
    /// environment.
    pub fn start_under(env: &Env, extra: &[&str], wrapper: &[&str]) -> Server {
        let smtp = !extra.contains(&"--no-smtp");
        let mut args = vec!["serve", "--port", "0"];
        if smtp && !extra.contains(&"--smtp-port") {
            args.extend(["--smtp-port", "0"]);
        }
        let base = env.std_command();
        let mut cmd = match wrapper.split_first() {
            None => base,
            Some((program, rest)) => {
                let mut cmd = Command::new(program);
                cmd.env_clear();
                for (k, v) in base.get_envs() {
                    if let Some(v) = v {
                        cmd.env(k, v);
                    }
                }
                if let Some(dir) = base.get_current_dir() {
                    cmd.current_dir(dir);
                }
                cmd.args(rest).arg(base.get_program());
                cmd
            }
        };
        let mut child = cmd
            .args(&args)
            .args(extra)
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        let mut line = String::new();
        let mut stdout = BufReader::new(child.stdout.take().unwrap());
        stdout.read_line(&mut line).unwrap();
        let url = line.trim().to_string();
        assert!(url.starts_with("http://127.0.0.1:"), "first line: {line:?}");
        let smtp = smtp.then(|| {
            let mut line = String::new();
            stdout.read_line(&mut line).unwrap();
            assert!(line.starts_with("smtp://"), "second line: {line:?}");
            line.trim().to_string()
        });
        let inbound = extra.contains(&"--inbound-port").then(|| {
            let mut line = String::new();
            stdout.read_line(&mut line).unwrap();
            assert!(
                line.starts_with("inbound-smtp://"),
                "inbound line: {line:?}"
            );
            line.trim()
                .trim_start_matches("inbound-smtp://")
                .to_string()
        });
        let stderr = child.stderr.take();
        Server {
            child,
            url,
            smtp,
            inbound,
            stderr,
        }
    }

    /// The SMTP interface's `127.0.0.1:PORT`.
    pub fn smtp_addr(&self) -> String {
        self.smtp
            .as_deref()
            .expect("started with SMTP")
            .trim_start_matches("smtp://")
            .to_string()
    }

    /// The server's process ID (the wrapper `exec`s it, so it is the child's).
    pub fn pid(&self) -> u32 {
        self.child.id()
    }

    /// Stops the server and returns what it logged on stderr.
    pub fn log(mut self) -> String {
        let mut stderr = self.stderr.take().expect("stderr not taken");
        let reader = std::thread::spawn(move || {
            let mut log = Vec::new();
            let _ = stderr.read_to_end(&mut log);
            log
        });
        drop(self);
        String::from_utf8_lossy(&reader.join().unwrap()).into_owned()
    }

    pub fn addr(&self) -> String {
        self.url.trim_start_matches("http://").to_string()
    }

    /// Sends `signal` and returns the exit code.
    pub fn stop(mut self, signal: &str) -> i32 {
        let pid = self.child.id().to_string();
        assert!(
            Command::new("kill")
                .args(["-s", signal, &pid])
                .status()
                .unwrap()
                .success()
        );
        let start = Instant::now();
        loop {
            if let Some(status) = self.child.try_wait().unwrap() {
                return status.code().unwrap_or(-1);
            }
            assert!(
                start.elapsed() < Duration::from_secs(10),
                "the server did not stop"
            );
            std::thread::sleep(Duration::from_millis(10));
        }
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        if matches!(self.child.try_wait(), Ok(Some(_))) {
            return;
        }
        let _ = Command::new("kill")
            .args(["-s", "TERM", &self.child.id().to_string()])
            .status();
        let _ = self.child.wait();
    }
}

/// A response read off a raw connection.
#[derive(Debug)]
pub struct Raw {
    pub status: u16,
    pub head: String,
    pub body: String,
    /// The body as received (`body` is it decoded lossily as UTF-8).
    pub bytes: Vec<u8>,
}

impl Raw {
    pub fn header(&self, name: &str) -> Option<String> {
        self.head.lines().find_map(|l| {
            let (k, v) = l.split_once(':')?;
            k.eq_ignore_ascii_case(name).then(|| v.trim().to_string())
        })
    }
}

/// Reads one response (head, then `Content-Length` bytes).
pub fn read_response(stream: &mut TcpStream) -> Raw {
    let mut reader = BufReader::new(stream);
    let mut head = String::new();
    loop {
        let mut line = String::new();
        if reader.read_line(&mut line).unwrap() == 0 || line == "\r\n" {
            break;
        }
        head.push_str(&line);
    }
    let status = head
        .split_whitespace()
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or(0);
    let len: usize = head
        .lines()
        .find_map(|l| {
            let (k, v) = l.split_once(':')?;
            k.eq_ignore_ascii_case("content-length")
                .then(|| v.trim().parse().ok())?
        })
        .unwrap_or(0);
    let mut body = vec![0; len];
    reader.read_exact(&mut body).unwrap();
    Raw {
        status,
        head,
        body: String::from_utf8_lossy(&body).into_owned(),
        bytes: body,
    }
}

/// Sends raw bytes on a new connection and reads the response.
pub fn raw(addr: &str, request: &[u8]) -> Raw {
    let mut s = TcpStream::connect(addr).unwrap();
    s.set_read_timeout(Some(Duration::from_secs(20))).unwrap();
    s.write_all(request).unwrap();
    read_response(&mut s)
}

/// A request with a JSON body (or none), unsigned.
pub fn request(addr: &str, method: &str, path: &str, body: &str) -> Raw {
    let req = format!(
        "{method} {path} HTTP/1.1\r\nHost: {addr}\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    );
    raw(addr, req.as_bytes())
}

/// A signed-looking request naming `region` in its credential scope.
pub fn signed(addr: &str, method: &str, path: &str, body: &str, region: &str) -> Raw {
    let req = format!(
        "{method} {path} HTTP/1.1\r\nHost: {addr}\r\nAuthorization: AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20261130/{region}/ses/aws4_request, SignedHeaders=host, Signature=00\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    );
    raw(addr, req.as_bytes())
}

pub fn client_venv(name: &str) -> Option<PathBuf> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let python = root.join("target/clients").join(name).join("bin/python");
    python.exists().then_some(python)
}

/// Runs a client script of `tests/clients/` under both boto3 environments (botocore before
/// and after 1.43.105), each against a new account and server: `python SCRIPT ENDPOINT SESM
/// STATE`, which prints "all ok" last when every check passed.
pub fn drive_with_boto3(script: &str) {
    drive_with_boto3_and(script, &[]);
}

/// `drive_with_boto3` with more arguments for `sesm serve`; the script finds the inbound
/// endpoint's `HOST:PORT` in `SESM_INBOUND` when one of them is `--inbound-port`.
pub fn drive_with_boto3_and(script: &str, serve_args: &[&str]) {
    drive_with_boto3_at(&["old", "new"], script, serve_args);
}

/// `drive_with_boto3_and` under the named environments only (operations an older botocore
/// lacks are driven with the newer one).
pub fn drive_with_boto3_at(versions: &[&str], script: &str, serve_args: &[&str]) {
    let script = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/clients")
        .join(script);
    for &version in versions {
        let Some(python) = client_venv(version) else {
            crate::harness::skip(
                &format!("the {version} boto3 environment (target/clients/{version})"),
                "SESM_REQUIRE_CLIENTS",
                "run .ci/clients",
            );
            continue;
        };
        let env = Env::new();
        let mut args = vec!["-q"];
        args.extend(serve_args);
        let server = Server::start(&env, &args);
        run_client(
            version,
            Command::new(&python)
                .arg(&script)
                .arg(&server.url)
                .arg(assert_cmd::cargo::cargo_bin("sesm"))
                .arg(&env.state)
                .env("SESM_TODAY", TODAY)
                .env("SESM_INBOUND", server.inbound.clone().unwrap_or_default()),
        );
    }
}

/// Runs a client script and asserts that it passed: exit 0 and "all ok" on stdout, which it
/// returns; its stdout and stderr (under `what`) when it did not.
pub fn run_client(what: &str, script: &mut Command) -> String {
    let out = script.output().unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout).into_owned();
    assert!(
        out.status.success() && stdout.contains("all ok"),
        "{what}:\n{stdout}\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    stdout
}

#[test]
fn boto3_and_the_aws_cli_drive_every_operation_at_two_botocore_versions() {
    drive_with_boto3("sesv2_clients.py");
}

/// Issue 19, part 3: the identity attributes Terraform applies, through boto3, with every
/// refusal's status, code and message and a byte-identical state file after it.
#[test]
fn boto3_puts_and_reads_identity_attributes_and_each_refusal_changes_nothing() {
    drive_with_boto3("identity_attributes.py");
}

#[test]
fn the_first_line_is_the_url_and_signals_stop_with_130_and_0() {
    let env = Env::new();
    let server = Server::start(&env, &[]);
    let r = request(&server.addr(), "GET", "/v2/email/dedicated-ip-pools", "");
    assert_eq!(r.status, 200);
    assert_eq!(server.stop("INT"), 130);
    let server = Server::start(&env, &[]);
    assert_eq!(server.stop("TERM"), 0);
}

#[test]
fn one_log_line_per_request_and_quiet_silences_it() {
    let env = Env::new();
    let mut server = Server::start(&env, &[]);
    request(
        &server.addr(),
        "GET",
        "/v2/email/dedicated-ip-pools/nope",
        "",
    );
    let mut stderr = BufReader::new(server.stderr.take().unwrap());
    let mut line = String::new();
    // At start the server logs each door's connection cap, and the SMTP interface its
    // certificate's fingerprint.
    while line.is_empty() || line.starts_with("smtp: ") || line.starts_with("connections: ") {
        line.clear();
        stderr.read_line(&mut line).unwrap();
    }
    assert!(
        line.starts_with("GET /v2/email/dedicated-ip-pools/nope GetDedicatedIpPool 404 "),
        "{line}"
    );
    assert!(line.trim_end().ends_with("ms"), "{line}");
    drop(server);
    let mut quiet = Server::start(&env, &["-q"]);
    request(&quiet.addr(), "GET", "/v2/email/dedicated-ip-pools", "");
    assert_eq!(quiet.stop_and_read_stderr(), "");
}

impl Server {
    fn stop_and_read_stderr(&mut self) -> String {
        let mut stderr = self.stderr.take().unwrap();
        let pid = self.child.id().to_string();
        Command::new("kill")
            .args(["-s", "TERM", &pid])
            .status()
            .unwrap();
        self.child.wait().unwrap();
        let mut s = String::new();
        stderr.read_to_string(&mut s).unwrap();
        s
    }
}

#[test]
fn errors_have_the_ses_code_status_and_message_and_change_nothing() {
    let env = Env::new();
    env.ok(&["pool", "create", "marketing", "--managed"]);
    let server = Server::start(&env, &["-q"]);
    let addr = server.addr();
    let before = env.state_bytes();
    let cases: &[(&str, &str, &str, u16, &str, &str)] = &[
        (
            "POST",
            "/v2/email/dedicated-ip-pools",
            r#"{"PoolName":"marketing"}"#,
            400,
            "AlreadyExistsException",
            "The pool marketing already exists.",
        ),
        (
            "GET",
            "/v2/email/dedicated-ip-pools/nope",
            "",
            404,
            "NotFoundException",
            "The requested pool nope does not exist.",
        ),
        (
            "GET",
            "/v2/email/configuration-sets/nope",
            "",
            404,
            "NotFoundException",
            "Configuration set <nope> does not exist.",
        ),
        (
            "POST",
            "/v2/email/dedicated-ip-pools",
            "{not json",
            400,
            "BadRequestException",
            "not valid JSON",
        ),
        (
            "POST",
            "/v2/email/dedicated-ip-pools",
            "[1]",
            400,
            "BadRequestException",
            "JSON object",
        ),
        (
            "POST",
            "/v2/email/dedicated-ip-pools",
            r#"{"PoolName":5}"#,
            400,
            "BadRequestException",
            "PoolName must be a string",
        ),
        (
            "POST",
            "/v2/email/dedicated-ip-pools",
            "{}",
            400,
            "BadRequestException",
            "PoolName is required",
        ),
        (
            "PUT",
            "/v2/email/dedicated-ips/198.18.0.1/warmup",
            r#"{"WarmupPercentage":"50"}"#,
            400,
            "BadRequestException",
            "whole number",
        ),
        (
            "GET",
            "/v2/email/dedicated-ip-pools?PageSize=abc",
            "",
            400,
            "BadRequestException",
            "PageSize",
        ),
        (
            "GET",
            "/v2/email/dedicated-ip-pools?PageSize=5000",
            "",
            400,
            "BadRequestException",
            "PageSize",
        ),
        (
            "GET",
            "/v2/email/dedicated-ip-pools?NextToken=zzz",
            "",
            400,
            "BadRequestException",
            "NextToken",
        ),
        (
            "POST",
            "/v2/email/outbound-emails/x",
            "",
            404,
            "UnknownOperationException",
            "No SESv2 operation",
        ),
        (
            "GET",
            "/v3/nothing",
            "",
            404,
            "UnknownOperationException",
            "No SESv2 operation",
        ),
        (
            "PATCH",
            "/v2/email/dedicated-ip-pools",
            "",
            405,
            "MethodNotAllowedException",
            "GET or POST",
        ),
        (
            "GET",
            "/v2/email/identities/%ff%fe",
            "",
            400,
            "BadRequestException",
            "percent-encoded",
        ),
    ];
    for (method, path, body, status, code, message) in cases {
        let r = request(&addr, method, path, body);
        assert_eq!(r.status, *status, "{method} {path}: {r:?}");
        assert_eq!(
            r.header("X-Amzn-ErrorType").as_deref(),
            Some(*code),
            "{method} {path}"
        );
        let v: serde_json::Value = serde_json::from_str(&r.body).unwrap();
        assert!(
            v["message"].as_str().unwrap().contains(message),
            "{method} {path}: {}",
            r.body
        );
        assert!(r.header("x-amzn-RequestId").is_some());
        assert_eq!(
            env.state_bytes(),
            before,
            "{method} {path} changed the state"
        );
    }
}

#[test]
fn the_region_comes_from_the_credential_scope_else_the_servers() {
    let env = Env::new();
    let server = Server::start(&env, &["-q", "--region", "ap-southeast-2"]);
    let addr = server.addr();
    let body = r#"{"PoolName":"p1"}"#;
    assert_eq!(
        signed(
            &addr,
            "POST",
            "/v2/email/dedicated-ip-pools",
            body,
            "eu-west-1"
        )
        .status,
        200
    );
    assert_eq!(
        request(
            &addr,
            "POST",
            "/v2/email/dedicated-ip-pools",
            r#"{"PoolName":"p2"}"#
        )
        .status,
        200
    );
    let eu = env.json(&["--region", "eu-west-1", "pool", "list"]);
    assert_eq!(eu["DedicatedIpPools"], serde_json::json!(["p1"]));
    let ap = env.json(&["--region", "ap-southeast-2", "pool", "list"]);
    assert_eq!(ap["DedicatedIpPools"], serde_json::json!(["p2"]));
    let r = signed(&addr, "GET", "/v2/email/account", "", "Moon-1");
    assert_eq!(r.status, 400);
    assert_eq!(
        r.header("X-Amzn-ErrorType").as_deref(),
        Some("BadRequestException")
    );
}

#[test]
fn sts_get_caller_identity_names_the_account() {
    let env = Env::new();
    let server = Server::start(&env, &["-q"]);
    let r = request(
        &server.addr(),
        "POST",
        "/",
        "Action=GetCallerIdentity&Version=2011-06-15",
    );
    assert_eq!(r.status, 200);
    assert!(
        r.body.contains("<Account>123456789012</Account>"),
        "{}",
        r.body
    );
    assert!(r.body.contains("<Arn>arn:aws:iam::123456789012:root</Arn>"));
    let r = request(&server.addr(), "POST", "/", "Action=AssumeRole");
    assert_eq!(r.status, 501);
}

#[test]
fn a_command_line_write_is_seen_by_the_next_request() {
    let env = Env::new();
    let server = Server::start(&env, &["-q"]);
    let addr = server.addr();
    for i in 0..5 {
        env.ok(&["config-set", "create", &format!("cs{i}")]);
        let r = request(
            &addr,
            "GET",
            &format!("/v2/email/configuration-sets/cs{i}"),
            "",
        );
        assert_eq!(r.status, 200, "{r:?}");
        let r = request(
            &addr,
            "POST",
            "/v2/email/configuration-sets",
            &format!(r#"{{"ConfigurationSetName":"srv{i}"}}"#),
        );
        assert_eq!(r.status, 200);
        env.ok(&["config-set", "get", &format!("srv{i}")]);
    }
    // A hand edit of the file is seen too.
    env.ok(&["state", "reset", "--yes"]);
    let r = request(&addr, "GET", "/v2/email/configuration-sets/cs0", "");
    assert_eq!(r.status, 404);
}

/// Terraform's `aws_sesv2_*` resources against the endpoint: apply, a plan with no changes,
/// an update, and a destroy that leaves the account empty.
#[test]
fn terraform_applies_plans_no_changes_updates_and_destroys() {
    let env = Env::new();
    let Some(terraform) = Terraform::new(&env) else {
        return;
    };
    let server = Server::start(&env, &["-q"]);
    let config = |tls: &str, tags: &str, identity_set: bool| {
        format!(
            r#"resource "aws_sesv2_dedicated_ip_pool" "marketing" {{
  pool_name    = "marketing"
  scaling_mode = "MANAGED"
  tags         = {{ {tags} }}
}}
resource "aws_sesv2_configuration_set" "news" {{
  configuration_set_name = "newsletters"
  delivery_options {{
    sending_pool_name = aws_sesv2_dedicated_ip_pool.marketing.pool_name
    tls_policy        = "{tls}"
  }}
  tags = {{ env = "prod" }}
}}
resource "aws_sesv2_configuration_set" "receipts" {{
  configuration_set_name = "receipts"
  delivery_options {{
    sending_pool_name = "ses-shared-pool"
  }}
}}
resource "aws_sesv2_email_identity" "example" {{
  email_identity = "example.com"
  {set}
  tags           = {{ owner = "mail" }}
}}
"#,
            set = if identity_set {
                "configuration_set_name = aws_sesv2_configuration_set.news.configuration_set_name"
            } else {
                ""
            }
        )
    };
    let tf = |args: &[&str]| terraform.run(args);
    let out = terraform.converge(&server.url, &config("REQUIRE", r#"team = "growth""#, true));
    assert!(out.contains("4 added"), "{out}");
    let set = env.json(&["--region", "eu-west-1", "config-set", "get", "newsletters"]);
    assert_eq!(set["DeliveryOptions"]["TlsPolicy"], "REQUIRE");
    assert_eq!(set["DeliveryOptions"]["SendingPoolName"], "marketing");
    let id = env.json(&["--region", "eu-west-1", "identity", "get", "example.com"]);
    assert_eq!(id["ConfigurationSetName"], "newsletters");
    // An update: delivery options, a tag added to the pool, the identity's default set removed.
    let out = terraform.converge(
        &server.url,
        &config("OPTIONAL", r#"team = "growth", tier = "gold""#, false),
    );
    assert!(out.contains("3 changed"), "{out}");
    let set = env.json(&["--region", "eu-west-1", "config-set", "get", "newsletters"]);
    assert_eq!(set["DeliveryOptions"]["TlsPolicy"], "OPTIONAL");
    let tags = env.json(&["--region", "eu-west-1", "tag", "list", "pool/marketing"]);
    assert_eq!(tags["Tags"].as_array().unwrap().len(), 2);
    let id = env.json(&["--region", "eu-west-1", "identity", "get", "example.com"]);
    assert!(id.get("ConfigurationSetName").is_none(), "{id}");
    let (code, out) = tf(&["destroy", "-auto-approve"]);
    assert_eq!(code, 0, "destroy: {out}");
    let account = env.json(&["--region", "eu-west-1", "account"]);
    let eu = account["Regions"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["Region"] == "eu-west-1")
        .unwrap();
    for key in ["DedicatedIpPools", "ConfigurationSets", "EmailIdentities"] {
        assert_eq!(eu[key], 0, "{key} after destroy: {eu}");
    }
}

/// Terraform with the hashicorp/aws 5.100.0 mirror in `env`'s folder `tf`, pointed at `server`;
/// `None` (after the harness's skip note) when either is missing.
pub struct Terraform {
    bin: PathBuf,
    dir: PathBuf,
    home: PathBuf,
}

impl Terraform {
    pub fn new(env: &Env) -> Option<Terraform> {
        let mirror = Path::new("/opt/tf-plugins/registry.terraform.io/hashicorp/aws");
        let (Some(bin), true) = (which("terraform"), mirror.exists()) else {
            crate::harness::skip(
                "terraform or its hashicorp/aws mirror in /opt/tf-plugins",
                "SESM_REQUIRE_TERRAFORM",
                "install terraform and the provider mirror",
            );
            return None;
        };
        let dir = env.path("tf");
        std::fs::create_dir_all(&dir).unwrap();
        std::fs::write(
            dir.join("cli.tfrc"),
            "provider_installation {\n  filesystem_mirror {\n    path    = \"/opt/tf-plugins\"\n    include = [\"registry.terraform.io/hashicorp/aws\"]\n  }\n  direct {\n    exclude = [\"registry.terraform.io/hashicorp/aws\"]\n  }\n}\n",
        )
        .unwrap();
        Some(Terraform {
            bin,
            dir,
            home: env.dir.path().to_path_buf(),
        })
    }

    /// The provider block for `url`, then `resources`.
    pub fn write(&self, url: &str, resources: &str) {
        let config = format!(
            r#"terraform {{
  required_providers {{
    aws = {{ source = "hashicorp/aws", version = "5.100.0" }}
  }}
}}
provider "aws" {{
  region                      = "eu-west-1"
  access_key                  = "x"
  secret_key                  = "x"
  skip_credentials_validation = true
  skip_metadata_api_check     = true
  endpoints {{
    ses   = "{url}"
    sesv2 = "{url}"
    sts   = "{url}"
  }}
}}
{resources}"#
        );
        std::fs::write(self.dir.join("main.tf"), config).unwrap();
    }

    /// Writes `resources`, applies them (`init` first, the first time) and checks that a plan
    /// right after has nothing to change; apply's output.
    pub fn converge(&self, url: &str, resources: &str) -> String {
        self.write(url, resources);
        if !self.dir.join(".terraform").exists() {
            let (code, out) = self.run(&["init"]);
            assert_eq!(code, 0, "init: {out}");
        }
        let (code, out) = self.run(&["apply", "-auto-approve"]);
        assert_eq!(code, 0, "apply: {out}");
        let (code, plan) = self.run(&["plan", "-detailed-exitcode"]);
        assert_eq!(code, 0, "a plan right after apply has changes: {plan}");
        out
    }

    /// Runs terraform; its exit code and output.
    pub fn run(&self, args: &[&str]) -> (i32, String) {
        let mut all = args.to_vec();
        all.extend(["-input=false", "-no-color"]);
        self.run_exact(&all)
    }

    /// Runs terraform with exactly `args` (a command whose flags must come before its
    /// arguments, such as `import -no-color ADDR ID`).
    pub fn run_exact(&self, args: &[&str]) -> (i32, String) {
        let out = Command::new(&self.bin)
            .args(args)
            .current_dir(&self.dir)
            .env("TF_CLI_CONFIG_FILE", self.dir.join("cli.tfrc"))
            .env("TF_IN_AUTOMATION", "1")
            .env("CHECKPOINT_DISABLE", "1")
            // The provider spends most of a command's CPU building its schema, much of it in
            // Go's collector: a quarter less CPU at GOGC=400 (about 450 MB of memory instead of
            // 325 MB), and the Terraform tests are most of the suite's time.
            .env("GOGC", "400")
            .env("TF_DATA_DIR", self.dir.join(".terraform"))
            .env("HOME", &self.home)
            .output()
            .unwrap();
        (
            out.status.code().unwrap_or(-1),
            format!(
                "{}{}",
                String::from_utf8_lossy(&out.stdout),
                String::from_utf8_lossy(&out.stderr)
            ),
        )
    }
}

/// A base64 DER SEQUENCE the size of a 2048-bit RSA key in PKCS#1 (1,192 bytes): what sesm
/// checks of a BYODKIM key (it signs nothing, so the key's numbers are never used).
fn byodkim_key() -> String {
    use base64::Engine;
    let mut der = vec![0x30, 0x82, 0x04, 0xa4];
    der.resize(1192, 0x02);
    base64::engine::general_purpose::STANDARD.encode(der)
}

/// Issue 19, parts 3 and 4: Terraform converges (a plan right after apply has no changes) on a
/// bare configuration set, a set made by the command line and imported, feedback and MAIL FROM
/// attributes, and a BYODKIM identity; then destroys it all.
#[test]
fn terraform_converges_on_bare_sets_imports_and_identity_attributes() {
    let env = Env::new();
    let Some(tf) = Terraform::new(&env) else {
        return;
    };
    let server = Server::start(&env, &["-q"]);
    env.ok(&["--region", "eu-west-1", "config-set", "create", "from-cli"]);
    let resources = |behavior: &str, forwarding: bool| {
        format!(
            r#"resource "aws_sesv2_configuration_set" "bare" {{
  configuration_set_name = "bare"
}}
import {{
  to = aws_sesv2_configuration_set.imported
  id = "from-cli"
}}
resource "aws_sesv2_configuration_set" "imported" {{
  configuration_set_name = "from-cli"
}}
resource "aws_sesv2_email_identity" "example" {{
  email_identity = "example.com"
}}
resource "aws_sesv2_email_identity_feedback_attributes" "example" {{
  email_identity           = aws_sesv2_email_identity.example.email_identity
  email_forwarding_enabled = {forwarding}
}}
resource "aws_sesv2_email_identity_mail_from_attributes" "example" {{
  email_identity         = aws_sesv2_email_identity.example.email_identity
  behavior_on_mx_failure = "{behavior}"
  mail_from_domain       = "mail.${{aws_sesv2_email_identity.example.email_identity}}"
}}
resource "aws_sesv2_email_identity" "address" {{
  email_identity = "jane@example.org"
}}
resource "aws_sesv2_email_identity_mail_from_attributes" "address" {{
  email_identity = aws_sesv2_email_identity.address.email_identity
}}
resource "aws_sesv2_email_identity" "byodkim" {{
  email_identity = "byodkim.example.com"
  dkim_signing_attributes {{
    domain_signing_selector    = "sel1"
    domain_signing_private_key = "{key}"
  }}
}}
"#,
            key = byodkim_key()
        )
    };
    let out = tf.converge(&server.url, &resources("REJECT_MESSAGE", true));
    assert!(out.contains("1 imported, 7 added"), "{out}");
    let id = env.json(&["--region", "eu-west-1", "identity", "get", "example.com"]);
    assert_eq!(
        id["MailFromAttributes"],
        serde_json::json!({
            "MailFromDomain": "mail.example.com",
            "MailFromDomainStatus": "SUCCESS",
            "BehaviorOnMxFailure": "REJECT_MESSAGE",
        })
    );
    assert_eq!(id["FeedbackForwardingStatus"], true);
    let byo = env.json(&[
        "--region",
        "eu-west-1",
        "identity",
        "get",
        "byodkim.example.com",
    ]);
    assert_eq!(byo["DkimAttributes"]["SigningAttributesOrigin"], "EXTERNAL");
    assert_eq!(byo["DkimAttributes"]["Tokens"], serde_json::json!(["sel1"]));
    // An update of both attribute resources, and again no changes after it.
    let out = tf.converge(&server.url, &resources("USE_DEFAULT_VALUE", false));
    assert!(out.contains("2 changed"), "{out}");
    let id = env.json(&["--region", "eu-west-1", "identity", "get", "example.com"]);
    assert_eq!(id["FeedbackForwardingStatus"], false);
    assert_eq!(
        id["MailFromAttributes"]["BehaviorOnMxFailure"],
        "USE_DEFAULT_VALUE"
    );
    let (code, out) = tf.run(&["destroy", "-auto-approve"]);
    assert_eq!(code, 0, "destroy: {out}");
    let account = env.json(&["--region", "eu-west-1", "account"]);
    let eu = account["Regions"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["Region"] == "eu-west-1")
        .unwrap();
    for key in ["ConfigurationSets", "EmailIdentities"] {
        assert_eq!(eu[key], 0, "{key} after destroy: {eu}");
    }
}

fn which(tool: &str) -> Option<PathBuf> {
    std::env::var_os("PATH").and_then(|paths| {
        std::env::split_paths(&paths)
            .map(|p| p.join(tool))
            .find(|p| p.is_file())
    })
}

#[test]
fn the_command_line_and_the_endpoint_answer_the_same_quota_and_dkim() {
    let env = Env::new();
    env.ok(&["identity", "create", "example.com"]);
    env.ok(&[
        "send",
        "--from",
        "news@example.com",
        "--to",
        "a@gmail.com",
        "--to",
        "b@yahoo.com",
    ]);
    let server = Server::start(&env, &["-q"]);
    let addr = server.addr();
    let r = request(&addr, "GET", "/v2/email/identities/example.com", "");
    let over_http: serde_json::Value = serde_json::from_str(&r.body).unwrap();
    let cli = env.json(&["identity", "get", "example.com"]);
    assert_eq!(over_http["DkimAttributes"], cli["DkimAttributes"]);
    // Tokens from SHA-256 of region and name: the same on every build and Rust release.
    assert_eq!(
        cli["DkimAttributes"]["Tokens"][0],
        sesm_token("us-east-1", "example.com", 0)
    );
    let r = request(&addr, "GET", "/v2/email/account", "");
    let over_http: serde_json::Value = serde_json::from_str(&r.body).unwrap();
    let cli = env.json(&["account"]);
    assert_eq!(over_http["SendQuota"], cli["SendQuota"]);
    assert_eq!(cli["SendQuota"]["SentLast24Hours"], 2.0);
    // A send through the endpoint counts at once, for both.
    let r = request(
        &addr,
        "POST",
        "/v2/email/outbound-emails",
        r#"{"FromEmailAddress":"news@example.com","Destination":{"ToAddresses":["c@gmail.com"]},"Content":{"Simple":{"Subject":{"Data":"s"},"Body":{"Text":{"Data":"t"}}}}}"#,
    );
    assert_eq!(r.status, 200, "{r:?}");
    let r = request(&addr, "GET", "/v2/email/account", "");
    let over_http: serde_json::Value = serde_json::from_str(&r.body).unwrap();
    assert_eq!(over_http["SendQuota"]["SentLast24Hours"], 3.0);
    assert_eq!(env.json(&["account"])["SendQuota"], over_http["SendQuota"]);
}

/// The first 16 bytes of SHA-256(region NUL name NUL 0 i), in hex: how sesm derives DKIM
/// tokens, computed here independently.
fn sesm_token(region: &str, name: &str, i: u8) -> String {
    use sha2::{Digest, Sha256};
    let mut h = Sha256::new();
    h.update(region.as_bytes());
    h.update([0]);
    h.update(name.as_bytes());
    h.update([0, i]);
    h.finalize()[..16]
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

#[test]
fn boto3_and_the_aws_cli_drive_the_ses_v1_api() {
    drive_with_boto3("ses_v1.py");
}

#[test]
fn terraform_applies_the_ses_v1_resources_beside_sesv2_ones_plans_empty_and_destroys() {
    let env = Env::new();
    let Some(terraform) = Terraform::new(&env) else {
        return;
    };
    let server = Server::start(&env, &["-q"]);
    let config = r#"resource "aws_ses_domain_identity" "d" {
  domain = "v1.example.com"
}
resource "aws_ses_domain_dkim" "d" {
  domain = aws_ses_domain_identity.d.domain
}
resource "aws_ses_email_identity" "e" {
  email = "news@v1.example.com"
}
resource "aws_ses_configuration_set" "cs" {
  name = "v1-set"
  delivery_options {
    tls_policy = "Require"
  }
  reputation_metrics_enabled = true
  sending_enabled            = true
}
resource "aws_ses_event_destination" "sns" {
  name                   = "to-sns"
  configuration_set_name = aws_ses_configuration_set.cs.name
  enabled                = true
  matching_types         = ["bounce", "send"]
  sns_destination {
    topic_arn = "arn:aws:sns:eu-west-1:123456789012:events"
  }
}
resource "aws_ses_template" "t" {
  name    = "v1-template"
  subject = "Hi {{name}}"
  text    = "Hello {{name}}"
  html    = "<b>Hello</b>"
}
resource "aws_ses_domain_mail_from" "m" {
  domain           = aws_ses_domain_identity.d.domain
  mail_from_domain = "bounce.v1.example.com"
}
resource "aws_ses_identity_notification_topic" "n" {
  topic_arn                = "arn:aws:sns:eu-west-1:123456789012:bounces"
  notification_type        = "Bounce"
  identity                 = aws_ses_domain_identity.d.domain
  include_original_headers = true
}
resource "aws_sesv2_configuration_set" "v2" {
  configuration_set_name = "v2-set"
}
resource "aws_sesv2_email_identity_feedback_attributes" "f" {
  email_identity           = aws_ses_domain_identity.d.domain
  email_forwarding_enabled = true
}
"#;
    let tf = |args: &[&str]| terraform.run(args);
    terraform.converge(&server.url, config);
    // One account: SESv2 sees what the v1 resources made.
    let id = env.json(&["--region", "eu-west-1", "identity", "get", "v1.example.com"]);
    assert_eq!(
        id["MailFromAttributes"]["MailFromDomain"],
        "bounce.v1.example.com"
    );
    let set = env.json(&["--region", "eu-west-1", "config-set", "get", "v1-set"]);
    assert_eq!(set["DeliveryOptions"]["TlsPolicy"], "REQUIRE");
    let (code, out) = tf(&["destroy", "-auto-approve"]);
    assert_eq!(code, 0, "destroy: {out}");
    let ids = env.json(&["--region", "eu-west-1", "identity", "list"]);
    assert_eq!(ids["EmailIdentities"], serde_json::json!([]), "{ids}");
}

#[test]
fn django_ses_sends_through_the_v1_api() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let Some(python) = client_venv("django") else {
        crate::harness::skip(
            "django-ses (target/clients/django)",
            "SESM_REQUIRE_CLIENTS",
            "run .ci/clients",
        );
        return;
    };
    let env = Env::new();
    env.ok(&["pool", "create", "marketing", "--managed"]);
    env.ok(&["config-set", "create", "news", "--pool", "marketing"]);
    env.ok(&["identity", "create", "example.com"]);
    let server = Server::start(&env, &["-q"]);
    let out = Command::new(python)
        .arg(root.join("tests/clients/django_ses_v1.py"))
        .arg(&server.url)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(String::from_utf8_lossy(&out.stdout).trim(), "2");
    let list: serde_json::Value =
        serde_json::from_str(&request(&server.addr(), "GET", "/_sesm/outbox", "").body).unwrap();
    let messages = list["Messages"].as_array().unwrap();
    let m = messages
        .iter()
        .find(|m| m["Subject"] == "django-ses attachment")
        .unwrap();
    assert_eq!(m["PoolName"], "marketing");
    let id = m["MessageId"].as_str().unwrap();
    let d: serde_json::Value = serde_json::from_str(
        &request(&server.addr(), "GET", &format!("/_sesm/outbox/{id}"), "").body,
    )
    .unwrap();
    assert_eq!(d["Attachments"][0]["FileName"], "report.csv", "{d}");
    assert!(messages.iter().any(|m| m["Subject"] == "django-ses"));
}
