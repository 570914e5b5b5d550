//! What templates rendered together may make, all together: each template's text is bounded
//! by [`MOST_RENDERED`], and so is a value made of many (a request's URL, headers and body; a
//! JSON body or variable of `["{{big}}", "{{big}}", …]`), which could otherwise copy one
//! large variable without bound. The renders inside [`within`] count what they make against
//! one budget, and stop where the next piece would pass it, having built no more.

use std::cell::Cell;

use serde_json::Value;

use super::{RenderError, MOST_RENDERED};

thread_local! {
    /// What the renders under way on this thread may still make, in bytes; `None` outside
    /// [`within`].
    static LEFT: Cell<Option<usize>> = const { Cell::new(None) };
}

/// Runs `render` with at most `limit` bytes for what its templates make, all together, and
/// within what a [`within`] further out has left: what it makes counts there too.
pub fn within<T>(limit: usize, render: impl FnOnce() -> T) -> T {
    /// Hands what is left back to the scope further out, even if `render` unwinds.
    struct Restore {
        outer: Option<usize>,
        limit: usize,
    }
    impl Drop for Restore {
        fn drop(&mut self) {
            let used = self.limit - LEFT.get().unwrap_or(self.limit).min(self.limit);
            LEFT.set(self.outer.map(|outer| outer.saturating_sub(used)));
        }
    }
    let outer = LEFT.get();
    let limit = outer.map_or(limit, |outer| outer.min(limit));
    let _restore = Restore { outer, limit };
    LEFT.set(Some(limit));
    render()
}

/// The most one template may make now: [`MOST_RENDERED`], or less where the renders it is
/// part of have less left.
pub(super) fn left() -> usize {
    LEFT.get()
        .map_or(MOST_RENDERED, |left| left.min(MOST_RENDERED))
}

/// Counts `bytes` made (or about to be copied), or refuses them when they pass what is left.
pub(super) fn take(bytes: usize) -> Result<(), RenderError> {
    match LEFT.get() {
        Some(left) if bytes > left => Err(RenderError::TooMuchTogether),
        Some(left) => {
            LEFT.set(Some(left - bytes));
            Ok(())
        }
        None => Ok(()),
    }
}

/// About the bytes `value` holds: its texts, and 8 for every other value (the counting is
/// meant for bounds, not for the allocator's exact figure).
pub fn held_bytes(value: &Value) -> usize {
    match value {
        Value::String(text) => text.len(),
        Value::Array(items) => items.iter().map(held_bytes).fold(8, usize::saturating_add),
        Value::Object(map) => map
            .iter()
            .map(|(key, item)| key.len().saturating_add(held_bytes(item)))
            .fold(8, usize::saturating_add),
        _ => 8,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_scope_bounds_what_is_made_inside_it_and_counts_it_outside() {
        assert_eq!(
            take(usize::MAX),
            Ok(()),
            "outside a scope nothing is counted"
        );
        within(100, || {
            assert_eq!(take(60), Ok(()));
            within(1000, || {
                assert_eq!(left(), 40, "an inner scope has what the outer has left");
                assert_eq!(take(30), Ok(()));
            });
            assert_eq!(left(), 10, "what the inner scope made counts outside it");
            assert_eq!(take(11), Err(RenderError::TooMuchTogether));
            assert_eq!(take(10), Ok(()));
        });
        assert_eq!(LEFT.get(), None);
    }
}
