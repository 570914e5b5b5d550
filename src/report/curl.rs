//! `--curl FILE`: every request the run sent, as a curl command that repeats it. Secrets are
//! already masked (`***`) by the engine, so a command that carried one needs it filled in.

use std::fmt::Write as _;

use super::stream::{Format, RunSummary};
use crate::engine::{CollectionReport, SentRequest};
use crate::http::network::NetworkOptions;
use crate::http::{OutgoingBody, OutgoingPart, OutgoingPartContent};
use crate::redact::Redactor;
use crate::report::RunRecord;

/// What the script starts with.
const HEAD: &str =
    "#!/bin/sh\n# The requests of a runner run, as curl commands. Secrets are masked as ***.\n";

/// The `--curl` script, written a collection run at a time (see [`super::stream`]).
pub struct Curl {
    /// The run's network options as curl's, written in every command.
    network: Vec<String>,
}

impl Curl {
    /// The script of a run with `network` options (`-k`, `--cacert`, `--proxy`...), which
    /// every command repeats, with the run's `secrets` masked in them (a `--resolve` host
    /// that is a secret): asked for only when there are options to write.
    pub fn new(network: &NetworkOptions, secrets: impl FnOnce() -> Redactor) -> Curl {
        let mut words = network_words(network);
        if !words.is_empty() {
            let secrets = secrets();
            for word in &mut words {
                if let std::borrow::Cow::Owned(masked) = secrets.redact(word) {
                    *word = masked;
                }
            }
        }
        Curl { network: words }
    }
}

/// `network` as curl's options: `-k`, `--cacert`, `--cert` and `--key`, `-x` (its password
/// as `***`), `--resolve`, `--connect-timeout`. A proxy from the environment is not written:
/// curl reads the same variables (but `HTTP_PROXY` only as `http_proxy`).
pub fn network_words(network: &NetworkOptions) -> Vec<String> {
    let mut words = Vec::new();
    if network.insecure {
        words.push("-k".to_owned());
    }
    let path = |path: &std::path::Path| quote(&path.display().to_string());
    if let Some(cacert) = &network.cacert {
        words.push(format!("--cacert {}", path(cacert)));
    }
    if let Some((cert, key)) = &network.client_certificate {
        words.push(format!("--cert {} --key {}", path(cert), path(key)));
    }
    if let Some(proxy) = &network.proxy {
        words.push(format!(
            "-x {}",
            quote(&crate::http::network::without_password(proxy))
        ));
    }
    for (host, address) in &network.resolve {
        let ip = match address.ip() {
            std::net::IpAddr::V4(ip) => ip.to_string(),
            std::net::IpAddr::V6(ip) => format!("[{ip}]"),
        };
        words.push(format!(
            "--resolve {}",
            quote(&format!("{host}:{}:{ip}", address.port()))
        ));
    }
    // `0s` is no limit to runner; curl has no such value (its 0 is its default of 300 s).
    if let Some(timeout) = network.connect_timeout.filter(|t| !t.is_zero()) {
        words.push(format!("--connect-timeout {}", timeout.as_secs_f64()));
    }
    words
}

impl Format for Curl {
    fn collection(&mut self, collection: &CollectionReport, out: &mut String) {
        // Numbered in the run's order: a step's own `index` is its place among its
        // siblings, the same for every `for_each` item and repeated across groups.
        for (number, step) in (1..).zip(&collection.steps) {
            if let Some(sent) = &step.sent {
                let _ = write!(
                    out,
                    "\n# {} › step {}: {}\n{}\n",
                    one_line(&collection.path.display().to_string()),
                    number,
                    one_line(&step.name),
                    command(sent, &self.network)
                );
            }
        }
    }

    fn head(&mut self, _: &RunSummary, out: &mut dyn std::io::Write) -> std::io::Result<()> {
        out.write_all(HEAD.as_bytes())
    }

    fn tail(&mut self, _: &RunSummary, _: &mut dyn std::io::Write) -> std::io::Result<()> {
        Ok(())
    }
}

