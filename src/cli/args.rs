//! The command line, as clap types.

use std::path::PathBuf;
use std::time::Duration;

use clap::{Args, Parser, Subcommand, ValueEnum};

use runner::spec::duration::parse_duration;

/// Run declarative HTTP workflows: YAML collections of requests with captures and expectations.
#[derive(Debug, Parser)]
#[command(name = "runner", version, about, propagate_version = true)]
pub struct Cli {
    /// What to do.
    #[command(subcommand)]
    pub command: Command,
    /// When to colour output (before or after the subcommand).
    #[arg(long, global = true, value_enum, default_value_t = ColorWhen::Auto, value_name = "WHEN")]
    pub color: ColorWhen,
}

/// The subcommands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Run collections and check every response.
    Run(Box<RunArgs>),
    /// Check collections without sending anything: every problem, with file:line:col.
    Validate(ValidateArgs),
    /// Show collections: their steps, inputs (and which are secret), environments and tags.
    List(ListArgs),
    /// Serve a bundled API sandbox on loopback until Ctrl-C.
    #[command(subcommand)]
    Sandbox(SandboxCommand),
    /// Convert another tool's collection into a runner collection.
    #[command(subcommand)]
    Import(ImportCommand),
    /// Convert a runner collection into another tool's format.
    #[command(subcommand)]
    Export(ExportCommand),
    /// Load-test a collection on Locust: many users, per-step latency percentiles, thresholds.
    Load(Box<super::locust_args::LoadArgs>),
    /// Print the shell completion script for SHELL (see README for installing it).
    Completions(CompletionsArgs),
    /// Review snapshot changes recorded by `runner run` (`__snapshots__/*.snap.yaml.new`).
    #[command(subcommand)]
    Snapshots(SnapshotsCommand),
}

/// `runner snapshots ...`.
#[derive(Debug, Subcommand)]
pub enum SnapshotsCommand {
    /// Show each pending snapshot as a diff against the approved one and accept or reject it
    /// (asks on a terminal; otherwise pass `--accept-all` or `--reject-all`). Lists stale
    /// snapshots, of steps that no longer exist.
    Review(ReviewArgs),
}

/// `runner snapshots review`.
#[derive(Debug, Args)]
pub struct ReviewArgs {
    /// Collection files or directories whose snapshots to review (searched recursively for
    /// `__snapshots__` directories; default: the current directory).
    #[arg(value_name = "PATH")]
    pub paths: Vec<PathBuf>,
    /// Accept every pending snapshot without asking.
    #[arg(long, conflicts_with = "reject_all")]
    pub accept_all: bool,
    /// Reject (delete) every pending snapshot without asking.
    #[arg(long)]
    pub reject_all: bool,
    /// Remove the stale snapshots: entries whose step no longer exists.
    #[arg(long)]
    pub prune: bool,
}

/// `runner completions`.
#[derive(Debug, Args)]
pub struct CompletionsArgs {
    /// The shell.
    #[arg(value_enum, value_name = "SHELL")]
    pub shell: clap_complete::Shell,
}

/// `runner import ...`.
#[derive(Debug, Subcommand)]
pub enum ImportCommand {
    /// A Postman collection (v2.0 or v2.1) and its environment files. What cannot be
    /// translated is kept as comments and listed on stderr.
    Postman(ImportPostmanArgs),
    /// curl command lines ("Copy as cURL" for bash, cmd or PowerShell, `runner run --curl`
    /// output), one step per request. Credentials become secret inputs; unknown options are
    /// listed on stderr.
    Curl(ImportCurlArgs),
    /// A HAR file (HTTP Archive 1.2, as browsers export it), one step per entry, the recorded
    /// status expected; values reused from earlier responses become captures.
    Har(ImportHarArgs),
    /// An OpenAPI 3.0 or 3.1 document (YAML or JSON): one step per operation, each checking
    /// its response against the document. Placeholders for what cannot be derived are listed
    /// on stderr.
    Openapi(ImportOpenapiArgs),
}

