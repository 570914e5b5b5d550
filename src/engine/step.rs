//! Runs one request step: render the request, send it (again, with `retry`; page after page,
//! with `paginate`), capture, check expectations, and record what happened, redacted.

use std::collections::HashMap;
use std::future::Future;
use std::time::Duration;

use reqwest::header::HeaderMap;
use serde_json::Value;

use super::events::Observer;
use super::result::{Attempt, Exchange, Outcome, StepError, StepResult};
use super::state::Run;
use crate::check::budget::{Allowance, MAX_BYTES};
use crate::check::expect::Failure;
use crate::check::predicate::Operands;
use crate::check::BodyError;
use crate::collection::{FieldPath, NextPage, Paginate, Request, RequestStep, Step};
use crate::http::{self, OutgoingRequest, Response, TransportError};
use crate::redact::Redactor;
use crate::template::{value_to_text, Template};

/// A step that was not run (its `name` as the run gave it).
pub(super) fn skipped(step: &Step, name: String, reason: &str) -> StepResult {
    let method = step
        .request_step()
        .map_or("", |r| r.request.method.as_str())
        .to_owned();
    StepResult {
        id: step.id.clone(),
        ..StepResult::unsent(
            step.index,
            name,
            method,
            Outcome::Skipped(reason.to_owned()),
        )
    }
}

/// What a request step leaves for `{{steps.<id>...}}`.
pub(super) struct Seen {
    /// The status code.
    pub(super) status: u16,
    /// Lower-cased header names and their first values.
    pub(super) headers: serde_json::Map<String, Value>,
    /// The body as JSON, or why it is not (then `steps.<id>.json` is null).
    pub(super) json: Result<Value, String>,
}

