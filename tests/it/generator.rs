//! A seeded, bounded generator (issue 14): the real binary over generated collections with
//! extreme values in every numeric and duration field, extreme flags, text mutations, and a
//! loopback server that misbehaves (wrong lengths, a compression bomb, stalls, resets,
//! control characters, garbage). Whatever happens, runner exits 0, 1, 2, 3, 130 or 143 and
//! never prints "panicked". A run still going after a few seconds is sent SIGTERM, and must
//! then stop with 143. Deterministic: the choices come from a fixed seed.

use std::io::{Read, Write};
use std::net::{SocketAddr, TcpListener};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use crate::support::Fixture;

/// Runs of the binary; each bounded in time, so the whole test is too.
const CASES: usize = 32;
const SEED: u64 = 0x5eed_0014;
/// After this, a run is sent SIGTERM.
const PATIENCE: Duration = Duration::from_secs(3);

const DURATIONS: &[&str] = &[
    "0ms",
    "1ms",
    "250ms",
    "24h",
    "25h",
    "1e400s",
    "-1s",
    "9300000000000000000s",
    "0.0001ms",
    "1.5",
    "s",
    "99999999999999999999m",
];
const NUMBERS: &[&str] = &[
    "0",
    "1",
    "2",
    "-1",
    "1000",
    "1001",
    "4294967295",
    "4294967296",
    "18446744073709551616",
    "1e308",
    "1e999",
    "-1e308",
    ".nan",
    "0.5",
    "\"3\"",
];
const SIZES: &[&str] = &["0", "1", "64KB", "100000GB", "18446744073709551616", "1x"];
const BEHAVIOURS: &[&str] = &[
    "ok",
    "short",
    "long",
    "huge-length",
    "bomb",
    "stall",
    "reset",
    "control",
    "garbage",
    "chunked-garbage",
    "bad-gzip",
    "redirect-loop",
];
const FRAGMENTS: &[&str] = &[
    "{{", "}}", "\n", "\n  ", ":", "- ", "[", "{", "'", "\"", "\u{0}", "\u{feff}", "*a", "&a",
    "1e999", "🙂", "\t",
];

/// The misbehaving server: `/<behaviour>` picks how it answers. It serves a bounded number
/// of connections, each at most a couple of seconds, and its thread then ends.
fn misbehaving_server() -> SocketAddr {
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind loopback");
    let address = listener.local_addr().expect("address");
    std::thread::spawn(move || {
        for stream in listener.incoming().take(CASES * 40) {
            let Ok(mut stream) = stream else { continue };
            std::thread::spawn(move || {
                let _ = stream.set_read_timeout(Some(Duration::from_secs(2)));
                let _ = stream.set_write_timeout(Some(Duration::from_secs(2)));
                let mut buffer = [0u8; 8192];
                let read = stream.read(&mut buffer).unwrap_or(0);
                let request = String::from_utf8_lossy(&buffer[..read]);
                let path = request.split(' ').nth(1).unwrap_or("/ok");
                let behaviour = path.trim_start_matches('/');
                let _ = answer(&mut stream, behaviour);
            });
        }
    });
    address
}