/// The run's requests as a shell script of curl commands, in the order they were sent, each
/// with the run's `network` options (`secrets` masked in them).
pub fn render(run: &RunRecord, network: &NetworkOptions, secrets: &Redactor) -> String {
    super::stream::render(Box::new(Curl::new(network, || secrets.clone())), run)
}

/// A body up to this size is written in the command; a larger one is piped in, since one
/// word of a command may hold no more than 128 KiB on Linux ("Argument list too long").
const INLINE_BODY: usize = 64 * 1024;

/// One request as a curl command, continued over lines, with the run's `network` options
/// ([`network_words`]).
pub fn command(sent: &SentRequest, network: &[String]) -> String {
    let mut words: Vec<String> = vec!["curl".into()];
    words.extend(network.iter().cloned());
    // What goes before `curl`: a body piped in.
    let mut piped = String::new();
    // Why curl cannot send the request as runner sent it.
    let mut unwritable = None;
    // runner sends a POST, PUT or PATCH without a body with `Content-Length: 0`, as browsers
    // do: so does curl with empty data (and the `Content-Type` it would add removed).
    let carries_body = matches!(sent.method.as_str(), "POST" | "PUT" | "PATCH");
    let no_body = match &sent.body {
        OutgoingBody::None => true,
        // runner sends an empty body of a GET, HEAD or DELETE as none at all.
        OutgoingBody::Bytes(bytes) => bytes.is_empty() && !carries_body,
        _ => false,
    };
    let empty_body = matches!(sent.body, OutgoingBody::None) && carries_body;
    let has_body = empty_body || !no_body;
    match (sent.method.as_str(), has_body) {
        ("GET", false) => {}
        ("HEAD", false) => words.push("--head".into()),
        // curl sends data as a POST, and turns it into a GET after a 301, 302 or 303 as
        // runner does; `-X POST` would keep it a POST across them.
        ("POST", true) => {}
        // Any other method with a body must be named, or curl sends a POST.
        (method, _) => words.push(format!("-X {method}")),
    }
    // curl reads `[]` and `{}` in a URL as a pattern of several URLs.
    if sent.url.contains(['[', ']', '{', '}']) {
        words.push("-g".into());
    }
    words.push(quote(&sent.url));
    if sent.follow_redirects {
        words.push(format!("-L --max-redirs {}", sent.max_redirects));
    }
    for (name, value) in &sent.headers {
        // `Name:` with nothing after it tells curl to leave the header out; `Name;` sends it
        // empty.
        let header = if value.is_empty() {
            format!("{name};")
        } else {
            format!("{name}: {value}")
        };
        words.push(format!("-H {}", quote(&header)));
    }
    // runner decodes the body it is sent in a coding it asked for; so does curl with this.
    if sent
        .headers
        .iter()
        .any(|(name, _)| name.eq_ignore_ascii_case("accept-encoding"))
    {
        words.push("--compressed".into());
    }
    match &sent.body {
        OutgoingBody::None if empty_body => {
            if !sent
                .headers
                .iter()
                .any(|(name, _)| name.eq_ignore_ascii_case("content-type"))
            {
                words.push("-H 'Content-Type:'".into());
            }
            words.push("--data-raw ''".into());
        }
        OutgoingBody::None => {}
        OutgoingBody::Bytes(_) if no_body => {}
        OutgoingBody::Bytes(bytes) => match std::str::from_utf8(bytes) {
            // `--data-raw`: a body starting with `@` is not a file to read.
            Ok(text) if !text.contains('\0') && text.len() <= INLINE_BODY => {
                words.push(format!("--data-raw {}", quote(text)));
            }
            // A shell word cannot hold a NUL, nor the bytes of text that is not UTF-8 in a
            // file meant to be read: such a body is piped in from base64.
            Ok(text) if !text.contains('\0') => {
                let _ = write!(piped, "printf '%s' {} | ", quote(text));
                words.push("--data-binary @-".into());
            }
            _ => {
                use base64::Engine as _;
                let encoded = base64::engine::general_purpose::STANDARD.encode(bytes);
                let _ = write!(piped, "printf '%s' '{encoded}' | base64 --decode | ");
                words.push("--data-binary @-".into());
            }
        },
        OutgoingBody::File(path) => {
            words.push(format!(
                "--data-binary @{}",
                quote(&path.display().to_string())
            ));
        }
        OutgoingBody::Multipart(parts) => {
            for part in parts {
                match form_part(part) {
                    Ok(word) => words.push(word),
                    Err(reason) => unwritable = Some(reason),
                }
            }
        }
    }
    let command = piped + &words.join(" \\\n  ");
    match unwritable {
        None => command,
        // Left as a comment: a command that runs would send another request.
        Some(reason) => {
            let mut out = format!("# runner: {reason}: this request is not repeated here");
            for line in command.lines() {
                out.push_str("\n# ");
                out.push_str(line);
            }
            out
        }
    }
}

