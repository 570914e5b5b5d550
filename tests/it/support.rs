//! Test support: an in-process axum server on loopback, and the real `runner` binary.

use std::io::Read;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::OnceLock;
use std::time::{Duration, Instant};

use axum::extract::Path as UrlPath;
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use serde_json::{json, Value};

/// The secret token the test server issues.
pub const ISSUED_TOKEN: &str = "tok-9f8e7d6c5b4a";

/// The address of the shared test server, started on first use.
pub fn server() -> SocketAddr {
    static ADDRESS: OnceLock<SocketAddr> = OnceLock::new();
    *ADDRESS.get_or_init(|| crate::servers::spawn(app()))
}

fn app() -> Router {
    Router::new()
        .route("/auth", post(auth))
        .route("/items", get(items))
        .route(
            "/echo",
            post(crate::servers::echo)
                .get(crate::servers::echo)
                .put(crate::servers::echo),
        )
        .route("/text", get(|| async { "plain text, not JSON" }))
        .route("/status/{code}", get(status))
        .route("/redirect", get(|| async { Redirect::to("/text") }))
        .route("/slow", get(slow))
        .route("/big", get(|| async { "x".repeat(1 << 20) }))
        .route("/zeros/{count}", get(zeros))
        .route("/ids-cut/{count}", get(ids_cut))
        .route("/long-name/{bytes}/{count}", get(long_name))
        .route("/sleep/{ms}", get(sleep))
        .route("/sleep/{ms}/{key}", get(counted_sleep))
        .route("/flaky/{key}/{failures}", get(flaky))
        .route("/poll/{key}/{ready_after}", get(poll))
        .route("/retry-after/{key}", get(retry_after))
        .route("/paged", get(paged))
        .route("/paged-json", get(paged_json))
        .route("/queue/{key}/{items}", get(queue))
        .route("/hit/{key}", get(hit).post(hit))
        .route("/bytes/{hex}", get(bytes))
}

fn hit_counts() -> &'static std::sync::Mutex<std::collections::HashMap<String, usize>> {
    static HITS: OnceLock<std::sync::Mutex<std::collections::HashMap<String, usize>>> =
        OnceLock::new();
    HITS.get_or_init(Default::default)
}

async fn hit(UrlPath(key): UrlPath<String>) -> &'static str {
    if let Ok(mut hits) = hit_counts().lock() {
        *hits.entry(key).or_default() += 1;
    }
    "hit"
}

/// Counts a request to `key` (shared with `/hit`), returning the count including this one.
fn count(key: &str) -> usize {
    let Ok(mut hits) = hit_counts().lock() else {
        return 0;
    };
    let n = hits.entry(key.to_owned()).or_default();
    *n += 1;
    *n
}

/// 503 for the first `failures` requests of `key`, then 200.
async fn flaky(UrlPath((key, failures)): UrlPath<(String, usize)>) -> Response {
    if count(&key) <= failures {
        (StatusCode::SERVICE_UNAVAILABLE, "try again").into_response()
    } else {
        Json(json!({ "state": "ok" })).into_response()
    }
}

/// `pending` until the `ready_after`-th request of `key`, then `done`.
async fn poll(UrlPath((key, ready_after)): UrlPath<(String, usize)>) -> Json<Value> {
    let n = count(&key);
    Json(json!({ "state": if n >= ready_after { "done" } else { "pending" }, "polls": n }))
}

/// 429 with `Retry-After: 1` on the first request of `key`, then 200.
async fn retry_after(UrlPath(key): UrlPath<String>) -> Response {
    if count(&key) == 1 {
        (
            StatusCode::TOO_MANY_REQUESTS,
            [("retry-after", "1")],
            "slow down",
        )
            .into_response()
    } else {
        Json(json!({ "state": "ok" })).into_response()
    }
}

#[derive(serde::Deserialize)]
struct Page {
    page: Option<usize>,
    per_page: Option<usize>,
    /// The last page links back to this page (a server whose pages loop).
    loop_to: Option<usize>,
}

