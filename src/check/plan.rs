//! What of a response body a step's JSONPaths can read: a tree of the member names and array
//! indices they go through, built from each compiled path once (at load) and merged for a
//! step when a response needs it. [`super::pruned`] parses a body into a
//! [`super::Document`] along this tree only, and skips the rest.
//!
//! A wildcard or a slice needs every member or element of its node, each as far as the rest
//! of the path reads ([`Parts::every`]). A selector whose reach a tree cannot bound — a
//! descendant segment (`..`), a filter — needs everything under the node it applies to
//! ([`Need::Whole`]). A
//! filter that reads the root (`$` inside `[?...]`), or a function this module does not know,
//! needs the whole document: such a path has no plan, and its step's body is parsed whole.
//!
//! A path is planned in one pass over its segments, whatever their number, and its plan is
//! kept small: past its first [`PLAN_DEPTH`] segments, and where its unions would multiply
//! the tree past [`PATH_NODES`], the node reached is needed whole, so that a plan is never
//! more than a bounded multiple of its path's size, nor deeper than a body can nest.

use super::sorted::SortedMap;
use std::sync::Arc;

use jsonpath_rust::parser::model::{
    Comparable, Filter, FilterAtom, FnArg, JpQuery, Segment, Selector, SingularQuery, Test,
    TestFunction,
};

/// What of one JSON value is needed.
#[derive(Debug, Clone, PartialEq)]
pub enum Need {
    /// The value and everything in it.
    Whole,
    /// Only some of its members (when it is an object) or elements (when it is an array); a
    /// scalar is kept as it is.
    Parts(Parts),
}

/// The members and elements of a value that are needed, each with what of it is needed.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Parts {
    /// Members by name (as the path names them, escapes resolved).
    pub members: SortedMap<String, Need>,
    /// Elements by index; a negative index counts from the end.
    pub indices: SortedMap<i64, Need>,
    /// What every member and element needs (a wildcard or a slice went through here): all
    /// of them are then kept, each as far as this and its own name or index say.
    pub every: Option<Box<Need>>,
    /// With a negative index, which element it is depends on the array's length: every
    /// element is read with what any negative index needs (and an element a non-negative
    /// index names, with both). `None` when no index is negative. Set by [`Need::settle`].
    pub tail: Option<Box<Need>>,
}

impl Parts {
    /// The most elements an array must keep from its start for the non-negative indices,
    /// when no index is negative (an array then needs no length).
    pub fn kept_prefix(&self) -> usize {
        self.indices
            .keys()
            .next_back()
            .and_then(|last| usize::try_from(*last).ok())
            .map_or(0, |last| last.saturating_add(1))
    }

    /// The largest count from the end a negative index names (0 when none).
    pub fn kept_suffix(&self) -> usize {
        self.indices
            .keys()
            .next()
            .filter(|first| **first < 0)
            .map_or(0, |first| {
                usize::try_from(first.unsigned_abs()).unwrap_or(usize::MAX)
            })
    }
}

/// The most nodes settling a plan may visit. Real paths settle in a few dozen; a path that
/// nests wildcards or negative indices level after level (`$[-1][-1][-1]...`) widens into a
/// tree that doubles with each level, and is better served by the full parse.
const SETTLE_BUDGET: usize = 2_000;

impl Need {
    /// Adds what `other` needs.
    pub fn absorb(&mut self, other: Need) {
        match (&mut *self, other) {
            (Need::Whole, _) => {}
            (_, Need::Whole) => *self = Need::Whole,
            (Need::Parts(mine), Need::Parts(theirs)) => {
                // One pass over both lists, however many members either has.
                let members = std::mem::take(&mut mine.members);
                mine.members = members.merge(theirs.members, Need::absorb);
                let indices = std::mem::take(&mut mine.indices);
                mine.indices = indices.merge(theirs.indices, Need::absorb);
                match (&mut mine.every, theirs.every) {
                    (Some(every), Some(other)) => every.absorb(*other),
                    (every @ None, other) => *every = other,
                    (Some(_), None) => {}
                }
                mine.tail = None;
            }
        }
    }

