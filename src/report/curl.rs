//! `--curl FILE`: every request the run sent, as a curl command that repeats it. Secrets are
//! already masked (`***`) by the engine, so a command that carried one needs it filled in.

use std::fmt::Write as _;

use super::stream::{Format, RunSummary};
use crate::engine::{CollectionReport, SentRequest};
use crate::http::{OutgoingBody, OutgoingPartContent};
use crate::report::RunRecord;

/// What the script starts with.
const HEAD: &str =
    "#!/bin/sh\n# The requests of a runner run, as curl commands. Secrets are masked as ***.\n";

/// The `--curl` script, written a collection run at a time (see [`super::stream`]).
pub struct Curl;

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
                    command(sent)
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

/// The run's requests as a shell script of curl commands, in the order they were sent.
pub fn render(run: &RunRecord) -> String {
    super::stream::render(Box::new(Curl), run)
}

/// One request as a curl command, continued over lines.
pub fn command(sent: &SentRequest) -> String {
    let mut words: Vec<String> = vec!["curl".into()];
    match sent.method.as_str() {
        "GET" => {}
        "HEAD" => words.push("--head".into()),
        method => words.push(format!("-X {method}")),
    }
    words.push(quote(&sent.url));
    if sent.follow_redirects {
        words.push(format!("-L --max-redirs {}", sent.max_redirects));
    }
    for (name, value) in &sent.headers {
        words.push(format!("-H {}", quote(&format!("{name}: {value}"))));
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
        OutgoingBody::None => {}
        OutgoingBody::Bytes(bytes) => {
            words.push(format!(
                "--data-binary {}",
                quote(&String::from_utf8_lossy(bytes))
            ));
        }
        OutgoingBody::File(path) => {
            words.push(format!(
                "--data-binary @{}",
                quote(&path.display().to_string())
            ));
        }
        OutgoingBody::Multipart(parts) => {
            for part in parts {
                let mut attributes = String::new();
                if let Some(content_type) = &part.content_type {
                    let _ = write!(attributes, ";type={content_type}");
                }
                match &part.content {
                    OutgoingPartContent::Text(text) if attributes.is_empty() => {
                        words.push(format!(
                            "--form-string {}",
                            quote(&format!("{}={text}", part.name))
                        ));
                    }
                    OutgoingPartContent::Text(text) => {
                        // curl reads `type=` only with -F; a value starting with @ or <
                        // would be read as a file there, so such text stays a form string.
                        words.push(format!(
                            "-F {}",
                            quote(&format!(
                                "{}=\"{}\"{attributes}",
                                part.name,
                                text.replace('"', "\\\"")
                            ))
                        ));
                    }
                    OutgoingPartContent::File(path) => {
                        if let Some(filename) = &part.filename {
                            let _ = write!(attributes, ";filename={filename}");
                        }
                        words.push(format!(
                            "-F {}",
                            quote(&format!("{}=@{}{attributes}", part.name, path.display()))
                        ));
                    }
                }
            }
        }
    }
    words.join(" \\\n  ")
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
            command(&sent),
            "curl \\\n  -X POST \\\n  'http://h/x?a=1' \\\n  -H 'content-type: application/json' \\\n  --data-binary '{\"it'\\''s\":\"***\"}'"
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
            command(&sent),
            "curl \\\n  'http://h/x' \\\n  -H 'accept-encoding: gzip,deflate,br' \\\n  --compressed"
        );
        sent.headers.clear();
        assert!(!command(&sent).contains("--compressed"));
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
        let text = command(&sent);
        assert!(text.contains("-L --max-redirs 3"), "{text}");
        assert!(text.contains("--form-string 'note=@not-a-file'"), "{text}");
        assert!(
            text.contains("-F 'doc=@/tmp/a.csv;type=text/csv;filename=b.csv'"),
            "{text}"
        );
    }
}
