//! Which JSONPaths a request step queries its responses with, so that a response's body is
//! parsed only as far as they read (`check::ResponseView::with_queries`).

use crate::check::ResponseView;
use crate::collection::RequestStep;
use crate::response::Received;

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
