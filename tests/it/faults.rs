//! Transport faults from a misbehaving server on loopback: each ends the run cleanly, with a
//! sentence a user can act on and exit code 3.

use std::io::{Read, Write};
use std::net::{SocketAddr, TcpListener};
use std::time::Duration;

use crate::support::{runner, Fixture};

/// How the fault server answers every connection.
#[derive(Clone, Copy)]
pub(crate) enum Fault {
    /// Reads the request and never answers.
    Hang,
    /// Promises 1000 bytes of body, sends 10, closes.
    ResetMidBody,
    /// Answers with bytes that are not HTTP.
    Garbage,
    /// Announces a 50 GiB body, sends 10 bytes, closes.
    HugeLength,
    /// Sends a body marked gzip that is not gzip.
    BrokenGzip,
    /// Sends the first `n` bytes of a gzip stream as the whole body (its length says `n`).
    GzipCutShort(usize),
    /// Promises a whole gzip stream, sends part of it, closes.
    GzipCutByTheConnection,
    /// Sends a chunked body whose chunk size is not hexadecimal.
    BadChunk,
}

/// A gzip stream of a small JSON document.
pub(crate) fn gzipped() -> Vec<u8> {
    use std::io::Write as _;
    let mut encoder = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    let items: Vec<String> = (0..30).map(|i| format!("{{\"id\": {i}}}")).collect();
    encoder
        .write_all(format!("{{\"items\": [{}]}}", items.join(",")).as_bytes())
        .expect("gzip");
    encoder.finish().expect("gzip")
}

pub(crate) fn fault_server(fault: Fault) -> SocketAddr {
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind loopback");
    let address = listener.local_addr().expect("address");
    std::thread::spawn(move || {
        for stream in listener.incoming().take(64) {
            let Ok(mut stream) = stream else { continue };
            std::thread::spawn(move || {
                let _ = stream.set_read_timeout(Some(Duration::from_secs(5)));
                let mut buffer = [0u8; 4096];
                let _ = stream.read(&mut buffer);
                match fault {
                    Fault::Hang => std::thread::sleep(Duration::from_secs(5)),
                    Fault::ResetMidBody => {
                        let _ = stream.write_all(
                            b"HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: 1000\r\n\r\n{\"partial\":",
                        );
                    }
                    Fault::Garbage => {
                        let _ = stream.write_all(b"this is not HTTP at all\r\n\r\n");
                    }
                    Fault::HugeLength => {
                        let _ = stream.write_all(
                            b"HTTP/1.1 200 OK\r\ncontent-length: 53687091200\r\n\r\n0123456789",
                        );
                    }
                    Fault::BrokenGzip => {
                        let _ = stream.write_all(
                            b"HTTP/1.1 200 OK\r\ncontent-encoding: gzip\r\ncontent-length: 24\r\n\r\nthis is not gzip at all!",
                        );
                    }
                    Fault::GzipCutShort(n) => {
                        let body = gzipped();
                        let head = format!(
                            "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-encoding: gzip\r\ncontent-length: {n}\r\n\r\n"
                        );
                        let _ = stream.write_all(head.as_bytes());
                        let _ = stream.write_all(&body[..n]);
                    }
                    Fault::GzipCutByTheConnection => {
                        let body = gzipped();
                        let head = format!(
                            "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-encoding: gzip\r\ncontent-length: {}\r\n\r\n",
                            body.len()
                        );
                        let _ = stream.write_all(head.as_bytes());
                        let _ = stream.write_all(&body[..body.len() / 2]);
                    }
                    Fault::BadChunk => {
                        let _ = stream.write_all(
                            b"HTTP/1.1 200 OK\r\ntransfer-encoding: chunked\r\n\r\nZZ\r\n{}\r\n0\r\n\r\n",
                        );
                    }
                }
            });
        }
    });
    address
}

fn run_against(url: &str, extra: &[&str]) -> crate::support::Output {
    let fixture = Fixture::new();
    let path = fixture.file(
        "fault.yaml",
        &format!("name: Fault\nsteps:\n  - name: Faulty server\n    request: {{ url: \"{url}\", timeout: 500ms }}\n"),
    );
    let mut args = vec!["run".to_owned(), path.display().to_string()];
    args.extend(extra.iter().map(|a| (*a).to_owned()));
    runner(args)
}

/// Runs the step against `url` with `extra` arguments, checks that it ends in a runtime
/// error (exit 3) whose output holds each of `sentences`, and returns the output.
fn runtime_error(url: &str, extra: &[&str], sentences: &[&str]) -> crate::support::Output {
    let output = run_against(url, extra);
    assert_eq!(output.code, 3, "{output:?}");
    for sentence in sentences {
        assert!(
            output.stdout.contains(sentence),
            "{sentence:?} in:\n{}",
            output.stdout
        );
    }
    output
}

/// What a connection cut before the message's end says.
const CUT: &str = "was closed or reset before the response was complete";