/// Runs a request step (with its retries or pages): render, send, capture, check, and
/// record what happened in `result`, redacted. Returns, for `steps.<id>`, the response. A
/// run that drops it before it ends (an interrupt) finds in `result` what it got to: the
/// URL it was sending and the attempts it made, not yet redacted.
pub(super) async fn run(
    step: &Step,
    request_step: &RequestStep,
    result: &mut StepResult,
    run: &mut Run<'_>,
    observer: &mut dyn Observer,
) -> Option<Seen> {
    // What a helper derives from a secret (`base64` of `user:{{password}}`) is a secret too.
    // What the request's templates make is bounded all together, as one template's text is.
    let (rendered, derived) = crate::template::with_derivations(|| {
        crate::template::budget::within(crate::template::MOST_RENDERED, || {
            render(&request_step.request, step.field.key("request"), run)
        })
    });
    run.redactor.learn(&derived);
    let mut request = match rendered {
        Ok(request) => request,
        Err(mut error) => {
            let note = run.unset_note(&error.message);
            error.message.push_str(&note);
            result.outcome = Outcome::Errored(error);
            redact(result, &run.redactor);
            return None;
        }
    };
    if let Some(auth) = &request.auth {
        for secret in auth.secrets() {
            run.redactor.add(&secret);
        }
    }
    if request.follow_redirects && !run.redactor.is_empty() {
        request.secret_headers = secret_headers(&request.headers, &run.redactor);
        request.secret_body = secret_body(&request.body, &run.redactor);
    }
    result.url = request.url.to_string();
    let exchange = match &request_step.paginate {
        Some(paginate) => pages(request_step, paginate, request, run, observer, result).await,
        None => attempts(request_step, request, run, observer, result).await,
    };
    let Some((request, response, mut failures)) = exchange else {
        redact(result, &run.redactor);
        return None;
    };
    result.status = Some(response.received.status);
    // The hops of the request at `result.url` (a paginated step's last response answered
    // another URL).
    if request_step.paginate.is_none() {
        result.redirects = response
            .received
            .redirects
            .iter()
            .map(|r| super::result::Hop {
                status: r.status,
                method: r.method.clone(),
                url: r.to.to_string(),
                same_origin: crate::http::redirect::same_origin(&r.to, &request.url),
            })
            .collect();
    }

    let view = super::queries::view(&response.received, request_step, step.id.is_some());
    // Exactly the room needed: a report keeps every step's result.
    result.captures.reserve_exact(request_step.captures.len());
    // The step's secret captures first, so that a capture listed before them that cuts a
    // piece out of the same value is known for one.
    for capture in request_step.captures.iter().filter(|c| c.secret) {
        if let Ok(value) = capture.source.extract(&view) {
            run.redactor.add_value(&value);
        }
    }
    for capture in &request_step.captures {
        match capture.source.extract(&view) {
            Ok(value) => {
                let text = value_to_text(&value);
                // A piece cut out of a secret (a regex on an echoed token) is one too.
                if capture.secret || run.redactor.is_part_of_a_secret(&text) {
                    run.redactor.add_value(&value);
                }
                result.captures.push((capture.name.clone(), text));
                run.variables.set(&capture.name, value);
                if !run.not_captured.is_empty() {
                    run.not_captured.remove(&capture.name);
                }
            }
            Err(error) => {
                failures.push(Failure::new(
                    ["capture", capture.name.as_str()],
                    format!("capture {}", capture.name),
                    "a value",
                    error.describe(&run.redactor),
                ));
                run.not_captured
                    .insert(capture.name.clone(), result.name.clone());
            }
        }
    }
    let operands = Operands {
        templates: &run.collection.templates,
        context: run.variables.context(),
        redactor: &run.redactor,
    };
    if request_step.paginate.is_none() {
        failures.extend(request_step.expect.check(&view, operands));
    }
    let mut values = request_step.expect.check_values(operands);
    for failure in &mut values {
        let note = run.unset_note(&failure.subject);
        failure.actual.push_str(&note);
    }
    failures.extend(values);
    if let Some(snapshot) = &request_step.expect.more().snapshot {
        let (failure, seen) =
            super::snapshots::compare(snapshot, &view, step.id.as_deref(), &result.name, run);
        failures.extend(failure);
        result.snapshot = seen;
    }
    result.outcome = if failures.is_empty() {
        Outcome::Passed
    } else {
        Outcome::Failed(failures)
    };
    let options = run.options;
    if options.record_exchanges {
        // Masked before it is cut: a secret across the cut must not leave its start behind.
        // `whole` is the size of the body `text` shows, in bytes.
        let keep = |text: &str, whole: usize| {
            let masked = run.redactor.redact(text);
            let as_sent = matches!(masked, std::borrow::Cow::Borrowed(_)) && text.len() == whole;
            match options.exchange_body_limit {
                Some(limit) => {
                    crate::spec::text::cut_shown(&masked, limit, (!as_sent).then_some(whole))
                        .into_owned()
                }
                None => masked.into_owned(),
            }
        };
        result.exchange = Some(Box::new(Exchange {
            request_headers: super::request::header_pairs(&response.sent_headers),
            request_body: request.body.describe().map(|b| keep(&b, b.len())),
            response_version: response.version.clone(),
            response_headers: super::request::header_pairs(&response.received.headers),
            response_body: keep(&view.text(), response.received.body.len()),
            redirects: response
                .received
                .redirects
                .iter()
                .map(|r| (r.status, r.to.to_string()))
                .collect(),
        }));
    }
    let seen = step.id.as_ref().map(|_| Seen {
        status: response.received.status,
        headers: response
            .received
            .headers
            .keys()
            .filter_map(|name| {
                response
                    .received
                    .header(name.as_str())
                    .map(|value| (name.as_str().to_owned(), Value::String(value.into_owned())))
            })
            .collect(),
        // The view is done with: its tree is taken, not copied.
        json: view
            .into_json()
            .map_err(|error| run.redactor.redact(&error.to_string()).into_owned()),
    });
    redact(result, &run.redactor);
    seen
}

type Sent = (OutgoingRequest, Response, Vec<Failure>);