/// Items 1..=7, `per_page` at a time, with `Link: rel="next"`; past the end, an empty page
/// (or, given `loop_to`, a link back to that page).
async fn paged(axum::extract::Query(query): axum::extract::Query<Page>) -> Response {
    let (page, per_page) = (
        query.page.unwrap_or(1).max(1),
        query.per_page.unwrap_or(3).max(1),
    );
    let items: Vec<Value> = (1..=7usize)
        .skip((page - 1) * per_page)
        .take(per_page)
        .map(|id| json!({ "id": id }))
        .collect();
    let mut response = Json(Value::Array(items)).into_response();
    let next = match query.loop_to {
        _ if page * per_page < 7 => Some(page + 1),
        Some(to) => Some(to),
        None => None,
    };
    if let Some(next) = next {
        let back = match query.loop_to {
            Some(to) => format!("&loop_to={to}"),
            None => String::new(),
        };
        let link = format!("</paged?page={next}&per_page={per_page}{back}>; rel=\"next\"");
        if let Ok(value) = link.parse() {
            response.headers_mut().insert("link", value);
        }
    }
    response
}

/// A queue drained one item a request: each answer holds the next item and names this same
/// URL as the next page, until `items` were given.
async fn queue(UrlPath((key, items)): UrlPath<(String, usize)>) -> Response {
    let served = count(&format!("queue-{key}"));
    let mut response = Json(json!([served])).into_response();
    if served < items {
        let link = format!("</queue/{key}/{items}>; rel=\"next\"");
        if let Ok(value) = link.parse() {
            response.headers_mut().insert("link", value);
        }
    }
    response
}

/// Items 1..=7, three at a time, with the next page's URL in the body.
async fn paged_json(axum::extract::Query(query): axum::extract::Query<Page>) -> Json<Value> {
    let page = query.page.unwrap_or(1).max(1);
    let items: Vec<Value> = (1..=7usize)
        .skip((page - 1) * 3)
        .take(3)
        .map(|id| json!({ "id": id }))
        .collect();
    let next = (page * 3 < 7).then(|| format!("/paged-json?page={}", page + 1));
    Json(json!({ "items": items, "next": next }))
}

/// How many requests `/hit/{key}` received.
pub fn hits(key: &str) -> usize {
    hit_counts()
        .lock()
        .map(|h| h.get(key).copied().unwrap_or(0))
        .unwrap_or(0)
}

/// A loopback port where nothing listens.
///
/// A socket bound to it and never listening holds it for the whole test process: a connection
/// to it is refused, and no server another test starts meanwhile can take it (a port bound
/// and let go could be, between the moment it is chosen and the one runner connects).
pub fn closed_port() -> u16 {
    static HELD: OnceLock<(socket2::Socket, u16)> = OnceLock::new();
    HELD.get_or_init(|| {
        let socket = socket2::Socket::new(socket2::Domain::IPV4, socket2::Type::STREAM, None)
            .expect("socket");
        let any: std::net::SocketAddr = "127.0.0.1:0".parse().expect("address");
        socket.bind(&any.into()).expect("bind");
        let port = socket
            .local_addr()
            .ok()
            .and_then(|address| address.as_socket())
            .expect("bound address")
            .port();
        (socket, port)
    })
    .1
}