/// `runner import openapi`.
#[derive(Debug, Args)]
pub struct ImportOpenapiArgs {
    /// The OpenAPI document.
    #[arg(value_name = "SPEC")]
    pub spec: PathBuf,
    /// Only operations with this tag (repeatable).
    #[arg(long = "tag", value_name = "TAG")]
    pub tags: Vec<String>,
    /// Only the operation with this operationId (repeatable).
    #[arg(long = "operation-id", value_name = "ID")]
    pub operation_ids: Vec<String>,
    /// Only operations whose path starts with this, e.g. `/pets` (repeatable).
    #[arg(long = "path", value_name = "PATH")]
    pub paths: Vec<String>,
    /// Write the collection here (default: stdout).
    #[arg(long, short = 'o', value_name = "FILE")]
    pub output: Option<PathBuf>,
    /// Exit with code 2, writing nothing, if anything had to be a placeholder.
    #[arg(long)]
    pub strict: bool,
    /// The `$schema` reference on the first line, for editors (default: with `-o FILE`, the
    /// path from FILE to `schemas/collection.schema.json` of the current directory if there
    /// is one; else `../schemas/collection.schema.json`).
    #[arg(long, value_name = "PATH|URL")]
    pub schema: Option<String>,
    /// The URL the document is served at: relative server URLs (`/api/v3`, or none) are
    /// resolved against it, as OpenAPI says (`https://host/api/v3/openapi.json` makes
    /// `/api/v3` `https://host/api/v3`).
    #[arg(long, value_name = "URL", value_parser = parse_document_url)]
    pub document_url: Option<url::Url>,
    /// When to colour output: the global `--color`, set after parsing.
    #[arg(skip)]
    pub color: ColorWhen,
}

/// `--document-url`: an http:// or https:// URL.
fn parse_document_url(text: &str) -> Result<url::Url, String> {
    let url = url::Url::parse(text).map_err(|e| format!("`{text}` is not a URL: {e}"))?;
    if matches!(url.scheme(), "http" | "https") {
        Ok(url)
    } else {
        Err(format!("`{text}` is not an http:// or https:// URL"))
    }
}

/// `runner import har`.
#[derive(Debug, Args)]
pub struct ImportHarArgs {
    /// The HAR file (DevTools › Network › Export HAR).
    #[arg(value_name = "FILE.har")]
    pub file: PathBuf,
    /// Only requests to this host (`host` or `host:port`; repeatable).
    #[arg(long = "host", value_name = "HOST")]
    pub hosts: Vec<String>,
    /// Only requests with this method (repeatable).
    #[arg(long = "method", value_name = "METHOD")]
    pub methods: Vec<String>,
    /// Only responses whose content type contains this, e.g. `json` (repeatable).
    #[arg(long = "content-type", value_name = "TYPE")]
    pub content_types: Vec<String>,
    /// Keep images, fonts, scripts and styles (left out by default).
    #[arg(long)]
    pub assets: bool,
    /// Write the collection here (default: stdout).
    #[arg(long, short = 'o', value_name = "FILE")]
    pub output: Option<PathBuf>,
    /// Exit with code 2, writing nothing, if anything could not be translated.
    #[arg(long)]
    pub strict: bool,
    /// Add an environment `sandbox` (the default) that runs against this bundled sandbox:
    /// `base_url` becomes `{{sandbox.url}}`, `application_token` the sandbox's token.
    #[arg(long, value_enum, value_name = "NAME")]
    pub sandbox: Option<SandboxName>,
    /// The `$schema` reference on the first line, for editors (default: with `-o FILE`, the
    /// path from FILE to `schemas/collection.schema.json` of the current directory if there
    /// is one; else `../schemas/collection.schema.json`).
    #[arg(long, value_name = "PATH|URL")]
    pub schema: Option<String>,
    /// When to colour output: the global `--color`, set after parsing.
    #[arg(skip)]
    pub color: ColorWhen,
}