/// Sends the request, again while `retry` says so; the last attempt's response.
async fn attempts(
    request_step: &RequestStep,
    request: OutgoingRequest,
    run: &mut Run<'_>,
    observer: &mut dyn Observer,
    result: &mut StepResult,
) -> Option<Sent> {
    let retry = request_step.retry.as_deref();
    let total = retry.map_or(1, |r| r.attempts);
    let mut wait = retry.map_or(Duration::ZERO, |r| r.interval);
    for attempt in 1..=total {
        let last = attempt == total;
        let began = std::time::Instant::now();
        let sent = send(&request, run, observer, result).await;
        let (note, retry_after) = match &sent {
            Err(error) => {
                // The time spent waiting for what did not come (a timeout) counts too.
                let took = began.elapsed();
                result.duration += took;
                if last || !retry.is_some_and(|r| r.on_transport) {
                    result.outcome = Outcome::Errored(StepError::transport(error));
                    record_attempt(result, retry, None, took, error.to_string());
                    return None;
                }
                (error.to_string(), None)
            }
            Ok(response) => {
                result.duration += response.received.duration;
                let status = response.received.status;
                let retryable = retry.is_some_and(|r| {
                    (r.on_server_error && (500..600).contains(&status))
                        || (r.on_too_many_requests && status == 429)
                });
                let unmet = match retry {
                    Some(r) if !last && !retryable => {
                        let until = r.until.as_ref().unwrap_or(&request_step.expect);
                        let view = super::queries::view(&response.received, request_step, false);
                        let operands = Operands {
                            templates: &run.collection.templates,
                            context: run.variables.context(),
                            redactor: &run.redactor,
                        };
                        until.check(&view, operands).into_iter().next().map(|f| {
                            format!("{}: expected {}, got {}", f.subject, f.expected, f.actual)
                        })
                    }
                    _ => None,
                };
                match (retryable && !last, unmet) {
                    (true, _) => (format!("status {status}"), retry_after(response)),
                    (false, Some(unmet)) => (unmet, None),
                    (false, None) => {
                        if retry.is_some() {
                            record_attempt(
                                result,
                                retry,
                                Some(status),
                                response.received.duration,
                                String::new(),
                            );
                        }
                        let response = sent.ok()?;
                        return Some((request, response, Vec::new()));
                    }
                }
            }
        };
        let (status, took) = match &sent {
            Ok(response) => (Some(response.received.status), response.received.duration),
            Err(_) => (None, began.elapsed()),
        };
        record_attempt(result, retry, status, took, note);
        let pause = retry_after.unwrap_or(wait);
        let pause = retry
            .and_then(|r| r.max_interval)
            .map_or(pause, |max| pause.min(max));
        tokio::time::sleep(pause).await;
        if let Some(r) = retry {
            wait = crate::spec::duration::saturating_mul(wait, r.backoff);
        }
    }
    None
}

/// Sends `request`, learning the secrets the client met (an OAuth2 token) and keeping the
/// request as sent for `--curl`. `observer` hears what it was held back from while the
/// request is on the wire.
async fn send(
    request: &OutgoingRequest,
    run: &mut Run<'_>,
    observer: &mut dyn Observer,
    result: &mut StepResult,
) -> Result<Response, TransportError> {
    let mut unanswered = crate::http::Unanswered::default();
    let sent = meanwhile(run.client.send(request, &mut unanswered), || {
        observer.while_waiting()
    })
    .await;
    // The tokens fetched for it are masked whether or not an answer came: the request that
    // went out carried them (and `--curl` writes it).
    let learnt = match &sent {
        Ok(response) => &response.new_secrets,
        Err(_) => &unanswered.secrets,
    };
    for secret in learnt {
        run.redactor.add(secret);
    }
    if run.options.record_requests {
        let on_wire = match &sent {
            Ok(response) => Some((&response.sent_url, &response.sent_headers)),
            Err(_) => unanswered
                .sent
                .as_ref()
                .map(|(url, headers)| (url, headers)),
        };
        result.sent = Some(Box::new(super::request::sent(request, on_wire)));
    }
    sent
}

/// What `future` gives, with `work` done once its first poll has handed the request to the
/// connection and the tasks that woke meanwhile have had their turn: on the single-threaded
/// runtime, the connection's task writes the request before this task is polled again, so
/// `work` overlaps the wait for the response rather than delaying the request.
async fn meanwhile<T>(future: impl Future<Output = T>, work: impl FnOnce()) -> T {
    let mut future = std::pin::pin!(future);
    let mut work = Some(work);
    let mut yielded = false;
    std::future::poll_fn(|cx| {
        if yielded {
            if let Some(work) = work.take() {
                work();
            }
        }
        let poll = future.as_mut().poll(cx);
        if poll.is_pending() && !yielded {
            // To the back of the run queue, behind the connection's task.
            yielded = true;
            cx.waker().wake_by_ref();
        }
        poll
    })
    .await
}