    /// Prepares the tree for parsing: where an array has negative indices, works out
    /// [`Parts::tail`]; widens what each named member and element needs by what every one
    /// of them may need (`every`, the tail), so that one parse of a value serves every path
    /// that may reach it. `false` when that would take more than [`SETTLE_BUDGET`] steps:
    /// the tree is then of no use, and the body is parsed whole.
    pub fn settle(&mut self) -> bool {
        let mut budget = SETTLE_BUDGET;
        self.settle_within(&mut budget)
    }

    fn settle_within(&mut self, budget: &mut usize) -> bool {
        let Need::Parts(parts) = self else {
            return true;
        };
        let Some(left) = budget.checked_sub(1) else {
            return false;
        };
        *budget = left;
        for need in parts.members.values_mut() {
            if !need.settle_within(budget) {
                return false;
            }
        }
        for need in parts.indices.values_mut() {
            if !need.settle_within(budget) {
                return false;
            }
        }
        if let Some(every) = &mut parts.every {
            if !every.settle_within(budget) {
                return false;
            }
            if **every == Need::Whole {
                // Every member and element whole: the node is.
                *self = Need::Whole;
                return true;
            }
        }
        let mut tail: Option<Need> = None;
        for (_, need) in parts.indices.range(..0) {
            match &mut tail {
                Some(tail) => tail.absorb(need.clone()),
                None => tail = Some(need.clone()),
            }
        }
        if let Some(tail) = &mut tail {
            if !tail.settle_within(budget) {
                return false;
            }
        }
        if let (Some(every), Some(tail)) = (&mut parts.every, &tail) {
            every.absorb(tail.clone());
            if !every.settle_within(budget) {
                return false;
            }
        }
        // What any element may need besides what its own index says.
        let extra = parts.every.as_deref().or(tail.as_ref()).cloned();
        if let Some(extra) = extra {
            for (_, need) in parts.indices.range_mut(0..) {
                need.absorb(extra.clone());
                if !need.settle_within(budget) {
                    return false;
                }
            }
        }
        if let Some(every) = parts.every.as_deref() {
            for need in parts.members.values_mut() {
                need.absorb(every.clone());
                if !need.settle_within(budget) {
                    return false;
                }
            }
        }
        parts.tail = tail.map(Box::new);
        true
    }

    #[cfg(test)]
    fn parts(members: SortedMap<String, Need>, indices: SortedMap<i64, Need>) -> Need {
        Need::Parts(Parts {
            members,
            indices,
            every: None,
            tail: None,
        })
    }
}

/// What `query` can read of a document, or `None` when that is the whole document (a filter
/// that reads the root).
pub fn of_query(query: &JpQuery) -> Option<Need> {
    if segments_read_root(&query.segments) {
        return None;
    }
    Some(of_segments(&query.segments))
}

/// How many segments of a path its plan follows; under the node the last of them reaches,
/// everything is kept. A body nests at most 128 levels (the most runner parses), so no
/// segment past these can name anything a parse would keep.
const PLAN_DEPTH: usize = 128;

/// The most nodes the plan of one path may have. Each selector of a union (`[0,1]`,
/// `['a','b']`) needs the rest of the path on its own, so the tree doubles with each union
/// of two; the plan stops at the last segment that keeps it within this, and keeps whole
/// what that segment reaches. Well below [`SETTLE_BUDGET`], so that a step's paths merged
/// still settle.
const PATH_NODES: usize = SETTLE_BUDGET / 4;

/// The most bytes of member names the unions of a path may copy (each of a union's
/// selectors holds its own copy of what the rest of the path names), past the one copy
/// the path has of each: a plan stops before a segment that would pass it.
const PATH_COPIED_BYTES: usize = 64 * 1024;