/// `runner import curl`.
#[derive(Debug, Args)]
pub struct ImportCurlArgs {
    /// A file of curl commands (`-`: standard input; default: standard input, unless a
    /// command follows `--`).
    #[arg(value_name = "FILE")]
    pub file: Option<PathBuf>,
    /// The shell the commands were written for (default: `cmd` for a `.cmd` or `.bat` file or
    /// a text with `^` escapes, `powershell` for a `.ps1` file or a line ending in a backtick,
    /// else `posix`).
    #[arg(long, value_enum, value_name = "SHELL")]
    pub shell: Option<CurlShell>,
    /// One curl command, as words after `--` (e.g. `-- curl -X POST https://...`).
    #[arg(last = true, value_name = "CURL ARGS", allow_hyphen_values = true)]
    pub command: Vec<String>,
    /// Write the collection here (default: stdout).
    #[arg(long, short = 'o', value_name = "FILE")]
    pub output: Option<PathBuf>,
    /// Exit with code 2, writing nothing, if anything could not be translated.
    #[arg(long)]
    pub strict: bool,
    /// Add an environment `sandbox` (the default) that runs against this bundled sandbox:
    /// `base_url` becomes `{{sandbox.url}}`.
    #[arg(long, value_enum, value_name = "NAME")]
    pub sandbox: Option<SandboxName>,
    /// The `$schema` reference on the first line, for editors (default: with `-o FILE`, the
    /// path from FILE to `schemas/collection.schema.json` of the current directory if there
    /// is one; else `../schemas/collection.schema.json`).
    #[arg(long, value_name = "PATH|URL")]
    pub schema: Option<String>,
    /// When to colour output: the global `--color`, set after parsing.
    #[arg(skip)]
    pub color: ColorWhen,
}

/// `runner import postman`.
#[derive(Debug, Args)]
pub struct ImportPostmanArgs {
    /// The collection, as exported from Postman (Collection v2.1 or v2.0).
    #[arg(value_name = "COLLECTION.json")]
    pub collection: PathBuf,
    /// A Postman environment file, imported as an environment (repeatable; the first is the default).
    #[arg(long = "environment", short = 'e', value_name = "ENV.json")]
    pub environments: Vec<PathBuf>,
    /// Write the collection here (default: stdout). JSON Schemas found in test scripts are
    /// written to `<name>.schemas/` beside it.
    #[arg(long, short = 'o', value_name = "FILE")]
    pub output: Option<PathBuf>,
    /// Exit with code 2, writing nothing, if anything could not be translated.
    #[arg(long)]
    pub strict: bool,
    /// Add an environment `sandbox` (the default) that runs against this bundled sandbox:
    /// the first URL's variable becomes `{{sandbox.url}}`, an `application_token` variable
    /// the sandbox's token.
    #[arg(long, value_enum, value_name = "NAME")]
    pub sandbox: Option<SandboxName>,
    /// The `$schema` reference on the first line, for editors (default: with `-o FILE`, the
    /// path from FILE to `schemas/collection.schema.json` of the current directory if there
    /// is one; else `../schemas/collection.schema.json`).
    #[arg(long, value_name = "PATH|URL")]
    pub schema: Option<String>,
    /// When to colour output: the global `--color`, set after parsing.
    #[arg(skip)]
    pub color: ColorWhen,
}

/// The shells `runner import curl` reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum CurlShell {
    /// bash, zsh, sh: `\` continuations, `'...'`, `"..."`, `$'...'`.
    Posix,
    /// Windows cmd.exe: `^` escapes and continuations, `"..."` with `\"` or `""`.
    Cmd,
    /// PowerShell: `` ` `` escapes and continuations, `'...'`, `"..."` with `` `" `` or `""`.
    #[value(name = "powershell")]
    PowerShell,
}

/// The bundled sandboxes, by name.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum SandboxName {
    /// The EMnify REST API.
    Emnify,
}

/// `runner export ...`.
#[derive(Debug, Subcommand)]
pub enum ExportCommand {
    /// A Postman Collection v2.1: captures and expectations become test scripts. What cannot
    /// be expressed is listed on stderr.
    Postman(ExportPostmanArgs),
    /// A Locust 2.x scenario (locustfile): one user class running the steps in order. What
    /// cannot be expressed is listed on stderr.
    Locust(super::locust_args::ExportLocustArgs),
}

/// `runner export postman`.
#[derive(Debug, Args)]
pub struct ExportPostmanArgs {
    /// The runner collection.
    #[arg(value_name = "FILE.yaml")]
    pub collection: PathBuf,
    /// Write the Postman collection here (default: stdout).
    #[arg(long, short = 'o', value_name = "FILE")]
    pub output: Option<PathBuf>,
    /// Exit with code 2, writing nothing, if anything could not be expressed.
    #[arg(long)]
    pub strict: bool,
    /// When to colour output: the global `--color`, set after parsing.
    #[arg(skip)]
    pub color: ColorWhen,
}