/// A loopback port for a server the tests start as another process (Prism, Locust), which
/// binds it itself some seconds later: below the range the system hands out for port 0 (where
/// the tests' own servers and connections take theirs), one the process has not handed out
/// before, and free when chosen.
pub fn port_for_a_child() -> u16 {
    use std::sync::atomic::{AtomicU32, Ordering};
    static NEXT: AtomicU32 = AtomicU32::new(0);
    // Linux hands out 32768-60999 by default; a range set lower leaves none below it.
    let lowest = std::fs::read_to_string("/proc/sys/net/ipv4/ip_local_port_range")
        .ok()
        .and_then(|range| range.split_whitespace().next()?.parse::<u32>().ok())
        .unwrap_or(32768);
    let (start, room) = (20_000u32, lowest.saturating_sub(20_000).max(1));
    // Spread by process, so that two test processes at once start apart.
    let base = std::process::id() % room;
    for _ in 0..room {
        let offset = (base + NEXT.fetch_add(1, Ordering::Relaxed) % room) % room;
        let Ok(port) = u16::try_from(start + offset) else {
            continue;
        };
        if std::net::TcpListener::bind(("127.0.0.1", port)).is_ok() {
            return port;
        }
    }
    panic!("no free loopback port between {start} and {lowest}")
}

async fn auth(Json(body): Json<Value>) -> Response {
    if body["application_token"] == "app-secret-123" {
        Json(json!({ "token": ISSUED_TOKEN })).into_response()
    } else {
        StatusCode::UNAUTHORIZED.into_response()
    }
}

async fn items(headers: HeaderMap) -> Response {
    let expected = format!("Bearer {ISSUED_TOKEN}");
    if headers.get("authorization").and_then(|v| v.to_str().ok()) != Some(expected.as_str()) {
        return (
            StatusCode::UNAUTHORIZED,
            Json(json!({"message": "Unauthorized"})),
        )
            .into_response();
    }
    (
        [("x-total-count", "3")],
        Json(json!([
            {"id": 1, "name": "alpha", "status": {"description": "Enabled"}},
            {"id": 2, "name": "beta", "status": {"description": "Disabled"}},
            {"id": 3, "name": "gamma", "status": {"description": "Enabled"}}
        ])),
    )
        .into_response()
}

/// The bytes `hex` spells (two hex digits a byte), as `application/octet-stream`.
async fn bytes(UrlPath(hex): UrlPath<String>) -> Response {
    let decoded: Option<Vec<u8>> = (0..hex.len())
        .step_by(2)
        .map(|at| {
            hex.get(at..at + 2)
                .and_then(|pair| u8::from_str_radix(pair, 16).ok())
        })
        .collect();
    match decoded {
        Some(body) => ([("content-type", "application/octet-stream")], body).into_response(),
        None => StatusCode::BAD_REQUEST.into_response(),
    }
}

/// A JSON array of `count` zeros: the most JSON values for its size.
async fn zeros(UrlPath(count): UrlPath<usize>) -> ([(&'static str, &'static str); 1], String) {
    let mut body = String::with_capacity(2 * count + 2);
    body.push('[');
    for i in 0..count {
        body.push_str(if i == 0 { "0" } else { ",0" });
    }
    body.push(']');
    ([("content-type", "application/json")], body)
}

/// `count` objects `{"id":0}` in an array cut short: its closing bracket never comes.
async fn ids_cut(UrlPath(count): UrlPath<usize>) -> ([(&'static str, &'static str); 1], String) {
    let mut body = String::with_capacity(9 * count + 1);
    body.push('[');
    for i in 0..count {
        body.push_str(if i == 0 { "{\"id\":0}" } else { ",{\"id\":0}" });
    }
    ([("content-type", "application/json")], body)
}

/// An object with one member, named by `bytes` letters, holding [`zeros`]: small, but each
/// value's normalized path (`$['aaa…'][7]`) is as long as the name.
async fn long_name(
    UrlPath((bytes, count)): UrlPath<(usize, usize)>,
) -> ([(&'static str, &'static str); 1], String) {
    let (headers, zeros) = zeros(UrlPath(count)).await;
    (headers, format!("{{\"{}\": {zeros}}}", "a".repeat(bytes)))
}

async fn status(UrlPath(code): UrlPath<u16>) -> StatusCode {
    StatusCode::from_u16(code).unwrap_or(StatusCode::BAD_REQUEST)
}

async fn sleep(UrlPath(ms): UrlPath<u64>) -> &'static str {
    tokio::time::sleep(Duration::from_millis(ms.min(10_000))).await;
    "awake"
}