fn record_attempt(
    result: &mut StepResult,
    retry: Option<&crate::collection::Retry>,
    status: Option<u16>,
    duration: Duration,
    note: String,
) {
    if retry.is_some() {
        result.attempts.push(Attempt {
            status,
            duration,
            note,
        });
    }
}

/// `Retry-After` in seconds (capped at five minutes).
fn retry_after(response: &Response) -> Option<Duration> {
    retry_after_seconds(&response.received.header("retry-after")?)
}

/// A `Retry-After` of seconds, at most 300; `None` for anything else (an HTTP date, text).
fn retry_after_seconds(header: &str) -> Option<Duration> {
    let digits = header.trim();
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    // More seconds than a u64 holds are as many as the cap.
    let seconds = digits.parse::<u64>().unwrap_or(u64::MAX);
    Some(Duration::from_secs(seconds.min(300)))
}

/// Follows the pages: checks each page's expectations, collects values over every page.
async fn pages(
    request_step: &RequestStep,
    paginate: &Paginate,
    mut request: OutgoingRequest,
    run: &mut Run<'_>,
    observer: &mut dyn Observer,
    result: &mut StepResult,
) -> Option<Sent> {
    let mut collected: Vec<Vec<Value>> = vec![Vec::new(); paginate.collect.len()];
    let mut failures = Vec::new();
    let mut page = 0u32;
    // The values collected from every page add up: each page's view has what they leave of
    // the bound (what a page builds for its own checks is dropped with it).
    let mut kept = 0usize;
    // The pages a server names are followed on the request's own origin only: its
    // credentials (an `Authorization` or `Cookie` header, `cookies`, `auth`) go nowhere else.
    let first = request.url.clone();
    // Each page fetched, by URL, with its number and a digest of its body: the same URL
    // answered with the same body again is a loop (a queue's `next` may name one URL until
    // it is drained, each time with new items).
    let mut fetched: HashMap<reqwest::Url, (u32, u64)> = HashMap::new();
    loop {
        page += 1;
        let response = match send(&request, run, observer, result).await {
            Ok(response) => response,
            Err(error) => {
                result.outcome = Outcome::Errored(StepError::transport(&error));
                return None;
            }
        };
        let digest = {
            use std::hash::{Hash, Hasher};
            let mut hasher = std::collections::hash_map::DefaultHasher::new();
            response.received.body.hash(&mut hasher);
            hasher.finish()
        };
        if let Some(&(earlier, _)) = fetched
            .get(&request.url)
            .filter(|(_, seen)| *seen == digest)
        {
            result.duration += response.received.duration;
            failures.push(Failure::new(
                ["paginate", "next"],
                format!("page {page}: the next page"),
                "a page unlike one fetched before (not the same URL with the same body)",
                format!(
                    "`{}` answered as page {earlier} did: the pages loop; not collected again, not followed",
                    run.redactor.redact(request.url.as_str())
                ),
            ));
            result.pages = Some(page as usize);
            keep_collected(run, paginate, collected);
            return Some((request, response, failures));
        }
        fetched.insert(request.url.clone(), (page, digest));
        result.duration += response.received.duration;
        let view = super::queries::view(&response.received, request_step, false)
            .sharing(Allowance::of(MAX_BYTES.saturating_sub(kept)));
        let operands = Operands {
            templates: &run.collection.templates,
            context: run.variables.context(),
            redactor: &run.redactor,
        };
        for mut failure in request_step.expect.check(&view, operands) {
            failure.subject = format!("page {page}: {}", failure.subject);
            failures.push(failure);
        }
        let mut found = 0;
        let mut too_large = None;
        let before = view.allowance_left().unwrap_or(0);
        for ((name, path), values) in paginate.collect.iter().zip(collected.iter_mut()) {
            match view.select(path) {
                Ok(nodes) => {
                    found += nodes.len();
                    values.extend(nodes);
                }
                Err(BodyError::TooLarge(error)) => too_large = Some((name, error)),
                // A page that is not JSON adds nothing.
                Err(BodyError::NotJson(_)) => {}
            }
        }
        kept += before.saturating_sub(view.allowance_left().unwrap_or(0));
        let out_of_room = too_large.is_some();
        if let Some((name, error)) = too_large {
            failures.push(Failure::new(
                ["paginate", "collect", name.as_str()],
                format!("page {page}: collect `{name}`"),
                "the collected values within the bound",
                error.to_string(),
            ));
        }
        let next = match &paginate.next {
            NextPage::Link => response
                .received
                .header("link")
                .and_then(|link| super::link::next_link(&link)),
            NextPage::JsonPath(path) => view
                .select(path)
                .ok()
                .and_then(|nodes| nodes.into_iter().next())
                .and_then(|value| value.as_str().map(str::to_owned)),
            NextPage::Query(name) => (found > 0).then(|| next_page_number(&request.url, name)),
        };
        // Past the bound, no later page can add to what was collected.
        let next = next
            .filter(|_| !out_of_room)
            .and_then(|next| request.url.join(&next).ok());
        let next = match next {
            Some(url) if !crate::http::redirect::same_origin(&first, &url) => {
                failures.push(Failure::new(
                    ["paginate", "next"],
                    format!("page {page}: the next page"),
                    format!(
                        "a page on the request's origin ({}), where its credentials may go",
                        first.origin().ascii_serialization()
                    ),
                    format!(
                        "`{}`, on another origin: not followed",
                        run.redactor.redact(url.as_str())
                    ),
                ));
                None
            }
            next => next,
        };
        // `max_pages` is a cap, as written: the pages past it are left (a check of a total
        // requires every page).
        if let Some(url) = next.filter(|_| page < paginate.max_pages) {
            request.url = url;
            continue;
        }
        result.pages = Some(page as usize);
        keep_collected(run, paginate, collected);
        return Some((request, response, failures));
    }
}