/// `runner validate`.
#[derive(Debug, Args)]
pub struct ValidateArgs {
    /// Collection files, directories (searched recursively) or globs.
    #[arg(required = true, value_name = "PATH")]
    pub paths: Vec<PathBuf>,
    /// Check only this environment (default: every environment of each collection).
    #[arg(long, value_name = "NAME")]
    pub env: Option<String>,
    /// A variable `run` will get with `--var` (repeatable).
    #[arg(long = "var", value_name = "NAME=VALUE", value_parser = super::secret_arg::parse_key_value)]
    pub vars: Vec<(String, String)>,
    /// Variables `run` will get from this YAML or JSON map (repeatable).
    #[arg(long = "vars-file", value_name = "FILE", value_parser = super::pipes::input_path)]
    pub vars_files: Vec<PathBuf>,
    /// A secret `run` will get with `--secret`: the name is enough; a value given is masked (repeatable).
    #[arg(long = "secret", value_name = "NAME[=VALUE]", value_parser = parse_secret_name)]
    pub secrets: Vec<(String, Option<String>)>,
    /// The `--data` file `run` will get: every row's fields are checked as variables.
    #[arg(long, value_name = "FILE", value_parser = super::pipes::input_path)]
    pub data: Option<PathBuf>,
    /// When to colour output: the global `--color`, set after parsing.
    #[arg(skip)]
    pub color: ColorWhen,
}

/// `runner list`.
#[derive(Debug, Args)]
pub struct ListArgs {
    /// Collection files, directories (searched recursively) or globs.
    #[arg(required = true, value_name = "PATH")]
    pub paths: Vec<PathBuf>,
}

/// `runner sandbox ...`.
#[derive(Debug, Subcommand)]
pub enum SandboxCommand {
    /// The EMnify REST API: authentication, endpoints, SIMs, SMS, profiles (in memory).
    Emnify(EmnifySandboxArgs),
}

/// `runner sandbox emnify`.
#[derive(Debug, Args)]
pub struct EmnifySandboxArgs {
    /// Address to listen on.
    #[arg(long, default_value = "127.0.0.1")]
    pub host: std::net::IpAddr,
    /// Port to listen on (0: any free port).
    #[arg(long, default_value_t = runner::sandbox::emnify::DEFAULT_CLI_PORT)]
    pub port: u16,
    /// The application token `POST /api/v1/authenticate` accepts.
    #[arg(long, value_name = "TOKEN", default_value = runner::sandbox::emnify::DEFAULT_APPLICATION_TOKEN)]
    pub application_token: String,
    /// Lifetime of issued auth tokens.
    #[arg(long, value_name = "DURATION", default_value = "4h", value_parser = parse_timeout)]
    pub token_lifetime: Duration,
    /// Apply EMnify's documented rate limits (429, error 1105).
    #[arg(long)]
    pub rate_limit: bool,
    /// Delay added to every response, e.g. `200ms`.
    #[arg(long, value_name = "DURATION", default_value = "0ms", value_parser = parse_timeout)]
    pub latency: Duration,
    /// Share of requests (0.0 to 1.0) answered with a random 503, to test retries (never the
    /// login, `POST /api/v1/authenticate`, so that a run gets its token).
    #[arg(long, value_name = "RATE", default_value_t = 0.0)]
    pub fail_rate: f64,
    /// A JSON or YAML file replacing the built-in endpoints, SIMs and profiles.
    #[arg(long, value_name = "FILE")]
    pub seed: Option<PathBuf>,
}

