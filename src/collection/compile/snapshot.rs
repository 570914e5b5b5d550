//! Compiles `expect.snapshot` (a step's or `defaults.expect`'s): the ignored JSONPaths and the
//! headers kept.

use super::Compiler;
use crate::check::snapshot::SnapshotExpectation;
use crate::collection::locate::FieldPath;
use crate::spec::snapshot::SnapshotSpec;

impl Compiler<'_> {
    /// Compiles a snapshot expectation at `field`; `None` for `snapshot: false`.
    pub(super) fn snapshot(
        &mut self,
        spec: &SnapshotSpec,
        field: &FieldPath,
    ) -> Option<SnapshotExpectation> {
        if matches!(spec, SnapshotSpec::Enabled(false)) {
            return None;
        }
        // The collection run (the first of the files being compiled), not an included file:
        // its snapshots are kept in a folder beside it, which a pipe does not have.
        if let Some(root) = self
            .include_stack
            .first()
            .filter(|root| crate::spec::file::is_system_stream(root))
        {
            let root = root.display().to_string();
            self.problem_with_hint(
                field,
                format!("`snapshot` needs a collection file: snapshots are kept in a `__snapshots__` folder beside the collection, and this one is read from `{root}`, a pipe"),
                "save the collection to a file and run that file",
            );
            return None;
        }
        match spec {
            SnapshotSpec::Enabled(false) => None,
            SnapshotSpec::Enabled(true) => Some(SnapshotExpectation::default()),
            SnapshotSpec::Options(options) => {
                let ignore = options
                    .ignore
                    .iter()
                    .enumerate()
                    .filter_map(|(index, path)| {
                        self.jsonpath(path, &field.key("ignore").index(index))
                    })
                    .collect();
                let mut headers: Vec<String> = options
                    .headers
                    .iter()
                    .map(|name| name.to_ascii_lowercase())
                    .collect();
                headers.dedup();
                Some(SnapshotExpectation { ignore, headers })
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::testing::{compiled, problems};

    #[test]
    fn a_snapshot_compiles_and_defaults_apply_unless_a_step_opts_out() {
        let collection = compiled(
            r#"
name: t
defaults:
  expect: { snapshot: { ignore: [$.id], headers: [Content-Type] } }
steps:
  - name: a
    request: { url: "http://127.0.0.1:1/" }
  - name: b
    request: { url: "http://127.0.0.1:1/" }
    expect: { snapshot: false }
  - name: c
    request: { url: "http://127.0.0.1:1/" }
    expect: { snapshot: true }
"#,
        );
        let snapshot = |index: usize| {
            collection.steps[index]
                .request_step()
                .and_then(|r| r.expect.more().snapshot.clone())
        };
        let a = snapshot(0).expect("from defaults");
        assert_eq!(a.ignore.len(), 1);
        assert_eq!(a.headers, ["content-type"]);
        assert!(snapshot(1).is_none());
        assert!(snapshot(2).expect("its own").ignore.is_empty());
    }

    #[test]
    fn a_bad_ignore_path_is_located() {
        let found = problems(
            r#"
name: t
steps:
  - name: a
    request: { url: "http://127.0.0.1:1/" }
    expect: { snapshot: { ignore: ["$.ok", "$["] } }
"#,
        );
        assert_eq!(found.len(), 1, "{found:?}");
        assert!(found[0].contains("expect.snapshot.ignore[1]"), "{found:?}");
    }
}