/// `/sleep/{ms}/{key}`: counts the request under `key` (see [`hits`]) as it arrives, then
/// sleeps: a test can wait until a step is in flight.
async fn counted_sleep(UrlPath((ms, key)): UrlPath<(u64, String)>) -> &'static str {
    count(&key);
    tokio::time::sleep(Duration::from_millis(ms.min(10_000))).await;
    "awake"
}

async fn slow() -> &'static str {
    tokio::time::sleep(Duration::from_secs(5)).await;
    "late"
}

/// What a finished `runner` process left.
#[derive(Debug)]
pub struct Output {
    /// The exit code.
    pub code: i32,
    /// Everything on stdout.
    pub stdout: String,
    /// Everything on stderr.
    pub stderr: String,
}

/// A collection file in a temporary directory, with `{{SERVER}}` replaced by the test
/// server's base URL.
pub struct Fixture {
    dir: tempfile::TempDir,
}

impl Fixture {
    /// An empty fixture directory.
    pub fn new() -> Self {
        Fixture {
            dir: tempfile::tempdir().expect("temp dir"),
        }
    }

    /// Writes `name` with `contents` (after replacing `{{SERVER}}`); returns its path.
    pub fn file(&self, name: &str, contents: &str) -> PathBuf {
        let path = self.dir.path().join(name);
        let text = contents.replace("{{SERVER}}", &format!("http://{}", server()));
        std::fs::write(&path, text).expect("write fixture");
        path
    }

    /// Writes `name` with `bytes` as they are (a file in another encoding than UTF-8, or
    /// with a byte order mark); returns its path as text.
    pub fn bytes(&self, name: &str, bytes: &[u8]) -> String {
        let path = self.dir.path().join(name);
        std::fs::write(&path, bytes).expect("write fixture");
        path.display().to_string()
    }

    /// The directory.
    pub fn path(&self) -> &Path {
        self.dir.path()
    }
}

/// Runs the real binary with `args` from the repository root, killing it after 60 s.
pub fn runner<I, S>(args: I) -> Output
where
    I: IntoIterator<Item = S>,
    S: AsRef<std::ffi::OsStr>,
{
    runner_with_env(args, &[])
}

/// The environment of a run outside CI: each variable runner reads as "this is CI" set
/// empty, which does not count (the tests themselves may run in CI, where a run writes no
/// snapshot files).
pub const OUTSIDE_CI: &[(&str, &str)] = &[
    ("CI", ""),
    ("GITHUB_ACTIONS", ""),
    ("GITLAB_CI", ""),
    ("TF_BUILD", ""),
];

/// [`runner`] with extra environment variables.
pub fn runner_with_env<I, S>(args: I, env: &[(&str, &str)]) -> Output
where
    I: IntoIterator<Item = S>,
    S: AsRef<std::ffi::OsStr>,
{
    runner_within(args, env, Duration::from_secs(60))
}

/// Variables of the environment the tests run in that would change what a runner they start
/// does: a proxy (the tests' loopback traffic sent through it), a CI system's step summary
/// (written to), the terminal's width. Every runner the tests start runs without them, unless
/// a test sets one itself.
const AMBIENT: &[&str] = &[
    "HTTP_PROXY",
    "http_proxy",
    "HTTPS_PROXY",
    "https_proxy",
    "ALL_PROXY",
    "all_proxy",
    "NO_PROXY",
    "no_proxy",
    "GITHUB_STEP_SUMMARY",
    "GITHUB_WORKSPACE",
    "COLUMNS",
];

/// The runner binary under test, as a command without the [`AMBIENT`] variables.
/// `RUNNER_TEST_BINARY` runs the suite against another build (an older commit, say).
pub fn runner_command() -> Command {
    let binary = std::env::var_os("RUNNER_TEST_BINARY")
        .unwrap_or_else(|| env!("CARGO_BIN_EXE_runner").into());
    let mut command = Command::new(binary);
    for name in AMBIENT {
        command.env_remove(name);
    }
    command
}

