//! Step selection (`--tag`, `--step`): the steps asked for, plus every earlier step whose
//! captures they need, so a selected step never runs without its token.

use std::collections::HashSet;

use crate::collection::Collection;

/// Which steps to run. Empty: all of them.
#[derive(Debug, Clone, Default)]
pub struct Selection {
    /// Run steps with one of these tags (or every step of a collection with one).
    pub tags: Vec<String>,
    /// Run steps with one of these names or ids.
    pub steps: Vec<String>,
}

impl Selection {
    /// True when nothing was asked for.
    pub fn is_empty(&self) -> bool {
        self.tags.is_empty() && self.steps.is_empty()
    }

    /// True when the collection has at least one selected step.
    pub fn matches(&self, collection: &Collection) -> bool {
        selected_steps(collection, self).iter().any(|s| *s)
    }
}

/// How many step results a run of `collection` with `selection` gives, as far as can be known
/// before it runs: groups and includes count their steps; a `for_each` counts once.
pub fn planned_steps(collection: &Collection, selection: &Selection) -> usize {
    fn count(steps: &[crate::collection::Step]) -> usize {
        steps
            .iter()
            .map(|step| match &step.action {
                crate::collection::Action::Request(_) => 1,
                crate::collection::Action::Group(children) => count(children),
                crate::collection::Action::Include(include) => count(&include.steps),
            })
            .sum()
    }
    let selected = selected_steps(collection, selection);
    let chosen: usize = collection
        .steps
        .iter()
        .zip(selected)
        .filter(|(_, selected)| *selected)
        .map(|(step, _)| count(std::slice::from_ref(step)))
        .sum();
    chosen + count(&collection.finally)
}

/// For each step, whether it runs.
pub fn selected_steps(collection: &Collection, selection: &Selection) -> Vec<bool> {
    let count = collection.steps.len();
    if selection.is_empty() || collection.tags.iter().any(|t| selection.tags.contains(t)) {
        return vec![true; count];
    }
    let mut selected: Vec<bool> = collection
        .steps
        .iter()
        .map(|step| {
            step.tags.iter().any(|t| selection.tags.contains(t))
                || selection.steps.contains(&step.name)
                || step
                    .id
                    .as_ref()
                    .is_some_and(|id| selection.steps.contains(id))
        })
        .collect();
    // Walk backwards: a selected step needs the earlier steps that capture what it reads.
    let mut needed: HashSet<String> = HashSet::new();
    for index in (0..count).rev() {
        let step = &collection.steps[index];
        let provides = step.provides();
        if provides.iter().any(|name| needed.contains(name)) {
            selected[index] = true;
        }
        if selected[index] {
            for name in &provides {
                needed.remove(name);
            }
            needed.extend(step.reads());
        }
    }
    selected
}

#[cfg(test)]
mod tests {
    use super::*;

    const SOURCE: &str = r#"
name: selection
tags: [smoke]
steps:
  - name: Log in
    request: { url: "http://127.0.0.1:1/login" }
    capture: { token: $.token }
  - name: Unrelated
    tags: [slow]
    request: { url: "http://127.0.0.1:1/other" }
    capture: { other: $.x }
  - name: Read
    id: read
    request: { url: "http://127.0.0.1:1/read", headers: { Authorization: "Bearer {{token}}" } }
"#;

    fn collection() -> Collection {
        Collection::parse(std::path::Path::new("s.yaml"), SOURCE.to_owned()).expect("valid")
    }

    fn select(tags: &[&str], steps: &[&str]) -> Vec<bool> {
        let selection = Selection {
            tags: tags.iter().map(|t| (*t).to_owned()).collect(),
            steps: steps.iter().map(|s| (*s).to_owned()).collect(),
        };
        selected_steps(&collection(), &selection)
    }

    #[test]
    fn a_selected_step_brings_the_steps_it_depends_on() {
        assert_eq!(select(&[], &["read"]), vec![true, false, true]);
        assert_eq!(select(&[], &["Unrelated"]), vec![false, true, false]);
    }

    #[test]
    fn tags_on_steps_and_collections() {
        assert_eq!(select(&["slow"], &[]), vec![false, true, false]);
        assert_eq!(select(&["smoke"], &[]), vec![true, true, true]);
        assert_eq!(select(&["none"], &[]), vec![false, false, false]);
        assert_eq!(select(&[], &[]), vec![true, true, true]);
    }
}