/// `runner run`.
#[derive(Debug, Args)]
pub struct RunArgs {
    /// Collection files, directories (searched recursively for collections) or globs, run in order.
    #[arg(required = true, value_name = "PATH")]
    pub paths: Vec<PathBuf>,
    /// The environment to use (default: the collection's `default_environment`).
    #[arg(long, value_name = "NAME")]
    pub env: Option<String>,
    /// Set a variable, over every other definition (repeatable). The value is text.
    #[arg(long = "var", value_name = "NAME=VALUE", value_parser = super::secret_arg::parse_key_value)]
    pub vars: Vec<(String, String)>,
    /// Read variables from a YAML or JSON map (repeatable; later files win; `--var` wins over
    /// them; `-`: standard input).
    #[arg(long = "vars-file", value_name = "FILE", value_parser = super::pipes::input_path)]
    pub vars_files: Vec<PathBuf>,
    /// Like `--var`, and the value is masked in every output (repeatable).
    #[arg(long = "secret", value_name = "NAME=VALUE", value_parser = super::secret_arg::parse_secret_pair)]
    pub secrets: Vec<(String, String)>,
    /// Time allowed for each request when the step and collection set none (default 30s; 0s: no limit).
    #[arg(long, value_name = "DURATION", value_parser = parse_timeout)]
    pub timeout: Option<Duration>,
    /// Keep running the steps after one fails.
    #[arg(long)]
    pub continue_on_failure: bool,
    /// Fail a step whose response body is larger than this (default 256MiB), e.g. `50MB`.
    #[arg(long, value_name = "SIZE", value_parser = runner::spec::size::parse_size)]
    pub max_body: Option<u64>,
    /// Accept any TLS certificate (self-signed, expired, wrong host). Prints a warning.
    #[arg(long, short = 'k')]
    pub insecure: bool,
    /// Trust the CA certificates in this PEM file (instead of the built-in authorities).
    #[arg(long, value_name = "FILE")]
    pub cacert: Option<PathBuf>,
    /// Present this client certificate (PEM, with its chain); needs `--key`.
    #[arg(long, value_name = "FILE", requires = "key")]
    pub cert: Option<PathBuf>,
    /// The private key (PEM) of `--cert`.
    #[arg(long, value_name = "FILE", requires = "cert")]
    pub key: Option<PathBuf>,
    /// Send every request through this proxy: HTTP, e.g. `http://proxy:3128`, or SOCKS, e.g.
    /// `socks5h://proxy:1080` (`socks4`, `socks4a`, `socks5`, `socks5h`; with `h` or `a` the
    /// proxy resolves the host). `NO_PROXY` still applies. Without it, `HTTP_PROXY`,
    /// `HTTPS_PROXY`, `ALL_PROXY` and `NO_PROXY` are used, with the same schemes.
    #[arg(long, value_name = "URL")]
    pub proxy: Option<String>,
    /// Resolve HOST to ADDRESS, e.g. `api.example.com:443:127.0.0.1` (repeatable).
    #[arg(long, value_name = "HOST:PORT:ADDRESS", value_parser = runner::http::network::parse_resolve)]
    pub resolve: Vec<(String, std::net::SocketAddr)>,
    /// Time allowed to open a connection (default 10s; 0s: no limit).
    #[arg(long, value_name = "DURATION", value_parser = parse_timeout)]
    pub connect_timeout: Option<Duration>,
    /// Load cookies from this Netscape cookie file (if it exists) and save the jar to it at
    /// the end of the run.
    #[arg(long, value_name = "FILE")]
    pub cookie_jar: Option<PathBuf>,
    /// Write every request sent as a curl command to FILE, secrets masked as `***`.
    #[arg(long, value_name = "FILE")]
    pub curl: Option<PathBuf>,
    /// Collection runs at once, iterations (`--data` rows, `--iterations`) among them (default:
    /// the number of CPUs; output stays in order). Steps of a collection always run in order.
    #[arg(long, short = 'j', value_name = "N", value_parser = clap::value_parser!(u16).range(1..))]
    pub jobs: Option<u16>,
    /// Run only shard K of N (1-based), e.g. `--shard 2/4`, to split collections across CI machines.
    #[arg(long, value_name = "K/N", value_parser = parse_shard)]
    pub shard: Option<(usize, usize)>,
    /// Run only collections or steps with this tag (repeatable; any tag matches). Tags that no
    /// collection or step given has stop the run before it sends anything (exit 2).
    #[arg(long = "tag", value_name = "TAG")]
    pub tags: Vec<String>,
    /// Run only the step with this name or id, and the earlier steps it needs (repeatable).
    #[arg(long = "step", value_name = "NAME|ID")]
    pub steps: Vec<String>,
    /// Run each collection once per row of this CSV (with a header row) or JSON (array of
    /// objects) file, the row's fields as variables (`-`: standard input).
    #[arg(long, value_name = "FILE", value_parser = super::pipes::input_path)]
    pub data: Option<PathBuf>,
    /// Run each collection this many times, 1 to 100000 (with `--data`: rows are reused in turn).
    #[arg(long, short = 'n', value_name = "N", value_parser = clap::value_parser!(u32).range(1..=100_000))]
    pub iterations: Option<u32>,
    /// Write a JUnit XML report.
    #[arg(long, value_name = "FILE")]
    pub report_junit: Option<PathBuf>,
    /// Write a JSON report (format: schemas/report.schema.json).
    #[arg(long, value_name = "FILE")]
    pub report_json: Option<PathBuf>,
    /// Write a TAP 13 report.
    #[arg(long, value_name = "FILE")]
    pub report_tap: Option<PathBuf>,
    /// Write a self-contained HTML report.
    #[arg(long, value_name = "FILE")]
    pub report_html: Option<PathBuf>,
    /// A CI report (repeatable): `github` (an annotation per failure on stdout, a summary to
    /// `$GITHUB_STEP_SUMMARY`; on by default when `GITHUB_ACTIONS=true` and no report is
    /// chosen) or `gitlab-codequality=FILE` (GitLab's Code Quality JSON).
    #[arg(long = "report", value_name = "FORMAT", value_parser = parse_report)]
    pub reports: Vec<CiReport>,
    /// Count every step against this OpenAPI document too (coverage is always reported for
    /// the document a collection names in `openapi:`).
    #[arg(long, value_name = "SPEC")]
    pub openapi_coverage: Option<PathBuf>,
    /// Fail the run (exit 1) when fewer than this percent of a document's operations were
    /// exercised, e.g. `80`.
    #[arg(long, value_name = "PERCENT", value_parser = parse_percent)]
    pub min_openapi_coverage: Option<f64>,
    /// Show requests and responses (-v: headers and bodies, long bodies cut, and every skipped
    /// step; -vv: in full).
    #[arg(short, long, action = clap::ArgAction::Count)]
    pub verbose: u8,
    /// Approve what `expect.snapshot` saw: write it to `__snapshots__/*.snap.yaml` and pass
    /// those steps (ignored when CI is set: nothing is written in CI).
    #[arg(long)]
    pub update_snapshots: bool,
    /// When to colour output: the global `--color`, set after parsing.
    #[arg(skip)]
    pub color: ColorWhen,
}