/// What a path needs from the node its segments start at. Without recursion, whatever the
/// number of segments: a first pass from the top finds how many of them the plan follows
/// (up to a descendant segment or a filter, [`PLAN_DEPTH`], or the segment that would take
/// it past [`PATH_NODES`] or [`PATH_COPIED_BYTES`]); the tree is then built from the last
/// of those back to the first, each level once.
fn of_segments(segments: &[Segment]) -> Need {
    let mut levels: Vec<Level<'_>> = Vec::new();
    // Nodes at the deepest level so far, in the whole tree, and name bytes copied.
    let (mut width, mut nodes, mut copied) = (1usize, 1usize, 0usize);
    for segment in segments.iter().take(PLAN_DEPTH) {
        let selectors = match segment {
            // All under the node it applies to.
            Segment::Descendant(_) => break,
            Segment::Selector(selector) => std::slice::from_ref(selector),
            Segment::Selectors(selectors) => selectors.as_slice(),
        };
        let Some(level) = Level::of(selectors) else {
            break;
        };
        let next_width = width.checked_mul(level.children());
        let next_nodes = next_width.and_then(|next| nodes.checked_add(next));
        let next_copied = width
            .saturating_sub(1)
            .checked_mul(level.name_bytes())
            .and_then(|more| copied.checked_add(more));
        match (next_width, next_nodes, next_copied) {
            (Some(next_width), Some(next_nodes), Some(next_copied))
                if next_nodes <= PATH_NODES && next_copied <= PATH_COPIED_BYTES =>
            {
                (width, nodes, copied) = (next_width, next_nodes, next_copied);
                levels.push(level);
            }
            _ => break,
        }
    }
    // The path ends here (or its plan does): it selects this node, all of it.
    let mut rest = Need::Whole;
    for level in levels.into_iter().rev() {
        rest = level.need(rest);
    }
    rest
}

/// The selectors of one segment, each name and index once, in order.
struct Level<'p> {
    names: Vec<&'p String>,
    indices: Vec<i64>,
    /// A wildcard or a slice: every member and element.
    every: bool,
}

impl<'p> Level<'p> {
    /// `None` after a filter: the node it applies to is needed whole.
    fn of(selectors: &'p [Selector]) -> Option<Self> {
        let mut level = Level {
            names: Vec::new(),
            indices: Vec::new(),
            every: false,
        };
        for selector in selectors {
            match selector {
                Selector::Name(name) => level.names.push(name),
                Selector::Index(index) => level.indices.push(*index),
                Selector::Wildcard | Selector::Slice(..) => level.every = true,
                Selector::Filter(_) => return None,
            }
        }
        level.names.sort_unstable();
        level.names.dedup();
        level.indices.sort_unstable();
        level.indices.dedup();
        Some(level)
    }

    /// How many children the node has in the plan: one per name and index, and `every`.
    fn children(&self) -> usize {
        self.names.len() + self.indices.len() + usize::from(self.every)
    }

    fn name_bytes(&self) -> usize {
        self.names
            .iter()
            .fold(0, |bytes, name| bytes.saturating_add(name.len()))
    }

    /// What the node needs when each child it selects needs `rest`: each its own copy (the
    /// last one takes `rest` itself).
    fn need(self, rest: Need) -> Need {
        if self.every && rest == Need::Whole {
            // Every member and element whole: the node is.
            return Need::Whole;
        }
        let mut copies = self.children();
        let mut rest = Some(rest);
        let mut take = || {
            copies -= 1;
            if copies == 0 {
                rest.take().unwrap_or(Need::Whole)
            } else {
                rest.clone().unwrap_or(Need::Whole)
            }
        };
        // In order and distinct: each goes at the end of its list.
        let members = self
            .names
            .into_iter()
            .map(|name| (name.clone(), take()))
            .collect();
        let indices = self
            .indices
            .into_iter()
            .map(|index| (index, take()))
            .collect();
        let every = self.every.then(|| Box::new(take()));
        Need::Parts(Parts {
            members,
            indices,
            every,
            tail: None,
        })
    }
}

fn segments_read_root(segments: &[Segment]) -> bool {
    segments.iter().any(segment_reads_root)
}

fn segment_reads_root(segment: &Segment) -> bool {
    match segment {
        Segment::Descendant(inner) => segment_reads_root(inner),
        Segment::Selector(selector) => selector_reads_root(selector),
        Segment::Selectors(selectors) => selectors.iter().any(selector_reads_root),
    }
}

fn selector_reads_root(selector: &Selector) -> bool {
    match selector {
        Selector::Filter(filter) => filter_reads_root(filter),
        Selector::Name(_) | Selector::Wildcard | Selector::Index(_) | Selector::Slice(..) => false,
    }
}

fn filter_reads_root(filter: &Filter) -> bool {
    match filter {
        Filter::Or(filters) | Filter::And(filters) => filters.iter().any(filter_reads_root),
        Filter::Atom(FilterAtom::Filter { expr, .. }) => filter_reads_root(expr),
        Filter::Atom(FilterAtom::Test { expr, .. }) => test_reads_root(expr),
        Filter::Atom(FilterAtom::Comparison(comparison)) => {
            let (left, right) = comparison.vals();
            comparable_reads_root(left) || comparable_reads_root(right)
        }
    }
}