/// What a body that is not what its `Content-Encoding` says says.
const BAD_ENCODING: &str = "could not be decoded as its `Content-Encoding` says";

#[test]
fn a_server_that_never_answers_times_out() {
    let address = fault_server(Fault::Hang);
    runtime_error(
        &format!("http://{address}/"),
        &[],
        &[&format!(
            "error: no complete response from {address} within the request timeout of 500 ms"
        )],
    );
}

#[test]
fn a_body_cut_short_is_reported_as_such() {
    let address = fault_server(Fault::ResetMidBody);
    runtime_error(&format!("http://{address}/"), &[], &[CUT]);
}

#[test]
fn garbage_instead_of_http_is_a_runtime_error() {
    let address = fault_server(Fault::Garbage);
    runtime_error(
        &format!("http://{address}/"),
        &[],
        &[&format!("request to {address} failed"), "invalid HTTP"],
    );
}

#[test]
fn tls_to_a_plain_http_port_is_a_tls_error() {
    let address = crate::support::server();
    runtime_error(
        &format!("https://{address}/text"),
        &[],
        &["error: TLS handshake with 127.0.0.1 failed"],
    );
}

#[test]
fn a_body_over_the_limit_fails_without_reading_it_all() {
    let address = crate::support::server();
    runtime_error(
        &format!("http://{address}/big"),
        &["--max-body", "64KB"],
        &["is larger than the limit of 64 KiB (raise it with `--max-body`)"],
    );
    let output = run_against(&format!("http://{address}/big"), &[]);
    assert_eq!(output.code, 0, "{output:?}");
    // A small body, read in one go, is held to the limit too.
    runtime_error(
        &format!("http://{address}/text"),
        &["--max-body", "1B"],
        &["is larger than the limit of 1 byte (raise it with `--max-body`)"],
    );
}

#[test]
fn an_announced_length_larger_than_memory_is_not_allocated() {
    let address = fault_server(Fault::HugeLength);
    runtime_error(
        &format!("http://{address}/"),
        &["--max-body", "100000GB"],
        &[CUT],
    );
}

#[test]
fn a_broken_gzip_body_is_a_bad_encoding() {
    let address = fault_server(Fault::BrokenGzip);
    runtime_error(
        &format!("http://{address}/"),
        &[],
        &[&format!("{BAD_ENCODING} (Invalid gzip header)")],
    );
}

/// Every way a compressed stream can end early inside a message that came whole (the
/// header cut, the data cut, the trailer cut) is the server's broken encoding, not a
/// connection that was cut: the sentence says so.
#[test]
fn a_compressed_stream_cut_short_is_a_bad_encoding_not_a_broken_connection() {
    let whole = gzipped().len();
    for n in [4, 10, whole / 2, whole - 4, whole - 1] {
        let address = fault_server(Fault::GzipCutShort(n));
        runtime_error(&format!("http://{address}/"), &[], &[BAD_ENCODING]);
    }
}

#[test]
fn a_compressed_body_the_connection_cuts_is_a_broken_connection() {
    let address = fault_server(Fault::GzipCutByTheConnection);
    runtime_error(&format!("http://{address}/"), &[], &[CUT]);
}

#[test]
fn a_malformed_chunk_is_named_not_taken_for_a_broken_connection() {
    let address = fault_server(Fault::BadChunk);
    runtime_error(
        &format!("http://{address}/"),
        &[],
        &[&format!("request to {address} failed"), "chunk size"],
    );
}

#[test]
fn a_timed_out_step_shows_the_time_it_took() {
    let address = fault_server(Fault::Hang);
    let output = run_against(&format!("http://{address}/"), &[]);
    assert_eq!(output.code, 3, "{output:?}");
    let line = output
        .stdout
        .lines()
        .find(|l| l.contains("Faulty server"))
        .unwrap_or_default()
        .to_owned();
    // 500 ms of timeout: the line shows about that, not `0 ms`.
    assert!(!line.contains(" 0 ms"), "{line}");
    assert!(
        line.contains(" 5") && line.contains(" ms"),
        "{}",
        output.stdout
    );
}

#[test]
fn insecure_warns() {
    let address = crate::support::server();
    let output = run_against(&format!("http://{address}/text"), &["--insecure"]);
    assert_eq!(output.code, 0, "{output:?}");
    assert!(
        output.stderr.contains("warning: --insecure"),
        "{}",
        output.stderr
    );
}

#[test]
fn a_proxy_that_refuses_is_named_without_its_credentials() {
    let port = crate::support::closed_port();
    let output = runtime_error(
        "http://example.invalid/",
        &["--proxy", &format!("http://user:s3cr3t@127.0.0.1:{port}")],
        &[&format!(
            "could not connect to the proxy 127.0.0.1:{port} (for example.invalid:80): connection refused"
        )],
    );
    assert!(!output.stdout.contains("s3cr3t"), "{}", output.stdout);
}