/// Sets each `collect` variable of `paginate` to what its pages gave.
fn keep_collected(run: &mut Run<'_>, paginate: &Paginate, collected: Vec<Vec<Value>>) {
    for ((name, _), values) in paginate.collect.iter().zip(collected) {
        run.variables.set(name, Value::Array(values));
    }
}

/// `url` with query parameter `name` one higher (absent counts as 1).
fn next_page_number(url: &reqwest::Url, name: &str) -> String {
    let current: u64 = url
        .query_pairs()
        .find(|(k, _)| k == name)
        .and_then(|(_, v)| v.parse().ok())
        .unwrap_or(1);
    let mut next = url.clone();
    let others: Vec<(String, String)> = url
        .query_pairs()
        .filter(|(k, _)| k != name)
        .map(|(k, v)| (k.into_owned(), v.into_owned()))
        .collect();
    next.query_pairs_mut()
        .clear()
        .extend_pairs(others)
        .append_pair(name, &(current + 1).to_string());
    next.to_string()
}

/// Whether every secret written in the rendered URL `text` is still whole in the `parsed`
/// URL. The parser reads a `#`, `?`, `/`, `@` or `\\` in a secret as the URL's structure
/// (`https://deploy:9#key@host/` goes to `deploy`, its fragment `key@host/`), and rewrites a
/// host name a secret is part of (lower case, punycode, an IPv4 address in another
/// notation), and a `#` anywhere starts the fragment, which is never sent: the request
/// would go elsewhere and show what is left of the secret, in forms no redactor can know.
/// Refused, before anything is sent.
fn cuts_no_secret(text: &str, parsed: &reqwest::Url, redactor: &Redactor) -> Result<(), String> {
    let masks = |text: &str| redactor.redact(text).matches(crate::redact::MASK).count();
    // A `#` in a secret starts the fragment, which is never sent: the server sees the part
    // before it. Not a secret URL's own fragment (`{{webhook}}`: the URL starts with it).
    let masked = redactor.redact(text);
    let fragments = |text: &str| text.matches('#').count();
    let split = fragments(&masked) < fragments(text) && !masked.starts_with(crate::redact::MASK);
    if !split && masks(parsed.as_str()) >= masks(text) {
        return Ok(());
    }
    Err("a secret in the URL does not stay whole: the URL parser reads a `#`, `?`, `/`, `@` or `\\` in it as part of the URL (or rewrites the host name it is in), so the request would go elsewhere and show part of the secret; insert it encoded, `{{urlencode NAME}}`, or pass it in `query:`, a header or `auth`".to_owned())
}

