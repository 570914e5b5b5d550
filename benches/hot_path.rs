//! Micro-benchmarks of runner's per-step hot path (issue 7), without the network: rendering a
//! step's templates, parsing a 10 KB JSON body, extracting captures, evaluating expectations.
//!
//! Run with `cargo bench --bench hot_path` (filter: `cargo bench --bench hot_path -- expect`).
//! The step is the W1 step of `bench/run`: an authorised GET of a 20-item EMnify endpoint page
//! with a status and a JSONPath expectation and a JSONPath capture.

use std::path::Path;
use std::time::Duration;

use divan::{black_box, Bencher};
use runner::check::predicate::Operands;
use runner::check::ResponseView;
use runner::collection::Collection;
use runner::response::Received;
use runner::vars::Variables;
use serde_json::{json, Value};

fn main() {
    divan::main();
}

/// The W1 collection of `bench/run` with `steps` GET steps, plus a step that reads more
/// templates (a templated JSON body, several headers, a templated operand).
fn source(steps: usize) -> String {
    let mut yaml = String::from(
        r#"name: hot path
vars:
  base_url: "http://127.0.0.1:18080"
  tenant: 42
steps:
  - name: authenticate
    request:
      method: POST
      url: "{{base_url}}/api/v1/authenticate"
      json: { application_token: bench }
    expect:
      status: 200
    capture:
      auth_token: $.auth_token
  - name: heavy
    request:
      method: POST
      url: "{{base_url}}/api/v1/tenant/{{tenant}}/endpoint"
      query: { page: 1, per_page: 20, sort: id, tenant: "{{tenant}}" }
      headers:
        Authorization: "Bearer {{auth_token}}"
        X-Tenant: "{{tenant}}"
        X-Request: "bench-{{tenant}}-{{auth_token}}"
      json: { name: "device-{{tenant}}", tenant: "{{tenant}}", tags: [meter, "{{base_url}}"], fixed: { a: 1 } }
    expect:
      status: 200
      jsonpath:
        $[0].status.description: { one_of: [Enabled, Disabled] }
        $[*].id: { type: integer, ge: 1 }
        $[19].name: { starts_with: "device-", matches: '^device-\d+$' }
        $[0].tariff_profile.id: "{{tenant}}"
    capture:
      ids: { jsonpath: "$[*].id", all: true }
      first_imsi: $[0].sim.imsi
"#,
    );
    for _ in 0..steps {
        yaml.push_str(
            r#"  - name: list
    request:
      url: "{{base_url}}/api/v1/endpoint"
      query: { page: 1, per_page: 20, sort: id }
      headers: { Authorization: "Bearer {{auth_token}}" }
    expect:
      status: 200
      jsonpath:
        $[0].status.description: Enabled
    capture:
      last_id: $[19].id
"#,
        );
    }
    yaml
}

fn collection() -> Collection {
    match Collection::parse(Path::new("hot-path.yaml"), source(1)) {
        Ok(collection) => collection,
        Err(problems) => panic!("the bench collection does not load: {problems}"),
    }
}

fn variables() -> Variables {
    let mut variables = Variables::new();
    variables.set("base_url", json!("http://127.0.0.1:18080"));
    variables.set("tenant", json!(42));
    variables.set(
        "auth_token",
        json!("eyJhbGciOiJIUzM4NCJ9.eyJzdWIiOiJiZW5jaCJ9.c2lnbmF0dXJl"),
    );
    variables.set("env", json!({}));
    variables
}

/// The 10 KB, 20-item page nginx serves in `bench/run` (same shape as bench/make-fixtures.py).
fn page() -> Vec<u8> {
    let items: Vec<Value> = (1..=20u32)
        .map(|i| {
            json!({"id": i, "name": format!("device-{i:05}"), "tags": "meter,temp",
            "created": "2021-11-18T08:25:53.000+0000", "last_updated": "2024-02-29T14:02:47.000+0000",
            "status": {"id": 0, "description": "Enabled"},
            "service_profile": {"id": 1, "name": "Smart Meter"},
            "tariff_profile": {"id": 42, "name": "Domestic only"},
            "sim": {"id": 700 + i, "iccid": format!("8988303{i:012}"), "imsi": format!("2950509{i:08}"),
                    "msisdn": format!("42366{i:07}")},
            "imei": format!("86454548{i:07}"), "imei_lock": true,
            "ip_address": format!("10.0.{}.{}", i / 250, i % 250), "ip_address_space": {"id": 2}})
        })
        .collect();
    serde_json::to_vec(&Value::Array(items)).expect("serialises")
}