fn test_reads_root(test: &Test) -> bool {
    match test {
        Test::RelQuery(segments) => segments_read_root(segments),
        Test::AbsQuery(_) => true,
        Test::Function(function) => function_reads_root(function),
    }
}

fn comparable_reads_root(comparable: &Comparable) -> bool {
    match comparable {
        Comparable::Literal(_) => false,
        Comparable::Function(function) => function_reads_root(function),
        Comparable::SingularQuery(SingularQuery::Root(_)) => true,
        Comparable::SingularQuery(SingularQuery::Current(_)) => false,
    }
}

fn function_reads_root(function: &TestFunction) -> bool {
    match function {
        TestFunction::Length(arg) => argument_reads_root(arg),
        TestFunction::Value(arg) | TestFunction::Count(arg) => argument_reads_root(arg),
        TestFunction::Search(a, b) | TestFunction::Match(a, b) => {
            argument_reads_root(a) || argument_reads_root(b)
        }
        // A function this module does not know may read anything.
        TestFunction::Custom(..) => true,
    }
}

fn argument_reads_root(argument: &FnArg) -> bool {
    match argument {
        FnArg::Literal(_) => false,
        FnArg::Test(test) => test_reads_root(test),
        FnArg::Filter(filter) => filter_reads_root(filter),
    }
}

/// A [`BodyPlan`] in the making: paths are added one by one.
#[derive(Debug, Default)]
pub struct PlanBuilder {
    /// What each path added needs, merged when the plan is finished.
    needs: Vec<Need>,
    covered: Vec<Arc<str>>,
    whole_document: bool,
}

impl PlanBuilder {
    /// Adds a path (as written) and what it needs (`None`: the whole document).
    pub fn add(&mut self, source: &Arc<str>, need: Option<&Need>) {
        let Some(need) = need else {
            self.whole_document = true;
            return;
        };
        if self.whole_document {
            return;
        }
        self.needs.push(need.clone());
        self.covered.push(Arc::clone(source));
    }

    /// The plan, or `None` when the paths need the whole document (or there are none).
    pub fn finish(self) -> Option<BodyPlan> {
        if self.whole_document {
            return None;
        }
        // Merged in pairs, then pairs of pairs: each merge is one pass over both sides, so a
        // step of thousands of paths under one object costs n log n, not n².
        let mut needs = self.needs;
        while needs.len() > 1 {
            let mut merged = Vec::with_capacity(needs.len().div_ceil(2));
            let mut pairs = needs.into_iter();
            while let Some(mut first) = pairs.next() {
                if let Some(second) = pairs.next() {
                    first.absorb(second);
                }
                merged.push(first);
            }
            needs = merged;
        }
        let mut root = needs.pop()?;
        if root == Need::Whole {
            return None;
        }
        if !root.settle() {
            return None;
        }
        let mut covered = self.covered;
        covered.sort_unstable();
        covered.dedup();
        Some(BodyPlan { root, covered })
    }
}

/// What of a response body a step's JSONPaths can read, and which paths it was made for.
#[derive(Debug, Clone)]
pub struct BodyPlan {
    /// What is needed from the root.
    pub root: Need,
    /// The paths it covers, as written (equal text compiles to the same query), sorted.
    covered: Vec<Arc<str>>,
}