/// A multipart part as curl's `-F` (or `--form-string`) writes it; why it cannot be, for a
/// name curl would end at its `=`.
fn form_part(part: &OutgoingPart) -> Result<String, String> {
    if part.name.contains('=') {
        return Err(format!(
            "the part name `{}` holds `=`, where curl's -F ends a name",
            one_line(&part.name)
        ));
    }
    let mut attributes = String::new();
    // runner sends a file part without a type as the type its extension gives; curl's own
    // guess knows fewer extensions, so the type is written. As a quoted header, not
    // `type=`, whose value curl would read on past a `;` as its own attributes.
    let content_type = match (&part.content_type, &part.content) {
        (Some(content_type), _) => Some(content_type.clone()),
        (None, OutgoingPartContent::File(path)) => Some(
            mime_guess::from_path(path)
                .first_or_octet_stream()
                .to_string(),
        ),
        (None, OutgoingPartContent::Text(_)) => None,
    };
    if let Some(content_type) = content_type {
        let header = form_quoted(&format!("Content-Type: {content_type}"));
        let _ = write!(attributes, ";headers={header}");
    }
    Ok(match &part.content {
        OutgoingPartContent::Text(text) if attributes.is_empty() => {
            format!("--form-string {}", quote(&format!("{}={text}", part.name)))
        }
        // A value starting with @ or < would be read as a file: quoted, it is text.
        OutgoingPartContent::Text(text) => format!(
            "-F {}",
            quote(&format!("{}={}{attributes}", part.name, form_quoted(text)))
        ),
        OutgoingPartContent::File(path) => {
            if let Some(filename) = &part.filename {
                let _ = write!(attributes, ";filename={}", form_quoted(filename));
            }
            let path = form_quoted(&path.display().to_string());
            format!(
                "-F {}",
                quote(&format!("{}=@{path}{attributes}", part.name))
            )
        }
    })
}

/// `text` in double quotes as curl's `-F` reads them: `\` and `"` escaped with `\`, so `;`
/// and `,` inside are not taken for the next attribute.
fn form_quoted(text: &str) -> String {
    format!("\"{}\"", text.replace('\\', "\\\\").replace('"', "\\\""))
}

/// `text` in single quotes for a POSIX shell.
fn quote(text: &str) -> String {
    format!("'{}'", text.replace('\'', r"'\''"))
}

