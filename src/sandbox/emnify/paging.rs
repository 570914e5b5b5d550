//! List queries of the paged collections (`/endpoint`, `/sim`): parsing `page`, `per_page`,
//! `sort` and `q`, applying them with EMnify's clamping rules, and the `X-*` / `Link` headers.
//!
//! Rules [DOC unless marked]:
//! - `page` ≥ 1 (default 1); below 1 → first page; past the end → the **last** page.
//! - `per_page` below 1 → the resource's default; above the maximum → the maximum.
//! - `page`/`per_page` that are not integers → 400 `BadRequest` [GUESS, worded like the
//!   recorded id error].
//! - `sort`: comma list of fields, `-` prefix for descending, ties always broken by ascending
//!   `id`; unknown field → 422 1302. Nulls sort before values in ascending order [GUESS:
//!   MySQL order]. Text compares case-insensitively [GUESS].
//! - `q`: comma list of `field:criteria`, all must match (AND). Numeric fields (`id`,
//!   `status`, profile ids, ...) match exactly; text fields match a case-insensitive substring
//!   [GUESS]. Unknown field, missing `:`, empty or non-numeric criteria → 422 1301.
//! - An empty collection has `X-Total-Pages: 0` and `X-Current-Page: 1` [GUESS].
//! - `Link` (RFC 8288, absolute URLs [GUESS]) only when there is more than one page:
//!   `first` and `last` always, `prev`/`next` where they exist; each repeats `per_page` and the
//!   request's `sort` and `q`.

use std::cmp::Ordering;

use axum::http::{HeaderMap, HeaderName, HeaderValue};

use super::errors::ApiError;

/// How a `q` field is matched.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum FieldKind {
    /// Exact integer match.
    Int,
    /// Case-insensitive substring match.
    Text,
}

/// What a paged collection supports.
#[derive(Debug)]
pub(crate) struct ListSpec {
    pub sort_fields: &'static [&'static str],
    pub filter_fields: &'static [(&'static str, FieldKind)],
    pub default_per_page: i64,
    pub max_per_page: i64,
}

/// One `sort` term.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct SortKey {
    pub field: &'static str,
    pub descending: bool,
}

/// A parsed `q` criteria value.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Criterion {
    Int(i64),
    /// Lower-cased needle.
    Text(String),
}

/// One `q` term.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Filter {
    pub field: &'static str,
    pub criterion: Criterion,
}

/// A validated list request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct ListQuery {
    /// Requested page (not yet clamped to the last page).
    pub page: i64,
    /// Effective page size (already clamped).
    pub per_page: i64,
    pub sort: Vec<SortKey>,
    pub filters: Vec<Filter>,
    /// `sort` as sent (echoed in `X-Sort` and `Link`), `None` when absent.
    pub raw_sort: Option<String>,
    /// `q` as sent (echoed in `Link`), `None` when absent.
    pub raw_q: Option<String>,
}

/// A value a collection item exposes for sorting or filtering.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum FieldValue {
    Null,
    Int(i64),
    Text(String),
}

impl FieldValue {
    /// A text value, or `Null` when absent.
    pub(crate) fn text(value: Option<&str>) -> Self {
        value.map_or(Self::Null, |s| Self::Text(s.to_owned()))
    }
}

fn compare_values(a: &FieldValue, b: &FieldValue) -> Ordering {
    use FieldValue::{Int, Null, Text};
    match (a, b) {
        (Null, Null) => Ordering::Equal,
        (Null, _) => Ordering::Less,
        (_, Null) => Ordering::Greater,
        (Int(x), Int(y)) => x.cmp(y),
        (Text(x), Text(y)) => x
            .to_lowercase()
            .cmp(&y.to_lowercase())
            .then_with(|| x.cmp(y)),
        (Int(_), Text(_)) => Ordering::Less,
        (Text(_), Int(_)) => Ordering::Greater,
    }
}

/// An item of a paged collection.
pub(crate) trait Listed {
    /// The item's id (the final tie-breaker).
    fn id(&self) -> i64;
    /// The value sorted on for `field` (one of the spec's `sort_fields`).
    fn sort_value(&self, field: &str) -> FieldValue;
    /// The value matched for `field` (one of the spec's `filter_fields`).
    fn filter_value(&self, field: &str) -> FieldValue;
}

/// Paging facts of one answered list request.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct PageInfo {
    pub page: i64,
    pub per_page: i64,
    pub total_count: i64,
    pub total_pages: i64,
}

fn parse_int(name: &str, raw: &str) -> Result<i64, ApiError> {
    raw.trim().parse::<i64>().map_err(|_| {
        ApiError::bad_request(format!(
            "Cannot parse parameter {name} as Integer: For input string: \"{raw}\""
        ))
    })
}