/// A percentage, 0 to 100.
fn parse_percent(text: &str) -> Result<f64, String> {
    match text.trim_end_matches('%').parse::<f64>() {
        Ok(percent) if (0.0..=100.0).contains(&percent) => Ok(percent),
        _ => Err(format!("`{text}` is not a percentage from 0 to 100")),
    }
}

/// A `--report` format.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CiReport {
    /// GitHub Actions annotations and step summary.
    Github,
    /// GitLab's Code Quality report, written to the file.
    GitlabCodeQuality(PathBuf),
}

fn parse_report(text: &str) -> Result<CiReport, String> {
    match text.split_once('=') {
        None if text == "github" => Ok(CiReport::Github),
        Some(("gitlab-codequality", file)) if !file.is_empty() => {
            Ok(CiReport::GitlabCodeQuality(PathBuf::from(file)))
        }
        _ => Err(format!(
            "`{text}` is not a report: write `github` or `gitlab-codequality=FILE`"
        )),
    }
}

/// `--color`.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, ValueEnum)]
pub enum ColorWhen {
    /// On a terminal, unless `NO_COLOR` is set.
    #[default]
    Auto,
    /// Always.
    Always,
    /// Never.
    Never,
}

impl ColorWhen {
    /// The anstream choice.
    pub fn choice(self) -> anstream::ColorChoice {
        match self {
            ColorWhen::Auto => anstream::ColorChoice::Auto,
            ColorWhen::Always => anstream::ColorChoice::Always,
            ColorWhen::Never => anstream::ColorChoice::Never,
        }
    }
}