/// `text` safe in a `#` comment: no line breaks (which would end the comment and start a
/// command) and no other control characters.
fn one_line(text: &str) -> String {
    text.chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::http::OutgoingPart;

    #[test]
    fn a_post_with_headers_and_a_body() {
        let sent = SentRequest {
            method: "POST".into(),
            url: "http://h/x?a=1".into(),
            headers: vec![("content-type".into(), "application/json".into())],
            body: OutgoingBody::Bytes(bytes::Bytes::from(r#"{"it's":"***"}"#)),
            follow_redirects: false,
            max_redirects: 10,
        };
        assert_eq!(
            command(&sent, &[]),
            "curl \\\n  'http://h/x?a=1' \\\n  -H 'content-type: application/json' \\\n  --data-raw '{\"it'\\''s\":\"***\"}'"
        );
    }

    #[test]
    fn a_request_offering_codings_decodes_the_answer_as_runner_did() {
        let mut sent = SentRequest {
            method: "GET".into(),
            url: "http://h/x".into(),
            headers: vec![("accept-encoding".into(), "gzip,deflate,br".into())],
            body: OutgoingBody::None,
            follow_redirects: false,
            max_redirects: 10,
        };
        assert_eq!(
            command(&sent, &[]),
            "curl \\\n  'http://h/x' \\\n  -H 'accept-encoding: gzip,deflate,br' \\\n  --compressed"
        );
        sent.headers.clear();
        assert!(!command(&sent, &[]).contains("--compressed"));
        // An empty body of a GET is none, as runner sends it; a POST's is told.
        sent.body = OutgoingBody::Bytes(bytes::Bytes::new());
        assert_eq!(command(&sent, &[]), "curl \\\n  'http://h/x'");
        sent.method = "POST".into();
        assert!(
            command(&sent, &[]).ends_with("--data-raw ''"),
            "{}",
            command(&sent, &[])
        );
    }

    #[test]
    fn the_runs_network_options_are_in_every_command() {
        let sent = SentRequest {
            method: "GET".into(),
            url: "https://h/x".into(),
            headers: vec![],
            body: OutgoingBody::None,
            follow_redirects: false,
            max_redirects: 10,
        };
        let network = NetworkOptions {
            insecure: true,
            cacert: Some("certs/my ca.pem".into()),
            client_certificate: Some(("c.pem".into(), "k.pem".into())),
            proxy: Some("socks5h://ann:S3CRET@proxy:1080".into()),
            resolve: vec![
                ("h".into(), "127.0.0.1:443".parse().expect("address")),
                ("v6".into(), "[::1]:8443".parse().expect("address")),
            ],
            connect_timeout: Some(std::time::Duration::from_millis(2500)),
        };
        assert_eq!(
            command(&sent, &network_words(&network)),
            "curl \\\n  -k \\\n  --cacert 'certs/my ca.pem' \\\n  --cert 'c.pem' --key 'k.pem' \\\n  -x 'socks5h://ann:***@proxy:1080' \\\n  --resolve 'h:443:127.0.0.1' \\\n  --resolve 'v6:8443:[::1]' \\\n  --connect-timeout 2.5 \\\n  'https://h/x'"
        );
        // A secret the options name (a `--resolve` host given as a `--secret`) is masked.
        let mut secrets = Redactor::new();
        secrets.add("tenant-secret.test");
        let resolving = NetworkOptions {
            resolve: vec![(
                "tenant-secret.test".into(),
                "127.0.0.1:443".parse().expect("address"),
            )],
            ..NetworkOptions::default()
        };
        assert_eq!(
            Curl::new(&resolving, || secrets).network,
            ["--resolve '***:443:127.0.0.1'"]
        );
        let none = NetworkOptions {
            connect_timeout: Some(std::time::Duration::ZERO),
            ..NetworkOptions::default()
        };
        assert!(network_words(&none).is_empty());
    }

    #[test]
    fn multipart_parts() {
        let sent = SentRequest {
            method: "POST".into(),
            url: "http://h/up".into(),
            headers: vec![],
            body: OutgoingBody::Multipart(vec![
                OutgoingPart {
                    name: "note".into(),
                    content: OutgoingPartContent::Text("@not-a-file".into()),
                    content_type: None,
                    filename: None,
                },
                OutgoingPart {
                    name: "doc".into(),
                    content: OutgoingPartContent::File("/tmp/a.csv".into()),
                    content_type: Some("text/csv".into()),
                    filename: Some("b.csv".into()),
                },
            ]),
            follow_redirects: true,
            max_redirects: 3,
        };
        let text = command(&sent, &[]);
        assert!(text.contains("-L --max-redirs 3"), "{text}");
        assert!(text.contains("--form-string 'note=@not-a-file'"), "{text}");
        assert!(
            text.contains(
                "-F 'doc=@\"/tmp/a.csv\";headers=\"Content-Type: text/csv\";filename=\"b.csv\"'"
            ),
            "{text}"
        );
    }
}