/// The rendered text of a URL with the tabs and line breaks inside its path, query or
/// fragment percent-encoded: the URL parser drops them silently, so a value holding one (a
/// multi-line data cell, a capture) would send the request to another resource
/// (`/items/abcd` for `ab\ncd`); encoded, it goes as it is (`/items/ab%0Acd`). Before the
/// path (scheme, host) and at the ends of the text (a folded scalar's last line break, a
/// value read with one), they are dropped as the parser drops them.
fn kept_whole(text: &str) -> std::borrow::Cow<'_, str> {
    let dropped = |c: char| c == '\t' || c == '\n' || c == '\r';
    let trimmed = text.trim_matches(|c: char| c <= ' ');
    let start = text.len() - text.trim_start_matches(|c: char| c <= ' ').len();
    let end = start + trimmed.len();
    // Where the path starts: after `scheme://authority`; a text without `://` is left alone.
    let Some(authority) = trimmed.find("://").map(|at| start + at + 3) else {
        return std::borrow::Cow::Borrowed(text);
    };
    let path = text[authority..end]
        .find(['/', '?', '#'])
        .map_or(end, |at| authority + at);
    if !text[path..end].contains(dropped) {
        return std::borrow::Cow::Borrowed(text);
    }
    let mut kept = String::with_capacity(text.len() + 8);
    kept.push_str(&text[..path]);
    for c in text[path..end].chars() {
        if dropped(c) {
            kept.push_str(&format!("%{:02X}", u32::from(c)));
        } else {
            kept.push(c);
        }
    }
    kept.push_str(&text[end..]);
    std::borrow::Cow::Owned(kept)
}

fn render(
    request: &Request,
    field: FieldPath,
    run: &mut Run<'_>,
) -> Result<OutgoingRequest, StepError> {
    let (collection, options) = (run.collection, run.options);
    let templates = &collection.templates;
    let context = run.variables.context();
    // Field paths are built only for an error: rendering is on the per-step hot path.
    let text = |template: &Template, at: &dyn Fn() -> FieldPath| {
        templates
            .render_text(template, context)
            .map_err(|e| StepError::render(&at(), e))
    };
    let url_text = text(&request.url, &|| field.key("url"))?;
    let mut url = match &run.last_url {
        Some((text, url)) if *text == url_text => url.clone(),
        _ => {
            // A URL its rendered text cannot build is a rendering failure (exit 1), as a
            // missing variable is: nothing was sent. Located at the `url` it was rendered from.
            let url = reqwest::Url::parse(&kept_whole(&url_text)).map_err(|e| {
                let invalid = TransportError::InvalidUrl {
                    url: url_text.clone(),
                    reason: e.to_string(),
                };
                StepError::render(
                    &field.key("url"),
                    format!("{invalid}; a URL is rendered whole, e.g. `https://api.example.com/items`: check the variables it is built from"),
                )
            })?;
            let rewritten = url.as_str() != url_text || url.fragment().is_some();
            if rewritten && !run.redactor.is_empty() {
                cuts_no_secret(&url_text, &url, &run.redactor)
                    .map_err(|message| StepError::render(&field.key("url"), message))?;
            }
            run.last_url = Some((url_text, url.clone()));
            url
        }
    };
    let renderer = super::request::Renderer {
        templates,
        context,
        field: field.clone(),
    };
    if !request.query.is_empty() {
        let written = url.query().is_some();
        let mut pairs = url.query_pairs_mut();
        for (name, parameter) in &request.query {
            let at = || field.key_in("query", name.to_owned());
            renderer.parameter(parameter, at, |value| {
                pairs.append_pair(name, value);
            })?;
        }
        drop(pairs);
        // Only empty lists: no `?` the URL did not have.
        if !written && url.query() == Some("") {
            url.set_query(None);
        }
    }
    let mut headers = HeaderMap::with_capacity(request.headers.len());
    for (name, template) in &request.headers {
        let at = || field.key_in("headers", name.to_owned());
        let value = text(template, &at)?;
        let (name, value) =
            http::header(name, &value).map_err(|message| StepError::render(&at(), message))?;
        headers.append(name, value);
    }
    let body = renderer.body(&request.body)?;
    let auth = request
        .auth
        .as_ref()
        .map(|auth| renderer.auth(auth))
        .transpose()?;
    let cookies = renderer.cookies(&request.cookies)?;
    let timeout = crate::spec::duration::time_limit(
        request
            .timeout
            .or(collection.default_timeout)
            .or(options.timeout)
            .unwrap_or(http::DEFAULT_TIMEOUT),
    );
    Ok(OutgoingRequest {
        method: reqwest::Method::from_bytes(request.method.as_str().as_bytes())
            .unwrap_or(reqwest::Method::GET),
        url,
        headers,
        body,
        auth,
        cookies,
        // Known once the render's derivations are learnt (`run`).
        secret_headers: Vec::new(),
        secret_body: false,
        timeout,
        follow_redirects: request.follow_redirects,
        max_redirects: request.max_redirects,
    })
}

