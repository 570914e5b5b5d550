//! A templated value and a predicate it must satisfy: `when` on a step, `expect.values`.

use serde_json::Value;

use super::predicate::{Mismatch, Operands, Predicate};
use crate::template::JsonTemplate;

/// `"{{value}}": predicate`.
#[derive(Debug, Clone)]
pub struct Condition {
    /// The value as written, for messages.
    pub source: String,
    /// The value.
    pub value: JsonTemplate,
    /// The predicate.
    pub predicate: Predicate,
}

impl Condition {
    /// Renders the value (an undefined variable is "absent") and checks the predicate.
    pub fn check(&self, operands: Operands<'_>) -> Result<(), Mismatch> {
        let value: Option<Value> = self.value.render(operands.templates, operands.context).ok();
        self.predicate.check(value.as_ref(), operands)
    }

    /// True when the condition reads `variable` (or a field of it): a `for_each` step's
    /// `when` that reads its item is checked for each item.
    pub fn reads(&self, variable: &str) -> bool {
        self.value
            .templates()
            .into_iter()
            .chain(self.predicate.templates())
            .flat_map(|template| template.references())
            .any(|reference| {
                reference
                    .strip_prefix(variable)
                    .is_some_and(|rest| rest.is_empty() || rest.starts_with(['.', '[']))
            })
    }

    /// Why the condition does not hold, as a sentence (for a skipped step).
    pub fn describe_failure(&self, mismatch: &Mismatch) -> String {
        format!(
            "when {}: expected {}, got {}",
            self.source, mismatch.expected, mismatch.actual
        )
    }
}