fn parse_sort(raw: &str, spec: &ListSpec) -> Result<Vec<SortKey>, ApiError> {
    raw.split(',')
        .map(|term| {
            let term = term.trim();
            let (descending, name) = match term.strip_prefix('-') {
                Some(rest) => (true, rest),
                None => (false, term.strip_prefix('+').unwrap_or(term)),
            };
            spec.sort_fields
                .iter()
                .find(|field| **field == name)
                .map(|field| SortKey { field, descending })
                .ok_or_else(|| ApiError::invalid_sort(term))
        })
        .collect()
}

fn parse_filters(raw: &str, spec: &ListSpec) -> Result<Vec<Filter>, ApiError> {
    raw.split(',')
        .map(|term| {
            let invalid = || ApiError::invalid_query(term);
            let (name, criteria) = term.split_once(':').ok_or_else(invalid)?;
            let (field, kind) = spec
                .filter_fields
                .iter()
                .find(|(field, _)| *field == name.trim())
                .ok_or_else(invalid)?;
            let criteria = criteria.trim();
            if criteria.is_empty() {
                return Err(invalid());
            }
            let criterion = match kind {
                FieldKind::Int => Criterion::Int(criteria.parse().map_err(|_| invalid())?),
                FieldKind::Text => Criterion::Text(criteria.to_lowercase()),
            };
            Ok(Filter { field, criterion })
        })
        .collect()
}

/// Validates the query parameters of a list request. Unknown parameters are ignored.
pub(crate) fn parse_query(
    pairs: &[(String, String)],
    spec: &ListSpec,
) -> Result<ListQuery, ApiError> {
    let last = |key: &str| {
        pairs
            .iter()
            .rev()
            .find(|(k, _)| k == key)
            .map(|(_, v)| v.as_str())
    };
    let page = last("page").map(|raw| parse_int("page", raw)).transpose()?;
    let per_page = last("per_page")
        .map(|raw| parse_int("per_page", raw))
        .transpose()?;
    let raw_sort = last("sort")
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_owned);
    let raw_q = last("q")
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_owned);
    let sort = match &raw_sort {
        Some(raw) => parse_sort(raw, spec)?,
        None => vec![SortKey {
            field: "id",
            descending: false,
        }],
    };
    let filters = match &raw_q {
        Some(raw) => parse_filters(raw, spec)?,
        None => Vec::new(),
    };
    let per_page = match per_page {
        None => spec.default_per_page,
        Some(n) if n < 1 => spec.default_per_page,
        Some(n) => n.min(spec.max_per_page),
    };
    Ok(ListQuery {
        page: page.unwrap_or(1).max(1),
        per_page,
        sort,
        filters,
        raw_sort,
        raw_q,
    })
}

fn matches<T: Listed>(item: &T, filter: &Filter) -> bool {
    match (&filter.criterion, item.filter_value(filter.field)) {
        (Criterion::Int(wanted), FieldValue::Int(value)) => *wanted == value,
        (Criterion::Text(needle), FieldValue::Text(value)) => {
            value.to_lowercase().contains(needle.as_str())
        }
        (Criterion::Text(needle), FieldValue::Int(value)) => value.to_string().contains(needle),
        _ => false,
    }
}

/// Filters, sorts and cuts one page out of `items`.
pub(crate) fn select<T: Listed>(mut items: Vec<T>, query: &ListQuery) -> (Vec<T>, PageInfo) {
    items.retain(|item| query.filters.iter().all(|f| matches(item, f)));
    items.sort_by(|a, b| {
        query
            .sort
            .iter()
            .map(|key| {
                let ordering = compare_values(&a.sort_value(key.field), &b.sort_value(key.field));
                if key.descending {
                    ordering.reverse()
                } else {
                    ordering
                }
            })
            .find(|o| o.is_ne())
            .unwrap_or(Ordering::Equal)
            .then_with(|| a.id().cmp(&b.id()))
    });
    let total_count = i64::try_from(items.len()).unwrap_or(i64::MAX);
    let total_pages = (total_count + query.per_page - 1) / query.per_page;
    let page = query.page.min(total_pages).max(1);
    let start = usize::try_from((page - 1) * query.per_page).unwrap_or(usize::MAX);
    let per_page = usize::try_from(query.per_page).unwrap_or(usize::MAX);
    let selected = items.into_iter().skip(start).take(per_page).collect();
    (
        selected,
        PageInfo {
            page,
            per_page: query.per_page,
            total_count,
            total_pages,
        },
    )
}

/// Percent-encodes a query value (everything but RFC 3986 unreserved characters).
fn encode_query_value(value: &str) -> String {
    let mut out = String::with_capacity(value.len());
    for byte in value.bytes() {
        if byte.is_ascii_alphanumeric() || matches!(byte, b'-' | b'.' | b'_' | b'~') {
            out.push(char::from(byte));
        } else {
            out.push_str(&format!("%{byte:02X}"));
        }
    }
    out
}

