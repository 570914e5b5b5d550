//! Which JSONPaths a request step queries its responses with (`check::Queries`), and the
//! plan its responses' bodies are parsed along: made once when the collection compiles and
//! shared by every step that queries the same paths, so 10,000 steps that read the same two
//! fields hold one plan between them.

use std::sync::Arc;

use super::{NextPage, RequestStep};
use crate::check::jsonpath::JsonPath;
use crate::check::plan::BodyPlan;
use crate::check::Queries;

/// Every JSONPath a step may query a response with: its expectations', its captures', its
/// `retry.until`'s and its `paginate` paths.
impl Queries for RequestStep {
    fn each_jsonpath(&self, visit: &mut dyn FnMut(&JsonPath)) {
        self.expect.each_jsonpath(visit);
        for capture in &self.captures {
            if let Some(path) = capture.source.jsonpath() {
                visit(path);
            }
        }
        if let Some(until) = self.retry.as_ref().and_then(|retry| retry.until.as_ref()) {
            until.each_jsonpath(visit);
        }
        if let Some(paginate) = &self.paginate {
            for (_, path) in &paginate.collect {
                visit(path);
            }
            if let NextPage::JsonPath(path) = &paginate.next {
                visit(path);
            }
        }
    }

    fn kept_plan(&self) -> Option<Option<&BodyPlan>> {
        Some(self.body_plan.as_deref())
    }
}

/// The plans made so far while compiling a collection, by the paths they are for (as
/// written, in the order the step queries them: equal text compiles to the same query).
#[derive(Default)]
pub(super) struct Plans {
    made: foldhash::HashMap<Vec<Arc<str>>, Option<Arc<BodyPlan>>>,
}

impl Plans {
    /// The plan for `step`'s queries: the one made for an earlier step with the same paths,
    /// or a new one. `None` when it queries nothing, or something needs the whole document.
    pub(super) fn plan(&mut self, step: &RequestStep) -> Option<Arc<BodyPlan>> {
        let mut paths = Vec::new();
        step.each_jsonpath(&mut |path| paths.push(Arc::clone(path.source())));
        if paths.is_empty() {
            return None;
        }
        if let Some(plan) = self.made.get(&paths) {
            return plan.clone();
        }
        let plan = crate::check::plan_for(step).map(Arc::new);
        self.made.insert(paths, plan.clone());
        plan
    }
}