impl BodyPlan {
    /// The plan for `paths` (each as written, with what it needs): `None` when one of them
    /// needs the whole document (or there are none), since the whole body is then parsed
    /// anyway.
    pub fn new<'p>(
        paths: impl IntoIterator<Item = (&'p Arc<str>, Option<&'p Need>)>,
    ) -> Option<Self> {
        let mut builder = PlanBuilder::default();
        for (source, need) in paths {
            builder.add(source, need);
        }
        builder.finish()
    }

    /// True when the plan was made for `source` (a JSONPath as written).
    pub fn covers(&self, source: &str) -> bool {
        self.covered
            .binary_search_by(|covered| (**covered).cmp(source))
            .is_ok()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn need(path: &str) -> Option<Need> {
        let query = jsonpath_rust::parser::parse_json_path(path).expect("a valid path");
        of_query(&query)
    }

    fn member(name: &str, need: Need) -> Need {
        Need::parts(
            SortedMap::from([(name.to_owned(), need)]),
            SortedMap::default(),
        )
    }

    fn index(index: i64, need: Need) -> Need {
        Need::parts(SortedMap::default(), SortedMap::from([(index, need)]))
    }

    #[test]
    fn names_and_indices_make_a_path_of_parts() {
        assert_eq!(
            need("$.items[0].status['description']"),
            Some(member(
                "items",
                index(0, member("status", member("description", Need::Whole)))
            ))
        );
        assert_eq!(need("$[-2]"), Some(index(-2, Need::Whole)));
    }

    #[test]
    fn the_root_alone_is_the_whole_document() {
        assert_eq!(need("$"), Some(Need::Whole));
        assert!(BodyPlan::new([(&Arc::from("$"), need("$").as_ref())]).is_none());
    }

    #[test]
    fn wildcards_and_slices_need_every_child_as_far_as_the_rest_reads() {
        let every = |need: Need| {
            Need::Parts(Parts {
                every: Some(Box::new(need)),
                ..Parts::default()
            })
        };
        for path in ["$.a[*].b", "$.a.*.b", "$.a[1:3].b", "$.a[::-1]['b']"] {
            assert_eq!(
                need(path),
                Some(member("a", every(member("b", Need::Whole)))),
                "{path}"
            );
        }
        assert_eq!(
            need("$.a[*][0]"),
            Some(member("a", every(index(0, Need::Whole))))
        );
        // Every child whole is the node whole.
        let mut merged = need("$.a[*]").expect("parts");
        merged.absorb(need("$.a[0].b").expect("parts"));
        assert!(merged.settle());
        assert_eq!(merged, member("a", Need::Whole));
    }

    #[test]
    fn descendants_and_filters_keep_their_node_whole() {
        for path in [
            "$.a.*",
            "$.a[::-1]",
            "$.a..b",
            "$.a[?@.b == 1].c",
            "$.a[?length(@.b) > 1]",
            "$.a[?match(@.b, 'x.*')]",
        ] {
            assert_eq!(need(path), Some(member("a", Need::Whole)), "{path}");
        }
    }

    #[test]
    fn a_filter_that_reads_the_root_needs_the_whole_document() {
        for path in [
            "$.a[?@.b == $.c]",
            "$.a[?$.c]",
            "$.a[?count($.c[*]) > 1]",
            "$..[?@.x == $.y]",
            "$.a[?@.b[?$.c]]",
            "$.a[?(@.b == 1 || $.c == 2)]",
            "$.a[?value($.c) == 1]",
        ] {
            assert_eq!(need(path), None, "{path}");
        }
    }

    #[test]
    fn several_selectors_merge() {
        assert_eq!(
            need("$['a', 'b'][0, 'c']"),
            Some(Need::parts(
                SortedMap::from([
                    (
                        "a".to_owned(),
                        Need::parts(
                            SortedMap::from([("c".to_owned(), Need::Whole)]),
                            SortedMap::from([(0, Need::Whole)])
                        )
                    ),
                    (
                        "b".to_owned(),
                        Need::parts(
                            SortedMap::from([("c".to_owned(), Need::Whole)]),
                            SortedMap::from([(0, Need::Whole)])
                        )
                    ),
                ]),
                SortedMap::default()
            ))
        );
        assert_eq!(need("$['a', *]"), Some(Need::Whole));
        let mut named_and_every = need("$['a', *].b").expect("parts");
        assert!(named_and_every.settle());
        let Need::Parts(parts) = &named_and_every else {
            panic!("parts")
        };
        assert_eq!(parts.members.get("a"), Some(&member("b", Need::Whole)));
        assert_eq!(parts.every.as_deref(), Some(&member("b", Need::Whole)));
    }

    #[test]
    fn every_child_widens_the_named_ones_and_takes_the_tail() {
        let mut merged = need("$[*].a").expect("parts");
        merged.absorb(need("$[1].b").expect("parts"));
        merged.absorb(need("$[-1].c").expect("parts"));
        merged.absorb(need("$.x.d").expect("parts"));
        assert!(merged.settle());
        let Need::Parts(parts) = &merged else {
            panic!("parts")
        };
        let names = |names: &[&str]| {
            Need::parts(
                names
                    .iter()
                    .map(|n| ((*n).to_owned(), Need::Whole))
                    .collect(),
                SortedMap::default(),
            )
        };
        assert_eq!(parts.every.as_deref(), Some(&names(&["a", "c"])));
        assert_eq!(parts.indices.get(&1), Some(&names(&["a", "b", "c"])));
        assert_eq!(parts.members.get("x"), Some(&names(&["a", "c", "d"])));
    }

    #[test]
    fn a_plan_merges_its_paths_and_knows_which_it_covers() {
        let paths = ["$.total", "$.items[0].id", "$.items[0]", "$.items[-1].id"];
        let needs: Vec<(Arc<str>, Option<Need>)> =
            paths.iter().map(|p| (Arc::from(*p), need(p))).collect();
        let plan = BodyPlan::new(needs.iter().map(|(s, n)| (s, n.as_ref()))).expect("a plan");
        let Need::Parts(root) = &plan.root else {
            panic!("parts")
        };
        assert_eq!(root.members.get("total"), Some(&Need::Whole));
        let Some(Need::Parts(items)) = root.members.get("items") else {
            panic!("parts")
        };
        // `[0]` whole swallows `[0].id`; the tail of `[-1]` widens `[0]` (already whole).
        assert_eq!(items.indices.get(&0), Some(&Need::Whole));
        assert_eq!(items.tail.as_deref(), Some(&member("id", Need::Whole)));
        assert_eq!((items.kept_prefix(), items.kept_suffix()), (1, 1));
        assert!(plan.covers("$.items[-1].id"));
        assert!(!plan.covers("$.items[1].id"));
    }

    #[test]
    fn a_plan_that_would_grow_past_its_budget_is_no_plan() {
        let deep: String = std::iter::once("$")
            .chain(std::iter::repeat_n("[-1]", 40))
            .collect();
        let wide: String = std::iter::once("$")
            .chain(std::iter::repeat_n(".*", 40))
            .collect();
        let named: String = std::iter::once("$")
            .chain(std::iter::repeat_n(".a", 40))
            .collect();
        for paths in [vec![deep], vec![wide, named]] {
            let needs: Vec<(Arc<str>, Option<Need>)> = paths
                .iter()
                .map(|p| (Arc::from(p.as_str()), need(p)))
                .collect();
            assert!(
                BodyPlan::new(needs.iter().map(|(s, n)| (s, n.as_ref()))).is_none(),
                "{paths:?}"
            );
        }
        // A shallow one of the same kind still has a plan.
        let needs = [(Arc::from("$[-1][-1].id"), need("$[-1][-1].id"))];
        assert!(BodyPlan::new(needs.iter().map(|(s, n)| (s, n.as_ref()))).is_some());
    }

    #[test]
    fn a_path_that_needs_the_whole_document_leaves_no_plan() {
        let needs: Vec<(Arc<str>, Option<Need>)> = ["$.a", "$.b[?@.c == $.d]"]
            .iter()
            .map(|p| (Arc::from(*p), need(p)))
            .collect();
        assert!(BodyPlan::new(needs.iter().map(|(s, n)| (s, n.as_ref()))).is_none());
    }

    #[test]
    fn negative_indices_widen_the_others_by_their_tail() {
        let mut merged = need("$[1].a").expect("parts");
        merged.absorb(need("$[-1].b").expect("parts"));
        merged.absorb(need("$[-3]").expect("parts"));
        assert!(merged.settle());
        let Need::Parts(parts) = &merged else {
            panic!("parts")
        };
        assert_eq!(parts.tail.as_deref(), Some(&Need::Whole));
        assert_eq!(parts.indices.get(&1), Some(&Need::Whole));
        assert_eq!(parts.kept_suffix(), 3);
    }

    /// How many nodes `need` has ([`Need::Whole`] leaves included) and how deep it goes,
    /// counted without recursion.
    fn size_and_depth(need: &Need) -> (usize, usize) {
        let mut nodes = 0;
        let mut deepest = 0;
        let mut stack = vec![(need, 1)];
        while let Some((need, depth)) = stack.pop() {
            nodes += 1;
            deepest = deepest.max(depth);
            if let Need::Parts(parts) = need {
                let children = parts
                    .members
                    .range(..)
                    .map(|(_, need)| need)
                    .chain(parts.indices.range(..).map(|(_, need)| need))
                    .chain(parts.every.as_deref())
                    .chain(parts.tail.as_deref());
                stack.extend(children.map(|child| (child, depth + 1)));
            }
        }
        (nodes, deepest)
    }

    fn repeated(segment: &str, times: usize) -> String {
        std::iter::once("$")
            .chain(std::iter::repeat_n(segment, times))
            .collect()
    }

    #[test]
    fn a_path_of_any_length_plans_in_one_pass_and_no_deeper_than_a_body_nests() {
        for segment in [
            ".a", "['a']", "[\"a\"]", "[0]", "[-1]", "[*]", ".*", "[1:3]", "[::-1]", " .a",
        ] {
            let path = repeated(segment, 20_000);
            // Compiled as at load (the RFC 9535 check, then jsonpath-rust), planned, merged.
            let compiled = crate::check::jsonpath::JsonPath::compile(&path)
                .unwrap_or_else(|error| panic!("`{segment}` × 20000: {error}"));
            let need = compiled.need().expect("no filter reads the root").clone();
            let (nodes, depth) = size_and_depth(&need);
            assert!(depth <= PLAN_DEPTH + 1, "`{segment}`: {depth} levels");
            assert!(nodes <= PATH_NODES, "`{segment}`: {nodes} nodes");
            let source = Arc::from(path.as_str());
            let _plan = BodyPlan::new([(&source, Some(&need)), (&source, Some(&need))]);
        }
        // Past the levels a body can have, the node reached is kept whole.
        let mut need = need(&repeated(".a", 200)).expect("parts");
        for _ in 0..PLAN_DEPTH {
            let Need::Parts(parts) = need else {
                panic!("parts")
            };
            need = parts.members.get("a").cloned().expect("a");
        }
        assert_eq!(need, Need::Whole);
    }

    #[test]
    fn unions_plan_in_bounded_size_with_the_first_levels_exact() {
        for union in ["[0,1]", "['a','b']", "[0,1,2]", "['a',0,-1]", "[0,0,0]"] {
            let path = repeated(union, 30);
            let need = need(&path).expect("parts");
            let (nodes, depth) = size_and_depth(&need);
            // Without a bound, `[0,1]` 30 times is 2^31 nodes, `[0,1,2]` 3^30.
            assert!(nodes <= PATH_NODES, "`{union}`: {nodes} nodes");
            assert!(depth >= 6, "`{union}`: only {depth} levels planned");
            let source = Arc::from(path.as_str());
            assert!(
                BodyPlan::new([(&source, Some(&need))]).is_some(),
                "`{union}`: no plan"
            );
        }
        // With a wildcard or a slice, the last level is every child whole, so every level is,
        // however far the plan goes.
        for union in ["[*,0]", "[0:2,'a']"] {
            assert_eq!(need(&repeated(union, 30)), Some(Need::Whole), "{union}");
        }
        // A union as a path's last segments is planned exactly.
        assert_eq!(
            need("$.x[0,1][0,1]"),
            need("$.x[0][0]").zip(need("$.x[1][1]")).map(|(mut a, b)| {
                a.absorb(b);
                a.absorb(need("$.x[0][1]").expect("parts"));
                a.absorb(need("$.x[1][0]").expect("parts"));
                a
            })
        );
        // A repeated name or index is one member or element, whatever the path's length.
        assert_eq!(need(&repeated("[0,0]", 30)), need(&repeated("[0]", 30)));
        // A union of thousands of names, and one of names thousands of bytes long.
        let many = format!(
            "$.x[{}].y",
            (0..5_000)
                .map(|i| format!("'n{i}'"))
                .collect::<Vec<_>>()
                .join(",")
        );
        assert!(size_and_depth(&need(&many).expect("parts")).0 <= PATH_NODES);
        let long = format!("$[0,1,2,3][0,1,2,3]['{}']", "n".repeat(100_000));
        // Sixteen copies of the name would be 1.6 MB: the plan stops above it.
        assert_eq!(
            size_and_depth(&need(&long).expect("parts")),
            (1 + 4 + 16, 3)
        );
    }
}