/// The names of the headers whose value holds a secret.
fn secret_headers(headers: &HeaderMap, redactor: &Redactor) -> Vec<reqwest::header::HeaderName> {
    let mut names: Vec<reqwest::header::HeaderName> = Vec::new();
    for (name, value) in headers {
        let text = String::from_utf8_lossy(value.as_bytes());
        if redactor.contains_secret(&text) && !names.contains(name) {
            names.push(name.clone());
        }
    }
    names
}

/// Whether the text of `body` (its bytes, or a multipart form's text fields) holds a secret.
/// A file is read as it is sent, and is no secret of the run's.
fn secret_body(body: &crate::http::OutgoingBody, redactor: &Redactor) -> bool {
    use crate::http::{OutgoingBody, OutgoingPartContent};
    match body {
        OutgoingBody::Bytes(bytes) => redactor.contains_secret(&String::from_utf8_lossy(bytes)),
        OutgoingBody::Multipart(parts) => parts.iter().any(|part| match &part.content {
            OutgoingPartContent::Text(text) => redactor.contains_secret(text),
            _ => false,
        }),
        OutgoingBody::None | OutgoingBody::File(_) => false,
    }
}

/// Characters of a failure's or an error's text kept in a result (a token endpoint's error page,
/// a schema error quoting a large value): cut after masking.
const MESSAGE_LIMIT: usize = 1000;

/// Masks every secret in the texts of `result`, then cuts messages to [`MESSAGE_LIMIT`]: the
/// last thing before it leaves the engine.
pub(super) fn redact_result(mut result: StepResult, redactor: &Redactor) -> StepResult {
    redact(&mut result, redactor);
    result
}

/// [`redact_result`] in place.
pub(super) fn redact(result: &mut StepResult, redactor: &Redactor) {
    let r = |text: &mut String| redactor.redact_in_place(text);
    let bounded = |text: &mut String| {
        redactor.redact_in_place(text);
        if let std::borrow::Cow::Owned(cut) = crate::spec::text::shorten(text, MESSAGE_LIMIT) {
            *text = cut;
        }
    };
    // A name rendered before the step learnt a secret (its auth's, a capture's).
    r(&mut result.name);
    r(&mut result.url);
    for hop in &mut result.redirects {
        r(&mut hop.url);
    }
    for attempt in &mut result.attempts {
        bounded(&mut attempt.note);
    }
    for (_, value) in &mut result.captures {
        r(value);
    }
    match &mut result.outcome {
        Outcome::Failed(failures) => {
            for failure in failures {
                bounded(&mut failure.subject);
                bounded(&mut failure.expected);
                bounded(&mut failure.actual);
            }
        }
        Outcome::Errored(error) => bounded(&mut error.message),
        Outcome::Skipped(reason) => bounded(reason),
        Outcome::Passed => {}
    }
    if let Some(exchange) = &mut result.exchange {
        // A header's name can hold a secret too (`X-Session-<token>`).
        for (name, value) in exchange
            .request_headers
            .iter_mut()
            .chain(exchange.response_headers.iter_mut())
        {
            r(name);
            r(value);
        }
        if let Some(body) = &mut exchange.request_body {
            r(body);
        }
        r(&mut exchange.response_body);
        for (_, url) in &mut exchange.redirects {
            r(url);
        }
    }
    if let Some(sent) = &mut result.sent {
        r(&mut sent.url);
        for (name, value) in &mut sent.headers {
            r(name);
            r(value);
        }
        redact_body(&mut sent.body, redactor);
    }
}