fn answer(stream: &mut std::net::TcpStream, behaviour: &str) -> std::io::Result<()> {
    let head = |length: &str, extra: &str| {
        format!("HTTP/1.1 200 OK\r\ncontent-type: application/json\r\n{extra}content-length: {length}\r\n\r\n")
    };
    match behaviour {
        "short" => stream.write_all(format!("{}{{\"a\":", head("1000", "")).as_bytes()),
        "long" => stream.write_all(format!("{}{{\"a\": 1}} and more", head("4", "")).as_bytes()),
        "huge-length" => stream.write_all(format!("{}{{}}", head("53687091200", "")).as_bytes()),
        "bomb" => {
            // 64 KiB of gzip that expands to 64 MiB: over a small --max-body, under the default.
            // Compressed once (seconds of an unoptimised build's CPU), for every connection.
            static BOMB: std::sync::OnceLock<Vec<u8>> = std::sync::OnceLock::new();
            let body = BOMB.get_or_init(|| {
                let mut encoder =
                    flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::best());
                encoder
                    .write_all(&vec![b'0'; 64 << 20])
                    .expect("written in memory");
                encoder.finish().expect("written in memory")
            });
            stream.write_all(
                head(&body.len().to_string(), "content-encoding: gzip\r\n").as_bytes(),
            )?;
            stream.write_all(body)
        }
        "stall" => {
            stream.write_all(b"HTTP/1.1 200 OK\r\ncontent-length: 10\r\n\r\n01")?;
            std::thread::sleep(Duration::from_millis(1500));
            Ok(())
        }
        "reset" => Ok(()),
        "control" => stream.write_all(
            b"HTTP/1.1 200 OK\r\nx-evil: a\x1b[31mred\x07\r\ncontent-length: 17\r\n\r\n{\"a\":\"\x1b]0;t\x07\\u0000\"}",
        ),
        "garbage" => stream.write_all(b"\x00\x01\x02 not HTTP\r\n\r\n"),
        "chunked-garbage" => stream.write_all(
            b"HTTP/1.1 200 OK\r\ntransfer-encoding: chunked\r\n\r\nzz\r\nnot a chunk\r\n",
        ),
        "bad-gzip" => stream.write_all(
            format!("{}not gzip!", head("9", "content-encoding: gzip\r\n")).as_bytes(),
        ),
        "redirect-loop" => {
            stream.write_all(b"HTTP/1.1 302 Found\r\nlocation: /redirect-loop\r\ncontent-length: 0\r\n\r\n")
        }
        _ => stream.write_all(format!("{}{{\"id\": 7}}", head("9", "")).as_bytes()),
    }
}

fn pick<'a>(rng: &mut fastrand::Rng, list: &[&'a str]) -> &'a str {
    list[rng.usize(..list.len())]
}

