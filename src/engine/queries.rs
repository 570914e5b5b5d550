//! Which JSONPaths a request step queries its responses with, so that a response's body is
//! parsed only as far as they read (`check::ResponseView::with_queries`).

use crate::check::jsonpath::JsonPath;
use crate::check::plan::BodyPlan;
use crate::check::{Queries, ResponseView};
use crate::collection::{NextPage, RequestStep};
use crate::response::Received;

/// Every JSONPath a step may query a response with: its expectations', its captures', its
/// `retry.until`'s and its `paginate` paths.
impl Queries for RequestStep {
    fn each_jsonpath(&self, visit: &mut dyn FnMut(&JsonPath)) {
        each(self, visit);
    }

    fn kept_plan(&self) -> Option<&std::sync::OnceLock<Option<BodyPlan>>> {
        Some(&self.body_plan)
    }
}

/// A view of a response of `step`: parsed only as far as the step's JSONPaths read, unless
/// its checks read the whole body anyway (`keeps_json`: for `steps.<id>.json`).
pub(super) fn view<'a>(
    received: &'a Received,
    step: &'a RequestStep,
    keeps_json: bool,
) -> ResponseView<'a> {
    if read_whole_body(step, keeps_json) {
        ResponseView::new(received)
    } else {
        ResponseView::with_queries(received, step)
    }
}

fn each(step: &RequestStep, visit: &mut dyn FnMut(&JsonPath)) {
    step.expect.each_jsonpath(visit);
    for capture in &step.captures {
        if let Some(path) = capture.source.jsonpath() {
            visit(path);
        }
    }
    if let Some(until) = step.retry.as_ref().and_then(|retry| retry.until.as_ref()) {
        until.each_jsonpath(visit);
    }
    if let Some(paginate) = &step.paginate {
        for (_, path) in &paginate.collect {
            visit(path);
        }
        if let NextPage::JsonPath(path) = &paginate.next {
            visit(path);
        }
    }
}

/// True when the checks on a response of `step` read its whole body as JSON anyway (a
/// schema, an OpenAPI contract, a snapshot; `steps.<id>.json` when `keeps_json`): the body
/// is then parsed whole, once, and not in part first.
fn read_whole_body(step: &RequestStep, keeps_json: bool) -> bool {
    keeps_json
        || step.expect.read_whole_body()
        || step
            .retry
            .as_ref()
            .and_then(|retry| retry.until.as_ref())
            .is_some_and(|until| until.read_whole_body())
}
