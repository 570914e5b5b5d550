//! A bound on the memory the JSON values read from one response body may take.
//!
//! Reading a body for JSONPath builds a node per JSON value it keeps, and what a JSONPath
//! selects is converted node by node. A body of a few hundred megabytes of tiny values
//! (`[0,0,…]`, `[{"a":0},…]`) holds tens of millions of them: kept whole — by `$[*]`,
//! `$..name`, a snapshot, a JSON Schema — they would take tens of gigabytes, and the
//! system would kill the run. So everything built from one response's body counts against
//! one [`Allowance`] of [`MAX_BYTES`], each node at the most it can take (which
//! [`super::document`] says); past that the reading stops building, and the step fails
//! with [`TooLarge`], which says what to do. The pruned parse keeps only what the step's
//! paths name, so an ordinary step never comes near the bound.

use std::cell::Cell;

/// The most memory the values built from one body may take, as this module counts it:
/// each node at the most it can take, so what is really used stays below.
pub const MAX_BYTES: usize = 2 << 30;

thread_local! {
    /// What the reading under way may still build; `None` once it ran out. Outside a
    /// reading it is unbounded.
    static LEFT: Cell<Option<usize>> = const { Cell::new(Some(usize::MAX)) };
}

/// The values built from one body took more memory than runner gives them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error(
    "the body holds more JSON values than runner keeps from one response (2 GiB of them): \
     select fewer — a slice such as `$[0:1000]` rather than `$[*]`, a named path rather \
     than `$..name`"
)]
pub struct TooLarge;

/// What may still be built from one body (a response's view holds one).
#[derive(Debug)]
pub struct Allowance(Cell<Option<usize>>);

impl Default for Allowance {
    fn default() -> Self {
        Allowance(Cell::new(Some(MAX_BYTES)))
    }
}

impl Allowance {
    /// An allowance of `bytes` (what is left of [`MAX_BYTES`] after what a step keeps from
    /// earlier responses: a paginated step's collected values).
    pub fn of(bytes: usize) -> Self {
        Allowance(Cell::new(Some(bytes.min(MAX_BYTES))))
    }

    /// What is left; `None` once it ran out.
    pub fn left(&self) -> Option<usize> {
        self.0.get()
    }
}

/// Runs `read`, which builds from the body `allowance` is for: its result, or [`TooLarge`]
/// when the allowance ran out (then, and for every later reading, what `read` returned is
/// dropped).
pub fn within<T>(allowance: &Allowance, read: impl FnOnce() -> T) -> Result<T, TooLarge> {
    /// Puts the outer reading's allowance back however `read` ends (a panic in it too,
    /// which a lane catches and lives on after).
    struct Restore<'a> {
        allowance: &'a Allowance,
        outer: Option<usize>,
    }
    impl Drop for Restore<'_> {
        fn drop(&mut self) {
            let left = LEFT.with(|left| left.replace(self.outer));
            self.allowance.0.set(left);
        }
    }
    let restore = Restore {
        allowance,
        outer: LEFT.with(|left| left.replace(allowance.0.get())),
    };
    let value = read();
    drop(restore);
    match allowance.0.get() {
        Some(_) => Ok(value),
        None => Err(TooLarge),
    }
}

/// Takes `bytes` from the reading's allowance; `false` (and the reading has run out) when
/// it does not hold them.
#[inline]
pub fn spend(bytes: usize) -> bool {
    LEFT.with(|left| match left.get() {
        Some(remaining) if remaining >= bytes => {
            left.set(Some(remaining - bytes));
            true
        }
        _ => {
            left.set(None);
            false
        }
    })
}

/// Gives back `bytes` built and then dropped.
pub fn refund(bytes: usize) {
    LEFT.with(|left| {
        if let Some(remaining) = left.get() {
            left.set(Some(remaining.saturating_add(bytes)));
        }
    });
}

/// What a reading had left at one moment, to go back to.
#[must_use]
pub struct Checkpoint(Option<usize>);

/// What the reading under way has left now.
pub fn checkpoint() -> Checkpoint {
    Checkpoint(LEFT.with(Cell::get))
}

impl Checkpoint {
    /// Gives back what was spent since, for work that was dropped — unless the reading has
    /// run out, which stays so.
    pub fn rewind(self) {
        LEFT.with(|left| {
            if left.get().is_some() {
                left.set(self.0);
            }
        });
    }
}

/// The message a serde visitor stops with when [`spend`] fails (the caller reports
/// [`TooLarge`] from [`within`], not this text).
pub const STOPPED: &str = "too many JSON values";

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_reading_that_stays_within_the_allowance_keeps_its_result() {
        assert_eq!(within(&Allowance::default(), || spend(MAX_BYTES)), Ok(true));
    }

    #[test]
    fn a_reading_past_the_allowance_is_too_large_and_so_is_every_later_one() {
        let allowance = Allowance::default();
        assert_eq!(
            within(&allowance, || (spend(MAX_BYTES), spend(1))),
            Err(TooLarge)
        );
        assert_eq!(within(&allowance, || 7), Err(TooLarge));
    }

    #[test]
    fn readings_of_one_body_share_its_allowance() {
        let allowance = Allowance::default();
        assert_eq!(within(&allowance, || spend(MAX_BYTES - 10)), Ok(true));
        assert_eq!(within(&allowance, || spend(10)), Ok(true));
        assert_eq!(within(&allowance, || spend(1)), Err(TooLarge));
        assert_eq!(within(&Allowance::default(), || spend(MAX_BYTES)), Ok(true));
    }

    #[test]
    fn what_is_given_back_can_be_spent_again() {
        let read = within(&Allowance::default(), || {
            assert!(spend(MAX_BYTES));
            refund(5);
            spend(5)
        });
        assert_eq!(read, Ok(true));
    }

    #[test]
    fn a_rewind_gives_back_what_was_spent_but_not_a_reading_that_ran_out() {
        let kept = within(&Allowance::default(), || {
            let before = checkpoint();
            assert!(spend(MAX_BYTES));
            before.rewind();
            spend(MAX_BYTES)
        });
        assert_eq!(kept, Ok(true));
        let ran_out = within(&Allowance::default(), || {
            let before = checkpoint();
            assert!(!spend(MAX_BYTES + 1));
            before.rewind();
            spend(1)
        });
        assert_eq!(ran_out, Err(TooLarge));
    }

    #[test]
    fn a_reading_that_panics_leaves_the_outer_allowance_as_it_was() {
        let allowance = Allowance::default();
        let panicked = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
            within(&allowance, || {
                spend(MAX_BYTES);
                panic!("a bug")
            })
        }));
        assert!(panicked.is_err());
        assert!(spend(MAX_BYTES * 4), "outside a reading: no bound");
    }

    #[test]
    fn outside_a_reading_there_is_no_bound() {
        assert!(spend(MAX_BYTES * 4));
    }
}