fn response(body: Vec<u8>) -> Received {
    let mut received = Received::new(
        200,
        reqwest::Url::parse("http://127.0.0.1/").expect("url"),
        body,
    );
    received.duration = Duration::from_millis(1);
    received
}

/// The request step at `index` of the bench collection.
fn request_step(collection: &Collection, index: usize) -> &runner::collection::RequestStep {
    collection.steps[index]
        .request_step()
        .expect("the bench collection's steps send requests")
}

/// Renders what `engine::step::render` renders for a step: URL, query, headers, JSON body.
fn render_step(collection: &Collection, index: usize, variables: &Variables) -> usize {
    let templates = &collection.templates;
    let context = variables.context();
    let request = &request_step(collection, index).request;
    let mut url = reqwest::Url::parse(
        &templates
            .render_text(&request.url, context)
            .expect("url renders"),
    )
    .expect("valid url");
    if !request.query.is_empty() {
        let mut pairs = url.query_pairs_mut();
        for (name, parameter) in &request.query {
            for (_, template) in parameter.templates() {
                templates
                    .render_each(template, context, |value| {
                        pairs.append_pair(name, value);
                    })
                    .expect("renders");
            }
        }
    }
    let mut headers = reqwest::header::HeaderMap::with_capacity(request.headers.len());
    for (name, template) in &request.headers {
        let value = templates.render_text(template, context).expect("renders");
        let (name, value) = runner::http::header(name, &value).expect("valid header");
        headers.append(name, value);
    }
    let body = match &request.body {
        runner::collection::Body::Json(json) => json
            .render(templates, context)
            .expect("renders")
            .to_string()
            .len(),
        _ => 0,
    };
    url.as_str().len() + headers.len() + body
}

/// Rendering a step's templates (the request side of the hot path).
mod render {
    use super::*;

    /// The W1 step: URL, three query parameters, `Authorization: Bearer {{auth_token}}`.
    #[divan::bench]
    fn w1_step(bencher: Bencher) {
        let collection = collection();
        let variables = variables();
        bencher.bench_local(|| render_step(&collection, black_box(2), &variables));
    }

    /// A step with more templates: a templated URL, query, three headers and a JSON body.
    #[divan::bench]
    fn heavy_step(bencher: Bencher) {
        let collection = collection();
        let variables = variables();
        bencher.bench_local(|| render_step(&collection, black_box(1), &variables));
    }

    /// One `Bearer {{auth_token}}` header alone (a handlebars render).
    #[divan::bench]
    fn one_header(bencher: Bencher) {
        let collection = collection();
        let variables = variables();
        let (_, template) = &request_step(&collection, 2).request.headers[0];
        bencher.bench_local(|| {
            collection
                .templates
                .render_text(black_box(template), variables.context())
        });
    }
}

/// The response side of the hot path, on the 10 KB page.
mod response_side {
    use super::*;

    /// `serde_json::from_slice` of the 10 KB body (what a fresh `ResponseView` does once).
    #[divan::bench]
    fn parse_json_10kb(bencher: Bencher) {
        let response = response(page());
        bencher.bench_local(|| {
            let view = ResponseView::new(black_box(&response));
            view.json().map(|v| v.is_array()).unwrap_or(false)
        });
    }

    /// The W1 step's capture `$[19].id`, body already parsed.
    #[divan::bench]
    fn capture_w1_parsed(bencher: Bencher) {
        let collection = collection();
        let response = response(page());
        let view = ResponseView::new(&response);
        let _ = view.json();
        let capture = &request_step(&collection, 2).captures[0];
        bencher.bench_local(|| capture.source.extract(black_box(&view)));
    }

