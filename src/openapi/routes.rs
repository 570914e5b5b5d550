//! Finding the operation a request was for: its method and its URL's path against the
//! document's path templates, after any server base path.

/// One path template, split into segments.
#[derive(Debug, Clone)]
pub struct Template {
    /// As written, e.g. `/pets/{petId}`.
    pub text: String,
    segments: Vec<Part>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
enum Part {
    Literal(String),
    /// `{name}`, or text around one (`{id}.json`): matched by a pattern.
    Pattern(String, String),
    Parameter,
}

impl Template {
    /// Splits `text`.
    pub fn new(text: &str) -> Self {
        let segments = split(text)
            .map(|segment| {
                if segment.starts_with('{')
                    && segment.ends_with('}')
                    && segment.matches('{').count() == 1
                {
                    Part::Parameter
                } else if let (Some(open), Some(close)) = (segment.find('{'), segment.rfind('}')) {
                    Part::Pattern(segment[..open].to_owned(), segment[close + 1..].to_owned())
                } else {
                    Part::Literal(segment.to_owned())
                }
            })
            .collect();
        Template {
            text: text.to_owned(),
            segments,
        }
    }

    /// How well `path`'s segments fit: `None` when they do not, else the number of literal
    /// segments (more literal is a better fit: `/pets/mine` before `/pets/{id}`).
    pub fn fits(&self, path: &[&str]) -> Option<usize> {
        if path.len() != self.segments.len() {
            return None;
        }
        let mut literal = 0;
        for (part, segment) in self.segments.iter().zip(path) {
            match part {
                Part::Literal(text) if text == segment => literal += 1,
                Part::Literal(_) => return None,
                Part::Parameter if !segment.is_empty() => {}
                Part::Parameter => return None,
                Part::Pattern(before, after)
                    if segment.len() > before.len() + after.len()
                        && segment.starts_with(before.as_str())
                        && segment.ends_with(after.as_str()) => {}
                Part::Pattern(..) => return None,
            }
        }
        Some(literal)
    }

    /// Its first segment, when that is literal text.
    fn first_literal(&self) -> Option<&str> {
        match self.segments.first() {
            Some(Part::Literal(text)) => Some(text),
            _ => None,
        }
    }

    /// A distance from `path` for "did you mean" hints: differing segments, weighted by
    /// how different they are.
    pub fn distance(&self, path: &[&str]) -> usize {
        let mut cost = self.segments.len().abs_diff(path.len()) * 4;
        for (part, segment) in self.segments.iter().zip(path) {
            cost += match part {
                Part::Literal(text) => crate::spec::text::edit_distance(text, segment).min(4),
                Part::Parameter | Part::Pattern(..) => 0,
            };
        }
        cost
    }
}

/// The templates by shape, so that a path is tried only against those it may fit: the same
/// number of segments, and the same first segment when the template's is literal. A document
/// of 4,000 operations would otherwise try every one of them for every response.
#[derive(Debug, Default)]
pub struct Routes {
    /// By number of segments.
    by_length: Vec<Shape>,
}

/// The templates of one length. Each list in the templates' order.
#[derive(Debug, Default)]
struct Shape {
    /// Those whose first segment is literal, by that text.
    by_first: std::collections::HashMap<String, Vec<usize>>,
    /// The others.
    others: Vec<usize>,
}

impl Routes {
    /// The index of `templates`, each known by its position.
    pub fn new<'t>(templates: impl IntoIterator<Item = &'t Template>) -> Routes {
        let mut routes = Routes::default();
        for (index, template) in templates.into_iter().enumerate() {
            let length = template.segments.len();
            if routes.by_length.len() <= length {
                routes.by_length.resize_with(length + 1, Default::default);
            }
            let Some(shape) = routes.by_length.get_mut(length) else {
                continue;
            };
            match template.first_literal() {
                Some(first) => shape
                    .by_first
                    .entry(first.to_owned())
                    .or_default()
                    .push(index),
                None => shape.others.push(index),
            }
        }
        routes
    }

    /// The positions of the templates `path` (its segments) may fit, in the templates' order.
    pub fn candidates<'a>(&'a self, path: &[&str]) -> impl Iterator<Item = usize> + 'a {
        let (literal, others) = match self.by_length.get(path.len()) {
            Some(Shape { by_first, others }) => (
                path.first()
                    .and_then(|first| by_first.get(*first))
                    .map_or(&[][..], Vec::as_slice),
                others.as_slice(),
            ),
            None => (&[][..], &[][..]),
        };
        // Both lists are in order: merged, the first fit among equals stays the first.
        let (mut a, mut b) = (
            literal.iter().copied().peekable(),
            others.iter().copied().peekable(),
        );
        std::iter::from_fn(move || match (a.peek(), b.peek()) {
            (Some(x), Some(y)) if x < y => a.next(),
            (_, Some(_)) => b.next(),
            (Some(_), None) => a.next(),
            (None, None) => None,
        })
    }
}