/// Mostly `usual`, now and then an extreme: a collection with one bad value is refused
/// whole, so most must be good for runs to reach the server.
fn value<'a>(rng: &mut fastrand::Rng, wild: bool, usual: &'a str, extremes: &[&'a str]) -> &'a str {
    if wild && rng.u8(..4) == 0 {
        pick(rng, extremes)
    } else {
        usual
    }
}

/// One generated collection: steps against the misbehaving server, every numeric and
/// duration field drawn from the extremes.
fn collection(rng: &mut fastrand::Rng, wild: bool, server: SocketAddr) -> String {
    let mut text = format!(
        "name: Generated\ndefaults:\n  timeout: {}\n  max_redirects: {}\nsteps:\n",
        value(rng, wild, "2s", DURATIONS),
        value(rng, wild, "3", NUMBERS)
    );
    for index in 0..rng.usize(1..4) {
        text.push_str(&format!(
            "  - name: Step {index}\n    request:\n      url: \"http://{server}/{}\"\n      timeout: {}\n",
            pick(rng, BEHAVIOURS),
            value(rng, wild, "1s", DURATIONS)
        ));
        if rng.bool() {
            text.push_str(&format!(
                "    retry: {{ attempts: {}, interval: {}, backoff: {}, max_interval: {}, on: [transport, 5xx] }}\n",
                value(rng, wild, "3", NUMBERS),
                value(rng, wild, "1ms", DURATIONS),
                value(rng, wild, "2", NUMBERS),
                value(rng, wild, "10ms", DURATIONS)
            ));
        }
        if rng.bool() {
            text.push_str(&format!(
                "    expect:\n      status: {}\n      duration: {{ lt: {} }}\n      jsonpath: {{ $.a: {{ length: {} }} }}\n",
                value(rng, wild, "200", NUMBERS),
                value(rng, wild, "2s", DURATIONS),
                value(rng, wild, "1", NUMBERS)
            ));
        }
        if rng.u8(..4) == 0 {
            text.push_str(&format!(
                "    delay: {}\n",
                value(rng, wild, "1ms", DURATIONS)
            ));
        }
    }
    // Now and then, break the text itself.
    for _ in 0..rng.usize(..3) {
        if wild && rng.u8(..4) == 0 {
            let mut at = rng.usize(..=text.len());
            while !text.is_char_boundary(at) {
                at -= 1;
            }
            text.insert_str(at, pick(rng, FRAGMENTS));
        }
    }
    text
}

fn flags(rng: &mut fastrand::Rng, wild: bool) -> Vec<String> {
    let mut flags = Vec::new();
    let choices: [(&str, &[&str]); 5] = [
        ("--timeout", DURATIONS),
        ("--connect-timeout", DURATIONS),
        ("--max-body", SIZES),
        (
            "--iterations",
            &["1", "2", "100000", "100001", "4294967295", "0"],
        ),
        ("--jobs", &["0", "1", "2", "65535", "65536"]),
    ];
    for (flag, values) in choices {
        if rng.u8(..6) == 0 {
            flags.push(flag.to_owned());
            flags.push(if wild { pick(rng, values) } else { values[1] }.to_owned());
        }
    }
    flags
}

/// Runs the binary; past [`PATIENCE`] it is sent SIGTERM. Its exit code and stderr.
fn run_bounded(args: &[String]) -> (Option<i32>, String) {
    let mut child = crate::support::runner_command()
        .args(args)
        .env("NO_COLOR", "1")
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .expect("runner starts");
    let mut stderr = child.stderr.take().expect("stderr");
    let reader = std::thread::spawn(move || {
        let mut text = String::new();
        let _ = stderr.read_to_string(&mut text);
        text
    });
    let started = Instant::now();
    let mut terminated = false;
    let status = loop {
        if let Ok(Some(status)) = child.try_wait() {
            break status;
        }
        if !terminated && started.elapsed() > PATIENCE {
            let _ = Command::new("kill")
                .args(["-TERM", &child.id().to_string()])
                .status();
            terminated = true;
        }
        if started.elapsed() > PATIENCE + Duration::from_secs(10) {
            let _ = child.kill();
            let _ = child.wait();
            panic!("runner did not stop within 10 s of SIGTERM: {args:?}");
        }
        std::thread::sleep(Duration::from_millis(20));
    };
    (status.code(), reader.join().unwrap_or_default())
}

#[test]
fn generated_collections_flags_and_a_misbehaving_server_never_crash_runner() {
    let server = misbehaving_server();
    let fixture = Fixture::new();
    let mut rng = fastrand::Rng::with_seed(SEED);
    let mut seen = std::collections::BTreeMap::new();
    for case in 0..CASES {
        // Half the cases keep to usual values, so that they reach the server.
        let wild = case % 2 == 1;
        let text = collection(&mut rng, wild, server);
        let path = fixture.file(&format!("case-{case}.yaml"), &text);
        let mut args = vec![
            "run".to_owned(),
            path.display().to_string(),
            "--report-json".to_owned(),
            fixture
                .path()
                .join(format!("case-{case}.json"))
                .display()
                .to_string(),
        ];
        args.extend(flags(&mut rng, wild));
        let (code, stderr) = run_bounded(&args);
        assert!(
            matches!(code, Some(0 | 1 | 2 | 3 | 130 | 143)),
            "case {case}: exit {code:?}\n{args:?}\n{text}\n{stderr}"
        );
        assert!(
            !stderr.contains("panicked"),
            "case {case}: {args:?}\n{text}\n{stderr}"
        );
        *seen.entry(code).or_insert(0) += 1;
    }
    // The generator reaches more than one outcome (a generator that only makes invalid
    // collections would test nothing past the loader).
    assert!(seen.len() >= 3, "{seen:?}");
}
