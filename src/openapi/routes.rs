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

/// A path's segments, without the empty ones a trailing `/` makes.
pub fn split(path: &str) -> impl Iterator<Item = &str> {
    path.trim_start_matches('/')
        .trim_end_matches('/')
        .split('/')
        .filter(|s| !s.is_empty())
}

/// The path part of a server URL (`https://api.example.com/v1` → `/v1`), its variables
/// replaced by their defaults.
pub fn base_path(url: &str, variables: Option<&serde_json::Value>) -> String {
    let mut url = url.to_owned();
    if let Some(serde_json::Value::Object(variables)) = variables {
        for (name, variable) in variables {
            let default = variable
                .get("default")
                .and_then(serde_json::Value::as_str)
                .unwrap_or_default();
            url = url.replace(&format!("{{{name}}}"), default);
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
    fn server_urls_give_their_base_path() {
        assert_eq!(base_path("http://petstore.swagger.io/v1", None), "/v1");
        assert_eq!(base_path("https://api.example.com", None), "");
        assert_eq!(base_path("/api/", None), "/api");
        let variables = serde_json::json!({ "version": { "default": "v2" } });
        assert_eq!(
            base_path("https://{host}/api/{version}", Some(&variables)),
            "/api/v2"
        );
    }
}