/// Masks secrets in a recorded body: text and multipart text; file paths are left alone.
fn redact_body(body: &mut crate::http::OutgoingBody, redactor: &Redactor) {
    use crate::http::{OutgoingBody, OutgoingPartContent};
    match body {
        OutgoingBody::Bytes(bytes) => {
            let text = String::from_utf8_lossy(bytes);
            if let std::borrow::Cow::Owned(masked) = redactor.redact(&text) {
                *bytes = bytes::Bytes::from(masked);
            }
        }
        OutgoingBody::Multipart(parts) => {
            for part in parts {
                if let OutgoingPartContent::Text(text) = &mut part.content {
                    if let std::borrow::Cow::Owned(masked) = redactor.redact(text) {
                        *text = masked;
                    }
                }
            }
        }
        OutgoingBody::None | OutgoingBody::File(_) => {}
    }
}

#[cfg(test)]
mod tests {
    use super::{redact, retry_after_seconds, Exchange, StepResult};
    use crate::redact::Redactor;
    use std::time::Duration;

    /// Tabs and line breaks in the path, query or fragment are kept, encoded; before the path
    /// and at the ends they are left for the URL parser to drop.
    #[test]
    fn what_the_url_parser_drops_inside_the_path_is_kept_encoded() {
        for (text, kept) in [
            (
                "http://h/items/ab\ncd?x=a\tb#f\rg",
                "http://h/items/ab%0Acd?x=a%09b#f%0Dg",
            ),
            ("http://h/items\n", "http://h/items\n"),
            ("  http://h/é/a\nb  ", "  http://h/é/a%0Ab  "),
            (
                "https://api.example.com\n/items",
                "https://api.example.com\n/items",
            ),
            ("http://h", "http://h"),
            ("no scheme\n/x", "no scheme\n/x"),
        ] {
            assert_eq!(super::kept_whole(text), kept, "{text:?}");
        }
    }

    #[test]
    fn retry_after_is_seconds_up_to_the_cap() {
        for (header, seconds) in [
            ("1", Some(1)),
            (" 120 ", Some(120)),
            ("301", Some(300)),
            ("99999999999999999999999", Some(300)),
            ("-1", None),
            ("1.5", None),
            ("", None),
            ("Wed, 21 Oct 2015 07:28:00 GMT", None),
        ] {
            assert_eq!(
                retry_after_seconds(header),
                seconds.map(Duration::from_secs),
                "{header}"
            );
        }
    }

    #[test]
    fn a_secret_in_a_header_name_is_masked_too() {
        let mut redactor = Redactor::new();
        redactor.add("zk9wqhdrnametok");
        let mut result = StepResult::passed("s");
        let header = |name: &str| vec![(name.to_owned(), "1".to_owned())];
        result.exchange = Some(Box::new(Exchange {
            request_headers: header("x-sent-zk9wqhdrnametok"),
            request_body: None,
            response_version: "HTTP/1.1".to_owned(),
            response_headers: header("x-session-zk9wqhdrnametok"),
            response_body: String::new(),
            redirects: Vec::new(),
        }));
        redact(&mut result, &redactor);
        let exchange = result.exchange.expect("kept");
        for (name, _) in exchange
            .request_headers
            .iter()
            .chain(&exchange.response_headers)
        {
            assert!(!name.contains("zk9wqhdrnametok"), "{name}");
        }
    }
}
