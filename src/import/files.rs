//! The files an imported request reads (a body's, a form part's): where the collection names
//! them, as runner reads them relative to the collection's own directory.

use super::Paths;
use crate::postman::Report;

/// The tool a request was written for, which reads a relative path from its working
/// directory.
#[derive(Debug, Clone, Copy)]
pub(super) enum Tool {
    Newman,
    Curl,
}

impl Tool {
    fn name(self) -> &'static str {
        match self {
            Tool::Newman => "Newman",
            Tool::Curl => "curl",
        }
    }

    /// Where an absolute path comes from.
    fn machine(self) -> &'static str {
        match self {
            Tool::Newman => "the machine that exported the collection",
            Tool::Curl => "the machine the command was written for",
        }
    }
}

/// The path to write for a file an imported request reads (`src`): an absolute one as it is
/// (noted: it is on the machine the request was written on); a relative one, which `tool`
/// (Newman, curl: [`Tool`]) reads from its working directory and runner from the collection's
/// directory, rebased from the working directory to the output's directory (noted), when
/// [`Paths`] are known. A file that does not exist is reported: the collection does not
/// validate until it does.
pub(super) fn rebased(
    src: &str,
    paths: Option<&Paths>,
    tool: Tool,
    (item, field): (&str, &str),
    report: &mut Report,
) -> String {
    let absolute = src.starts_with('/')
        || src.starts_with('\\')
        || matches!(src.as_bytes(), [letter, b':', b'\\' | b'/', ..] if letter.is_ascii_alphabetic());
    if absolute {
        report.note(
            item,
            field,
            format!(
                "`{src}` is an absolute path on {}: runner reads files relative to the collection",
                tool.machine()
            ),
        );
    }
    let Some(paths) = paths else {
        return src.to_owned();
    };
    if crate::template::holds_braces(src) {
        return src.to_owned();
    }
    let source = normalize(&paths.working_dir.join(src));
    let written = match (&paths.output_dir, absolute) {
        (Some(dir), false) => {
            let dir = paths.working_dir.join(dir);
            let dir = std::fs::canonicalize(&dir).unwrap_or_else(|_| normalize(&dir));
            relative(&dir, &source)
        }
        _ => src.to_owned(),
    };
    if !source.exists() {
        let (place, there) = if absolute {
            (String::new(), "there".to_owned())
        } else {
            (
                format!(" in the working directory, where {} reads it", tool.name()),
                format!("at `{written}` (relative to the collection's directory)"),
            )
        };
        report.lossy(
            item,
            field,
            format!(
                "the file `{src}` does not exist{place}: runner reads it when the collection \
                 loads, so `runner validate` refuses the collection until it is {there}"
            ),
        );
    } else if written != src {
        report.note(
            item,
            field,
            format!(
                "the file `{src}` (relative to the working directory, where {} reads it) is \
                 written `{written}`, relative to the collection's directory, where runner reads \
                 it",
                tool.name()
            ),
        );
    }
    written
}

/// `path` without its `.` components, and each `..` taking the component before it away.
fn normalize(path: &std::path::Path) -> std::path::PathBuf {
    use std::path::Component;
    let mut out = std::path::PathBuf::new();
    for component in path.components() {
        match component {
            Component::CurDir => {}
            Component::ParentDir => {
                if matches!(out.components().next_back(), Some(Component::Normal(_))) {
                    out.pop();
                } else if !out.has_root() {
                    out.push("..");
                }
            }
            other => out.push(other),
        }
    }
    out
}

/// The path from the directory `from` to `to` (both absolute and normalized), with `/`
/// between its parts; `to` itself when they share no more than the root.
fn relative(from: &std::path::Path, to: &std::path::Path) -> String {
    let common = from
        .components()
        .zip(to.components())
        .take_while(|(a, b)| a == b)
        .count();
    if common <= 1 {
        return to.display().to_string();
    }
    let mut parts: Vec<String> = from
        .components()
        .skip(common)
        .map(|_| "..".into())
        .collect();
    parts.extend(
        to.components()
            .skip(common)
            .map(|c| c.as_os_str().to_string_lossy().into_owned()),
    );
    parts.join("/")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_relative_path_is_rebased_lexically() {
        use std::path::Path;
        assert_eq!(
            normalize(Path::new("/w/./a/../b/c.json")),
            Path::new("/w/b/c.json")
        );
        assert_eq!(normalize(Path::new("/../x")), Path::new("/x"));
        assert_eq!(
            relative(Path::new("/w/sub"), Path::new("/w/test.json")),
            "../test.json"
        );
        assert_eq!(
            relative(Path::new("/w"), Path::new("/w/files/a.pdf")),
            "files/a.pdf"
        );
        assert_eq!(
            relative(Path::new("/w/a/b"), Path::new("/w/c/d.bin")),
            "../../c/d.bin"
        );
        assert_eq!(relative(Path::new("/tmp/o"), Path::new("/w/e")), "/w/e");
    }
}
