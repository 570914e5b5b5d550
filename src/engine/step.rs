//! Runs one step: render the request, send it, capture, check expectations, and record what
//! happened, redacted.

use std::time::Duration;

use reqwest::header::HeaderMap;

use super::result::{Exchange, Outcome, StepError, StepResult};
use super::RunOptions;
use crate::check::expect::Failure;
use crate::check::predicate::Operands;
use crate::check::ResponseView;
use crate::collection::{Collection, FieldPath, Step};
use crate::http::{self, HttpClient, OutgoingRequest, TransportError};
use crate::redact::Redactor;
use crate::template::{value_to_text, Template};
use crate::vars::Variables;

/// A step that was not run.
pub(super) fn skipped(step: &Step, reason: &str) -> StepResult {
    StepResult {
        index: step.index,
        name: step.name.clone(),
        id: step.id.clone(),
        method: step.request.method.as_str().to_owned(),
        url: String::new(),
        status: None,
        duration: Duration::ZERO,
        outcome: Outcome::Skipped(reason.to_owned()),
        captures: Vec::new(),
        exchange: None,
        sent: None,
    }
}

/// Runs `step`.
pub(super) async fn run(
    step: &Step,
    collection: &Collection,
    options: &RunOptions,
    client: &HttpClient,
    variables: &mut Variables,
    redactor: &mut Redactor,
) -> StepResult {
    let mut result = skipped(step, "");
    let request = match render(step, collection, options, variables) {
        Ok(request) => request,
        Err(error) => {
            result.outcome = Outcome::Errored(error);
            return redact_result(result, redactor);
        }
    };
    if let Some(auth) = &request.auth {
        for secret in auth.secrets() {
            redactor.add(&secret);
        }
    }
    result.url = request.url.to_string();
    let sent = client.send(&request).await;
    if options.record_requests {
        result.sent = Some(super::request::sent(&request, sent.as_ref().ok()));
    }
    let response = match sent {
        Ok(response) => response,
        Err(error) => {
            result.outcome = Outcome::Errored(StepError::transport(&error));
            return redact_result(result, redactor);
        }
    };
    for secret in &response.new_secrets {
        redactor.add(secret);
    }
    result.status = Some(response.status);
    result.duration = response.duration;

    let view = ResponseView::new(&response);
    let mut failures = Vec::new();
    for capture in &step.captures {
        match capture.source.extract(&view) {
            Ok(value) => {
                if capture.secret {
                    redactor.add(&value_to_text(&value));
                }
                result
                    .captures
                    .push((capture.name.clone(), value_to_text(&value)));
                variables.set(&capture.name, value);
            }
            Err(error) => failures.push(Failure {
                subject: format!("capture {}", capture.name),
                expected: "a value".into(),
                actual: error.to_string(),
            }),
        }
    }
    let operands = Operands {
        templates: &collection.templates,
        context: variables.context(),
    };
    failures.extend(step.expect.check(&view, operands));
    result.outcome = if failures.is_empty() {
        Outcome::Passed
    } else {
        Outcome::Failed(failures)
    };
    if options.record_exchanges {
        result.exchange = Some(Exchange {
            request_headers: header_pairs(&response.sent_headers),
            request_body: request
                .body
                .describe()
                .map(|b| cut(&b, options.exchange_body_limit)),
            response_version: response.version.clone(),
            response_headers: header_pairs(&response.headers),
            response_body: cut(&view.text(), options.exchange_body_limit),
            redirects: response
                .redirects
                .iter()
                .map(|r| (r.status, r.to.to_string()))
                .collect(),
        });
    }
    redact_result(result, redactor)
}

fn render(
    step: &Step,
    collection: &Collection,
    options: &RunOptions,
    variables: &Variables,
) -> Result<OutgoingRequest, StepError> {
    let templates = &collection.templates;
    let context = variables.context();
    let field = FieldPath::default()
        .key("steps")
        .index(step.index)
        .key("request");
    let text = |template: &Template, at: FieldPath| {
        templates
            .render_text(template, context)
            .map_err(|e| StepError::render(&at, e))
    };
    let request = &step.request;
    let url_text = text(&request.url, field.key("url"))?;
    let mut url = reqwest::Url::parse(&url_text).map_err(|e| {
        StepError::transport(&TransportError::InvalidUrl {
            url: url_text.clone(),
            reason: e.to_string(),
        })
    })?;
    if !request.query.is_empty() {
        let mut pairs = url.query_pairs_mut();
        for (name, template) in &request.query {
            pairs.append_pair(name, &text(template, field.key("query").key(name))?);
        }
    }
    let mut headers = HeaderMap::with_capacity(request.headers.len());
    for (name, template) in &request.headers {
        let at = field.key("headers").key(name);
        let value = text(template, at.clone())?;
        let (name, value) =
            http::header(name, &value).map_err(|message| StepError::render(&at, message))?;
        headers.append(name, value);
    }
    let renderer = super::request::Renderer {
        templates,
        context,
        field: field.clone(),
    };
    let body = renderer.body(&request.body)?;
    let auth = request
        .auth
        .as_ref()
        .map(|auth| renderer.auth(auth))
        .transpose()?;
    let cookies = renderer.cookies(&request.cookies)?;
    let timeout = request
        .timeout
        .or(collection.default_timeout)
        .or(options.timeout)
        .unwrap_or(http::DEFAULT_TIMEOUT);
    Ok(OutgoingRequest {
        method: reqwest::Method::from_bytes(request.method.as_str().as_bytes())
            .unwrap_or(reqwest::Method::GET),
        url,
        headers,
        body,
        auth,
        cookies,
        timeout,
        follow_redirects: request.follow_redirects,
        max_redirects: request.max_redirects,
    })
}

/// `text`, cut to `limit` bytes (at a character boundary) with a note of what was left out.
fn cut(text: &str, limit: Option<usize>) -> String {
    match limit {
        Some(limit) if text.len() > limit => {
            let mut end = limit;
            while !text.is_char_boundary(end) {
                end -= 1;
            }
            format!(
                "{}… ({} more bytes not kept)",
                &text[..end],
                text.len() - end
            )
        }
        _ => text.to_owned(),
    }
}

pub(super) fn header_pairs(headers: &HeaderMap) -> Vec<(String, String)> {
    headers
        .iter()
        .map(|(name, value)| {
            (
                name.as_str().to_owned(),
                String::from_utf8_lossy(value.as_bytes()).into_owned(),
            )
        })
        .collect()
}

/// Masks every secret in the texts of `result`: the last thing before it leaves the engine.
fn redact_result(mut result: StepResult, redactor: &Redactor) -> StepResult {
    if redactor.is_empty() {
        return result;
    }
    let r = |text: &mut String| {
        if let std::borrow::Cow::Owned(masked) = redactor.redact(text) {
            *text = masked;
        }
    };
    r(&mut result.url);
    for (_, value) in &mut result.captures {
        r(value);
    }
    match &mut result.outcome {
        Outcome::Failed(failures) => {
            for failure in failures {
                r(&mut failure.subject);
                r(&mut failure.expected);
                r(&mut failure.actual);
            }
        }
        Outcome::Errored(error) => r(&mut error.message),
        Outcome::Passed | Outcome::Skipped(_) => {}
    }
    if let Some(exchange) = &mut result.exchange {
        for (_, value) in exchange
            .request_headers
            .iter_mut()
            .chain(exchange.response_headers.iter_mut())
        {
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
        for (_, value) in &mut sent.headers {
            r(value);
        }
        redact_body(&mut sent.body, redactor);
    }
    result
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