fn page_link(base: &str, page: i64, info: &PageInfo, query: &ListQuery, rel: &str) -> String {
    let mut url = format!("{base}?page={page}&per_page={}", info.per_page);
    if let Some(sort) = &query.raw_sort {
        url.push_str("&sort=");
        url.push_str(&encode_query_value(sort));
    }
    if let Some(q) = &query.raw_q {
        url.push_str("&q=");
        url.push_str(&encode_query_value(q));
    }
    format!("<{url}>; rel=\"{rel}\"")
}

/// The `Link` header value, `None` for a single page.
pub(crate) fn link_header(
    collection_url: &str,
    info: &PageInfo,
    query: &ListQuery,
) -> Option<String> {
    if info.total_pages <= 1 {
        return None;
    }
    let mut links = vec![page_link(collection_url, 1, info, query, "first")];
    if info.page > 1 {
        links.push(page_link(
            collection_url,
            info.page - 1,
            info,
            query,
            "prev",
        ));
    }
    if info.page < info.total_pages {
        links.push(page_link(
            collection_url,
            info.page + 1,
            info,
            query,
            "next",
        ));
    }
    links.push(page_link(
        collection_url,
        info.total_pages,
        info,
        query,
        "last",
    ));
    Some(links.join(", "))
}

/// The paging headers: the classic `X-*` names, their 2024 aliases, and `Link` [REC].
pub(crate) fn headers(collection_url: &str, info: &PageInfo, query: &ListQuery) -> HeaderMap {
    let mut map = HeaderMap::new();
    let mut put = |name: &'static str, value: String| {
        if let Ok(value) = HeaderValue::from_str(&value) {
            map.insert(HeaderName::from_static(name), value);
        }
    };
    put("x-count-per-page", info.per_page.to_string());
    put("x-current-page", info.page.to_string());
    put("x-total-count", info.total_count.to_string());
    put("x-total-pages", info.total_pages.to_string());
    put(
        "x-sort",
        query.raw_sort.clone().unwrap_or_else(|| "id".to_owned()),
    );
    put("x-count", info.total_count.to_string());
    put("x-page", info.page.to_string());
    put("x-pages", info.total_pages.to_string());
    put("x-per-page", info.per_page.to_string());
    if let Some(link) = link_header(collection_url, info, query) {
        put("link", link);
    }
    map
}

#[cfg(test)]
mod tests {
    use super::*;

    const SPEC: ListSpec = ListSpec {
        sort_fields: &["id", "name", "status", "tags"],
        filter_fields: &[("status", FieldKind::Int), ("name", FieldKind::Text)],
        default_per_page: 1000,
        max_per_page: 1000,
    };

    #[derive(Debug, Clone)]
    struct Item {
        id: i64,
        name: &'static str,
        status: i64,
        tags: Option<&'static str>,
    }

    impl Listed for Item {
        fn id(&self) -> i64 {
            self.id
        }
        fn sort_value(&self, field: &str) -> FieldValue {
            match field {
                "id" => FieldValue::Int(self.id),
                "name" => FieldValue::Text(self.name.to_owned()),
                "status" => FieldValue::Int(self.status),
                "tags" => FieldValue::text(self.tags),
                _ => FieldValue::Null,
            }
        }
        fn filter_value(&self, field: &str) -> FieldValue {
            self.sort_value(field)
        }
    }

    fn items() -> Vec<Item> {
        vec![
            Item {
                id: 5,
                name: "beta",
                status: 0,
                tags: Some("x"),
            },
            Item {
                id: 2,
                name: "Alpha",
                status: 1,
                tags: None,
            },
            Item {
                id: 9,
                name: "alpha",
                status: 0,
                tags: Some(""),
            },
            Item {
                id: 1,
                name: "gamma",
                status: 1,
                tags: Some("a"),
            },
            Item {
                id: 7,
                name: "beta",
                status: 1,
                tags: None,
            },
        ]
    }

    fn query(pairs: &[(&str, &str)]) -> Result<ListQuery, ApiError> {
        let pairs: Vec<(String, String)> = pairs
            .iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect();
        parse_query(&pairs, &SPEC)
    }

    fn ids(pairs: &[(&str, &str)]) -> Vec<i64> {
        let q = query(pairs).unwrap_or_else(|e| panic!("query rejected: {e:?}"));
        select(items(), &q).0.iter().map(|i| i.id).collect()
    }

    #[test]
    fn default_sort_is_id() {
        assert_eq!(ids(&[]), vec![1, 2, 5, 7, 9]);
    }

    #[test]
    fn multi_field_sort_with_descending_and_id_ties() {
        assert_eq!(ids(&[("sort", "-status,name")]), vec![2, 7, 1, 9, 5]);
        assert_eq!(ids(&[("sort", "name")]), vec![2, 9, 5, 7, 1]);
        assert_eq!(ids(&[("sort", "-name")]), vec![1, 5, 7, 9, 2]);
    }