impl ColorWhen {
    /// The `--color` of `arguments` (the program's name first), read before clap parses
    /// them, so that clap's own errors and help follow it too: the last one given before a
    /// `--`; `Auto` if none is, or one clap will refuse.
    pub fn in_arguments<T: AsRef<std::ffi::OsStr>>(arguments: &[T]) -> ColorWhen {
        let mut color = ColorWhen::Auto;
        let mut arguments = arguments.iter().skip(1).map(|a| a.as_ref().to_str());
        while let Some(argument) = arguments.next() {
            let value = match argument {
                Some("--") => break,
                Some("--color") => arguments.next().flatten(),
                Some(other) => other.strip_prefix("--color="),
                None => None,
            };
            if let Some(value) = value {
                color = ColorWhen::from_str(value, true).unwrap_or(ColorWhen::Auto);
            }
        }
        color
    }

    /// The clap choice.
    pub fn clap(self) -> clap::ColorChoice {
        match self {
            ColorWhen::Auto => clap::ColorChoice::Auto,
            ColorWhen::Always => clap::ColorChoice::Always,
            ColorWhen::Never => clap::ColorChoice::Never,
        }
    }
}

/// `NAME` or `NAME=VALUE`: `validate` needs only the name of a secret, never its value. A
/// malformed one is not refused here, where clap would print it: it parses with an empty
/// name, refused by [`super::secret_arg::malformed_secret_name`] without being shown.
#[allow(clippy::unnecessary_wraps)]
fn parse_secret_name(text: &str) -> Result<(String, Option<String>), String> {
    Ok(match text.split_once('=') {
        Some((name, value)) => (name.trim().to_owned(), Some(value.to_owned())),
        None => (text.trim().to_owned(), None),
    })
}

fn parse_shard(text: &str) -> Result<(usize, usize), String> {
    let error = || format!("`{text}` is not K/N with 1 <= K <= N, e.g. `1/3`");
    let (k, n) = text.split_once('/').ok_or_else(error)?;
    let k: usize = k.trim().parse().map_err(|_| error())?;
    let n: usize = n.trim().parse().map_err(|_| error())?;
    if k == 0 || n == 0 || k > n {
        return Err(error());
    }
    Ok((k, n))
}

fn parse_timeout(text: &str) -> Result<Duration, String> {
    parse_duration(text).map_err(|e| e.to_string())
}

impl RunArgs {
    /// The network options of the command line: the HTTP client's, and `--curl`'s commands'.
    pub fn network_options(&self) -> runner::http::NetworkOptions {
        runner::http::NetworkOptions {
            insecure: self.insecure,
            cacert: self.cacert.clone(),
            client_certificate: self.cert.clone().zip(self.key.clone()),
            proxy: self.proxy.clone(),
            resolve: self.resolve.clone(),
            connect_timeout: self.connect_timeout,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_command_line_is_consistent() {
        use clap::CommandFactory;
        Cli::command().debug_assert();
    }

    #[test]
    fn color_is_found_before_clap_parses() {
        let color = |args: &[&str]| ColorWhen::in_arguments(args);
        assert_eq!(color(&["runner", "run", "a.yaml"]), ColorWhen::Auto);
        assert_eq!(
            color(&["runner", "run", "a.yaml", "--color", "never"]),
            ColorWhen::Never
        );
        assert_eq!(
            color(&["runner", "--color=always", "run", "a.yaml"]),
            ColorWhen::Always
        );
        assert_eq!(
            color(&["runner", "--color", "never", "run", "--color", "always"]),
            ColorWhen::Always
        );
        assert_eq!(
            color(&["runner", "run", "--", "--color", "never"]),
            ColorWhen::Auto
        );
        assert_eq!(
            color(&["runner", "run", "--color", "sometimes"]),
            ColorWhen::Auto
        );
    }

    #[test]
    fn shards() {
        assert_eq!(parse_shard("2/4"), Ok((2, 4)));
        assert!(parse_shard("0/4").is_err());
        assert!(parse_shard("5/4").is_err());
        assert!(parse_shard("x").is_err());
    }

    #[test]
    fn key_values() {
        assert_eq!(
            super::super::secret_arg::parse_key_value("a=b=c"),
            Ok(("a".into(), "b=c".into()))
        );
        assert!(super::super::secret_arg::parse_key_value("novalue").is_err());
        assert!(super::super::secret_arg::parse_key_value("=x").is_err());
    }
}