/// A path's segments, without the empty ones a trailing `/` makes.
pub fn split(path: &str) -> impl Iterator<Item = &str> {
    path.trim_start_matches('/')
        .trim_end_matches('/')
        .split('/')
        .filter(|s| !s.is_empty())
}

/// The path part of a server URL (`https://api.example.com/v1` → `/v1`), its variables
/// replaced by their defaults (else their first enum value, as `runner import openapi`
/// writes them; a number as its text).
pub fn base_path(url: &str, variables: Option<&serde_json::Value>) -> String {
    let mut url = url.to_owned();
    if let Some(serde_json::Value::Object(variables)) = variables {
        for (name, variable) in variables {
            let value = variable
                .get("default")
                .or_else(|| variable.get("enum")?.as_array()?.first())
                .map(|value| match value {
                    serde_json::Value::String(text) => text.clone(),
                    other => other.to_string(),
                })
                .unwrap_or_default();
            url = url.replace(&format!("{{{name}}}"), &value);
        }
    }
    let path = match url.split_once("://") {
        Some((_, rest)) => rest.find('/').map_or("", |i| &rest[i..]),
        None => url.as_str(),
    };
    let path = path.split(['?', '#']).next().unwrap_or_default();
    path.trim_end_matches('/').to_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn literal_segments_win_and_parameters_need_a_value() {
        let path: Vec<&str> = split("/pets/mine").collect();
        assert_eq!(Template::new("/pets/mine").fits(&path), Some(2));
        assert_eq!(Template::new("/pets/{id}").fits(&path), Some(1));
        assert_eq!(Template::new("/pets").fits(&path), None);
        let report: Vec<&str> = split("/reports/7.json").collect();
        assert_eq!(Template::new("/reports/{id}.json").fits(&report), Some(1));
        assert_eq!(Template::new("/reports/{id}.xml").fits(&report), None);
    }

    #[test]
    fn the_index_offers_exactly_the_templates_a_path_fits_in_order() {
        // Seeded generator: templates and paths over a few literals, parameters and
        // patterns, of 0 to 4 segments; every template a path fits must be a candidate, in
        // order, and no candidate may have another length.
        let mut rng = fastrand::Rng::with_seed(4000);
        let mut next = move |bound: u64| rng.usize(..bound as usize);
        let words = ["pets", "users", "v1", "mine", "7", "7.json"];
        let parts = ["pets", "users", "v1", "mine", "{id}", "{id}.json", "x{id}"];
        for _ in 0..200 {
            let templates: Vec<Template> = (0..next(30))
                .map(|_| {
                    let length = next(5);
                    let text: String = (0..length)
                        .map(|_| format!("/{}", parts[next(parts.len() as u64)]))
                        .collect();
                    Template::new(&text)
                })
                .collect();
            let routes = Routes::new(&templates);
            for _ in 0..20 {
                let length = next(5);
                let path: Vec<&str> = (0..length)
                    .map(|_| words[next(words.len() as u64)])
                    .collect();
                let fitting: Vec<usize> = (0..templates.len())
                    .filter(|&i| templates[i].fits(&path).is_some())
                    .collect();
                let candidates: Vec<usize> = routes.candidates(&path).collect();
                let offered: Vec<usize> = candidates
                    .iter()
                    .copied()
                    .filter(|&i| templates[i].fits(&path).is_some())
                    .collect();
                assert_eq!(offered, fitting, "{path:?}");
                assert!(candidates.windows(2).all(|w| w[0] < w[1]), "{candidates:?}");
                assert!(candidates
                    .iter()
                    .all(|&i| templates[i].segments.len() == length));
            }
        }
    }

    #[test]
    fn server_urls_give_their_base_path() {
        assert_eq!(base_path("http://petstore.swagger.io/v1", None), "/v1");
        assert_eq!(base_path("https://api.example.com", None), "");
        assert_eq!(base_path("/api/", None), "/api");
        let variables = serde_json::json!({ "version": { "default": "v2" } });
        assert_eq!(
            base_path("https://{host}/api/{version}", Some(&variables)),
            "/api/v2"
        );
        let variables =
            serde_json::json!({ "version": { "enum": ["v3", "v4"] }, "n": { "default": 2 } });
        assert_eq!(
            base_path("https://host/api/{version}/{n}", Some(&variables)),
            "/api/v3/2"
        );
    }
}