/// [`runner_with_env`], killing the binary (and failing) after `limit`.
pub fn runner_within<I, S>(args: I, env: &[(&str, &str)], limit: Duration) -> Output
where
    I: IntoIterator<Item = S>,
    S: AsRef<std::ffi::OsStr>,
{
    let mut command = runner_command();
    command
        .args(args)
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .env_remove("EMNIFY_APPLICATION_TOKEN")
        .env("NO_COLOR", "1")
        .stdin(Stdio::null());
    for (name, value) in env {
        command.env(name, value);
    }
    let output = bounded(&mut command, None, limit);
    // Every JUnit file the tests make runner write must pass the schema Jenkins uses.
    let args: Vec<std::ffi::OsString> = command.get_args().map(ToOwned::to_owned).collect();
    for pair in args.windows(2) {
        // A report on a device or a descriptor (`/dev/stdout`, `/proc/self/fd/1`) went to the
        // runner's own output, not a file: read by that name here, it is the test's own (a
        // file, when the tests' output is redirected to one, or xmllint's pipe).
        let device = ["/dev", "/proc"]
            .iter()
            .any(|d| Path::new(&pair[1]).starts_with(d));
        if pair[0] == "--report-junit" && !device {
            let path = Path::new(env!("CARGO_MANIFEST_DIR")).join(&pair[1]);
            if path.metadata().is_ok_and(|m| m.is_file()) {
                crate::junit_schema::assert_valid(&path);
            }
        }
    }
    output
}

/// Runs `command` to its end, `input` on its standard input when given (written by a thread
/// of its own: a child that does not read it does not block the test), its output read as it
/// comes; kills it (and fails) after `limit`.
pub fn bounded(command: &mut Command, input: Option<Vec<u8>>, limit: Duration) -> Output {
    if input.is_some() {
        command.stdin(Stdio::piped());
    }
    command.stdout(Stdio::piped()).stderr(Stdio::piped());
    let mut child = command.spawn().expect("runner starts");
    let writer = input.zip(child.stdin.take()).map(|(input, mut stdin)| {
        std::thread::spawn(move || {
            let _ = std::io::Write::write_all(&mut stdin, &input);
        })
    });
    let mut stdout = child.stdout.take().expect("stdout");
    let mut stderr = child.stderr.take().expect("stderr");
    let out_reader = std::thread::spawn(move || {
        let mut text = String::new();
        let _ = stdout.read_to_string(&mut text);
        text
    });
    let err_reader = std::thread::spawn(move || {
        let mut text = String::new();
        let _ = stderr.read_to_string(&mut text);
        text
    });
    let deadline = Instant::now() + limit;
    let status = loop {
        if let Some(status) = child.try_wait().expect("wait") {
            break status;
        }
        if Instant::now() > deadline {
            let _ = child.kill();
            let _ = child.wait();
            panic!("{command:?} did not finish within {limit:?}");
        }
        std::thread::sleep(Duration::from_millis(10));
    };
    if let Some(writer) = writer {
        let _ = writer.join();
    }
    Output {
        code: status.code().unwrap_or(-1),
        stdout: out_reader.join().expect("stdout reader"),
        stderr: err_reader.join().expect("stderr reader"),
    }
}

/// Output made stable for snapshots: ports, durations and temp paths replaced.
pub fn stable(text: &str, fixture: Option<&Fixture>) -> String {
    let mut text = text.to_owned();
    if let Some(fixture) = fixture {
        text = text.replace(&fixture.path().display().to_string(), "[DIR]");
    }
    let port = regex::Regex::new(r"(127\.0\.0\.1|localhost):\d+").expect("regex");
    let duration = regex::Regex::new(r"\b\d+(\.\d+)? (ms|s)\b").expect("regex");
    let text = port.replace_all(&text, "$1:[PORT]");
    duration.replace_all(&text, "[TIME]").into_owned()
}