    /// The W1 step's expectations (status + `$[0].status.description: Enabled`), parsed.
    #[divan::bench]
    fn expect_w1_parsed(bencher: Bencher) {
        let collection = collection();
        let variables = variables();
        let redactor = runner::redact::Redactor::new();
        let response = response(page());
        let view = ResponseView::new(&response);
        let _ = view.json();
        let operands = Operands {
            templates: &collection.templates,
            context: variables.context(),
            redactor: &redactor,
        };
        let expect = &request_step(&collection, 2).expect;
        bencher.bench_local(|| expect.check(black_box(&view), operands));
    }

    /// The heavy step's captures (`$[*].id` all, `$[0].sim.imsi`), parsed.
    #[divan::bench]
    fn capture_heavy_parsed(bencher: Bencher) {
        let collection = collection();
        let response = response(page());
        let view = ResponseView::new(&response);
        let _ = view.json();
        let captures = &request_step(&collection, 1).captures;
        bencher.bench_local(|| {
            captures
                .iter()
                .map(|c| c.source.extract(black_box(&view)).is_ok())
                .filter(|ok| *ok)
                .count()
        });
    }

    /// The heavy step's four JSONPath expectations (one_of, type + ge over 20 nodes,
    /// starts_with + regex, a templated operand), parsed.
    #[divan::bench]
    fn expect_heavy_parsed(bencher: Bencher) {
        let collection = collection();
        let variables = variables();
        let redactor = runner::redact::Redactor::new();
        let response = response(page());
        let view = ResponseView::new(&response);
        let _ = view.json();
        let operands = Operands {
            templates: &collection.templates,
            context: variables.context(),
            redactor: &redactor,
        };
        let expect = &request_step(&collection, 1).expect;
        bencher.bench_local(|| expect.check(black_box(&view), operands));
    }

    /// What a W1 step costs on the response side in a run: parse + capture + expectations.
    #[divan::bench]
    fn w1_step_total(bencher: Bencher) {
        let collection = collection();
        let mut variables = variables();
        let redactor = runner::redact::Redactor::new();
        let response = response(page());
        let step = request_step(&collection, 2);
        bencher.bench_local(|| {
            let view = ResponseView::new(black_box(&response));
            for capture in &step.captures {
                let value = capture.source.extract(&view).expect("captures");
                variables.set(&capture.name, value);
            }
            let operands = Operands {
                templates: &collection.templates,
                context: variables.context(),
                redactor: &redactor,
            };
            step.expect.check(&view, operands).len()
        });
    }
}

/// Work done once per run, for scale: loading a collection of 1000 W1 steps.
mod load {
    use super::*;

    #[divan::bench(sample_count = 10)]
    fn parse_1000_steps(bencher: Bencher) {
        let text = source(1000);
        bencher.bench_local(|| {
            Collection::parse(Path::new("hot-path.yaml"), black_box(text.clone()))
                .map(|c| c.steps.len())
                .unwrap_or(0)
        });
    }
}

/// Finding the operation of a response in a large OpenAPI document (`expect.openapi` and the
/// coverage count do it once each per response).
mod openapi {
    use super::*;

    /// A document of `resources` × 2 paths (`/things{r}`, `/things{r}/{id}`), 2 operations each.
    fn document(resources: usize) -> Value {
        let mut paths = serde_json::Map::new();
        let ok = json!({ "200": { "description": "ok" } });
        for r in 0..resources {
            paths.insert(
                format!("/things{r}"),
                json!({ "get": { "responses": ok }, "post": { "responses": ok } }),
            );
            paths.insert(
                format!("/things{r}/{{id}}"),
                json!({ "get": { "responses": ok }, "delete": { "responses": ok } }),
            );
        }
        json!({ "openapi": "3.0.3", "info": { "title": "large", "version": "1" }, "paths": paths })
    }

    /// One lookup in a document of 4,000 operations.
    #[divan::bench]
    fn find_among_4000_operations(bencher: Bencher) {
        let dir = std::env::temp_dir().join(format!("runner-bench-openapi-{}", std::process::id()));
        std::fs::create_dir_all(&dir).expect("a temporary folder");
        let path = dir.join("large.json");
        std::fs::write(&path, document(1000).to_string()).expect("the document");
        let contract = runner::openapi::Contract::load(&path).expect("loads");
        let _ = std::fs::remove_dir_all(&dir);
        bencher.bench_local(|| contract.find("GET", black_box("/things777/7")).is_ok());
    }
}