    #[test]
    fn nulls_sort_first_ascending() {
        assert_eq!(ids(&[("sort", "tags")]), vec![2, 7, 9, 1, 5]);
    }

    #[test]
    fn bad_sort_is_1302() {
        let error = query(&[("sort", "id,-colour")]).err();
        assert_eq!(error.as_ref().and_then(ApiError::code), Some(1302));
        assert_eq!(
            query(&[("sort", "id,,name")]).err().and_then(|e| e.code()),
            Some(1302)
        );
    }

    #[test]
    fn filters_are_anded() {
        assert_eq!(ids(&[("q", "status:1")]), vec![1, 2, 7]);
        assert_eq!(ids(&[("q", "status:1,name:ALP")]), vec![2]);
        assert_eq!(ids(&[("q", "name:zzz")]), Vec::<i64>::new());
    }

    #[test]
    fn bad_filters_are_1301() {
        for q in [
            "status",
            "colour:red",
            "status:one",
            "status:",
            "name:x,foo",
        ] {
            assert_eq!(
                query(&[("q", q)]).err().and_then(|e| e.code()),
                Some(1301),
                "q={q}"
            );
        }
    }

    #[test]
    fn non_numeric_paging_is_400() {
        assert_eq!(
            query(&[("page", "x")]).err().and_then(|e| e.code()),
            Some(1000)
        );
        assert_eq!(
            query(&[("per_page", "")]).err().and_then(|e| e.code()),
            Some(1000)
        );
    }

    #[test]
    fn clamping() {
        let q = query(&[("per_page", "0"), ("page", "-3")]).unwrap_or_else(|e| panic!("{e:?}"));
        assert_eq!((q.page, q.per_page), (1, 1000));
        let q = query(&[("per_page", "5000")]).unwrap_or_else(|e| panic!("{e:?}"));
        assert_eq!(q.per_page, 1000);
        // Past the end → last page, not an empty array.
        assert_eq!(ids(&[("per_page", "2"), ("page", "99")]), vec![9]);
        let q = query(&[("per_page", "2"), ("page", "99")]).unwrap_or_else(|e| panic!("{e:?}"));
        let (_, info) = select(items(), &q);
        assert_eq!(
            info,
            PageInfo {
                page: 3,
                per_page: 2,
                total_count: 5,
                total_pages: 3
            }
        );
    }

    #[test]
    fn empty_collection() {
        let q = query(&[]).unwrap_or_else(|e| panic!("{e:?}"));
        let (page, info) = select(Vec::<Item>::new(), &q);
        assert!(page.is_empty());
        assert_eq!((info.page, info.total_pages, info.total_count), (1, 0, 0));
    }

    #[test]
    fn headers_and_links() {
        let q = query(&[
            ("per_page", "2"),
            ("page", "2"),
            ("sort", "-name"),
            ("q", "status:1,name:a b"),
        ])
        .unwrap_or_else(|e| panic!("{e:?}"));
        let info = PageInfo {
            page: 2,
            per_page: 2,
            total_count: 5,
            total_pages: 3,
        };
        let h = headers("http://x/api/v1/endpoint", &info, &q);
        let get = |n: &str| {
            h.get(n)
                .and_then(|v| v.to_str().ok())
                .unwrap_or_default()
                .to_owned()
        };
        assert_eq!(get("x-total-count"), "5");
        assert_eq!(get("x-count"), "5");
        assert_eq!(get("x-current-page"), "2");
        assert_eq!(get("x-page"), "2");
        assert_eq!(get("x-sort"), "-name");
        assert_eq!(
            get("link"),
            "<http://x/api/v1/endpoint?page=1&per_page=2&sort=-name&q=status%3A1%2Cname%3Aa%20b>; rel=\"first\", \
             <http://x/api/v1/endpoint?page=1&per_page=2&sort=-name&q=status%3A1%2Cname%3Aa%20b>; rel=\"prev\", \
             <http://x/api/v1/endpoint?page=3&per_page=2&sort=-name&q=status%3A1%2Cname%3Aa%20b>; rel=\"next\", \
             <http://x/api/v1/endpoint?page=3&per_page=2&sort=-name&q=status%3A1%2Cname%3Aa%20b>; rel=\"last\""
        );
        let single = PageInfo {
            page: 1,
            per_page: 1000,
            total_count: 5,
            total_pages: 1,
        };
        let q = query(&[]).unwrap_or_else(|e| panic!("{e:?}"));
        let h = headers("http://x/api/v1/endpoint", &single, &q);
        assert!(h.get("link").is_none());
        assert_eq!(h.get("x-sort").and_then(|v| v.to_str().ok()), Some("id"));
    }
}
