//! `--data FILE`: the rows of a data-driven run, from CSV (a header row, then one row per
//! iteration) or JSON (an array of objects).

use std::path::Path;
use std::sync::Arc;

use serde_json::{Map, Value};

/// One iteration's variables.
pub(super) type Row = Map<String, Value>;

/// One iteration's variables as `run` holds them: each column's name shared by every row (a
/// map per row of a 100,000-row file held several times the memory of its values).
pub(super) type CompactRow = Box<[(Arc<str>, Value)]>;

/// The positions of the rows, each given as its column names, whose set of names no row
/// before had, in order. The checks before a run look at names, not values, so they run
/// once for each (`run`, `validate` and `export locust` alike): a CSV's rows share one set;
/// a JSON file's objects need not.
pub(super) fn first_of_each_column_set<'r>(
    rows: impl IntoIterator<Item = impl IntoIterator<Item = &'r str>>,
) -> Vec<usize> {
    let mut seen = std::collections::HashSet::new();
    rows.into_iter()
        .enumerate()
        .filter_map(|(i, names)| {
            seen.insert(names.into_iter().collect::<Vec<_>>())
                .then_some(i)
        })
        .collect()
}

/// Reads the rows of `path` (by extension: `.csv`, else JSON).
pub(super) fn read_rows(path: &Path) -> Result<Vec<Row>, String> {
    Ok(read_compact_rows(path)?
        .iter()
        .map(|row| {
            row.iter()
                .map(|(name, value)| (name.to_string(), value.clone()))
                .collect()
        })
        .collect())
}

/// Reads the rows of `path` (by extension: `.csv`, else JSON), each column's name held once.
pub(super) fn read_compact_rows(path: &Path) -> Result<Vec<CompactRow>, String> {
    let bytes = std::fs::read(path)
        .map_err(|e| format!("cannot read data file `{}`: {e}", path.display()))?;
    // Excel's "CSV UTF-8" starts with a byte order mark; its plain "CSV" is Windows-1252.
    let text = runner::spec::text::utf8_text(&bytes)
        .map_err(|at| format!("data file {} (in Excel: \"CSV UTF-8\")", at.in_file(path)))?;
    let is_csv = path
        .extension()
        .is_some_and(|ext| ext.eq_ignore_ascii_case("csv"));
    let rows = if is_csv {
        csv_rows(text)
    } else {
        json_rows(text).map(compact)
    }
    .map_err(|problem| match problem.at {
        Some((line, column)) => format!(
            "data file {}:{line}:{column}: {}",
            path.display(),
            problem.reason
        ),
        None => format!("data file `{}`: {}", path.display(), problem.reason),
    })?;
    if rows.is_empty() {
        return Err(format!("data file `{}` has no rows", path.display()));
    }
    Ok(rows)
}

/// `rows` with each column's name shared.
fn compact(rows: Vec<Row>) -> Vec<CompactRow> {
    let mut names: std::collections::HashMap<String, Arc<str>> = std::collections::HashMap::new();
    rows.into_iter()
        .map(|row| {
            row.into_iter()
                .map(|(name, value)| {
                    let name = names
                        .entry(name)
                        .or_insert_with_key(|name| Arc::from(name.as_str()))
                        .clone();
                    (name, value)
                })
                .collect()
        })
        .collect()
}

/// What is wrong with a data file, and where (line and column, from 1) when known.
#[derive(Debug)]
struct Problem {
    at: Option<(u64, usize)>,
    reason: String,
}

impl Problem {
    fn at(line: u64, column: usize, reason: String) -> Self {
        Problem {
            at: Some((line, column)),
            reason,
        }
    }

    fn somewhere(reason: String) -> Self {
        Problem { at: None, reason }
    }
}

/// Why `name` cannot be a column or key of a data file, if it cannot.
fn bad_column_name(name: &str) -> Option<String> {
    if runner::collection::RESERVED_NAMES.contains(&name) {
        return Some(format!(
            "column `{name}` would hide runner's own `{name}` (`env`, `sandbox` and `steps` are runner's): rename it"
        ));
    }
    None
}

/// The column (in characters, from 1) where field `index` of CSV line `line` starts.
fn field_column(line: &str, index: usize) -> usize {
    let mut quoted = false;
    let mut field = 0;
    for (at, c) in line.char_indices() {
        if field == index {
            return line[..at].chars().count() + 1;
        }
        match c {
            '"' => quoted = !quoted,
            ',' if !quoted => field += 1,
            _ => {}
        }
    }
    line.chars().count() + 1
}

fn csv_rows(text: &str) -> Result<Vec<CompactRow>, Problem> {
    let mut reader = csv::ReaderBuilder::new()
        .trim(csv::Trim::Headers)
        .from_reader(text.as_bytes());
    let line_text = |line: u64| {
        usize::try_from(line.saturating_sub(1))
            .ok()
            .and_then(|n| text.lines().nth(n))
            .unwrap_or_default()
    };
    let csv_problem = |e: csv::Error| match e.position() {
        Some(position) => Problem::at(position.line(), 1, e.to_string()),
        None => Problem::somewhere(e.to_string()),
    };
    // A cell is text; a column headed `name:json` holds JSON (`201`, `true`, `[1, 2]`).
    let columns: Vec<(String, bool)> = reader
        .headers()
        .map_err(csv_problem)?
        .iter()
        .map(|h| match h.strip_suffix(":json") {
            Some(name) => (name.trim_end().to_owned(), true),
            None => (h.to_owned(), false),
        })
        .collect();
    let headers: Vec<&String> = columns.iter().map(|(name, _)| name).collect();
    let shared: Vec<Arc<str>> = headers
        .iter()
        .map(|name| Arc::from(name.as_str()))
        .collect();
    let header_at = |index: usize| field_column(line_text(1), index);
    for (index, name) in headers.iter().enumerate() {
        if !runner::collection::is_variable_name(name) {
            return Err(Problem::at(
                1,
                header_at(index),
                format!("column `{name}` is not a variable name (letters, digits, `_`, `-`)"),
            ));
        }
        if let Some(reason) = bad_column_name(name) {
            return Err(Problem::at(1, header_at(index), reason));
        }
        if let Some(first) = headers[..index].iter().position(|h| h == name) {
            return Err(Problem::at(
                1,
                header_at(index),
                format!(
                    "column `{name}` is named twice (columns {} and {}): one would hide the other; rename one",
                    first + 1,
                    index + 1
                ),
            ));
        }
    }
    let mut record = csv::StringRecord::new();
    let mut rows = Vec::new();
    loop {
        match reader.read_record(&mut record) {
            Ok(true) => {}
            Ok(false) => break,
            Err(e) => return Err(csv_problem(e)),
        }
        let line = record.position().map_or(0, csv::Position::line);
        let row = columns
            .iter()
            .zip(&shared)
            .zip(record.iter())
            .enumerate()
            .map(|(index, (((name, json), shared), value))| {
                let value = if *json {
                    serde_json::from_str(value).map_err(|e| {
                        Problem::at(
                            line,
                            field_column(line_text(line), index),
                            format!("column `{name}:json`: `{value}` is not JSON ({e})"),
                        )
                    })?
                } else {
                    Value::String(value.to_owned())
                };
                Ok((Arc::clone(shared), value))
            })
            .collect::<Result<CompactRow, Problem>>()?;
        rows.push(row);
    }
    Ok(rows)
}

fn json_rows(text: &str) -> Result<Vec<Row>, Problem> {
    let value: Value = serde_json::from_str(text).map_err(|e| {
        Problem::at(
            u64::try_from(e.line()).unwrap_or(u64::MAX),
            e.column(),
            format!("not JSON: {e}"),
        )
    })?;
    let Value::Array(items) = value else {
        return Err(Problem::somewhere(
            "expected a JSON array of objects, one per iteration".into(),
        ));
    };
    items
        .into_iter()
        .enumerate()
        .map(|(i, item)| match item {
            Value::Object(row) => match row.keys().find_map(|key| bad_column_name(key)) {
                Some(reason) => Err(Problem::somewhere(format!(
                    "item {}: {}",
                    i + 1,
                    reason.replacen("column", "key", 1)
                ))),
                None => Ok(row),
            },
            _ => Err(Problem::somewhere(format!(
                "item {} is not an object",
                i + 1
            ))),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn maps(rows: Vec<CompactRow>) -> Vec<Row> {
        rows.iter()
            .map(|row| {
                row.iter()
                    .map(|(n, v)| (n.to_string(), v.clone()))
                    .collect()
            })
            .collect()
    }

    #[test]
    fn the_first_row_of_each_set_of_column_names_is_kept_in_order() {
        let rows: [&[&str]; 6] = [&["a", "b"], &["a", "b"], &["a"], &[], &["a", "b"], &["a"]];
        let found = first_of_each_column_set(rows.iter().map(|names| names.iter().copied()));
        assert_eq!(found, vec![0, 2, 3]);
        // Names are compared in the order the row has them, as a JSON object keeps them.
        let reordered: [&[&str]; 2] = [&["a", "b"], &["b", "a"]];
        let found = first_of_each_column_set(reordered.iter().map(|names| names.iter().copied()));
        assert_eq!(found, vec![0, 1]);
    }

    #[test]
    fn csv_with_a_header_row() {
        let rows = maps(csv_rows("name, id\nalpha,1\n\"b,c\",2\n").expect("valid"));
        assert_eq!(rows.len(), 2);
        assert_eq!(rows[1]["name"], "b,c");
        assert_eq!(rows[1]["id"], "2");
    }

    #[test]
    fn csv_columns_marked_json_are_typed() {
        let rows =
            maps(csv_rows("name,status:json,ids:json\nann,201,\"[1, 2]\"\n").expect("valid"));
        assert_eq!(rows[0]["name"], "ann");
        assert_eq!(rows[0]["status"], 201);
        assert_eq!(rows[0]["ids"], serde_json::json!([1, 2]));
        let Err(error) = csv_rows("n:json\nnot json\n") else {
            panic!("not JSON");
        };
        assert_eq!(error.at, Some((2, 1)));
        assert!(error.reason.contains("column `n:json`"), "{}", error.reason);
    }

    #[test]
    fn csv_problems_say_where_they_are() {
        let problem = |text: &str| match csv_rows(text) {
            Err(problem) => (problem.at, problem.reason),
            Ok(_) => (None, "accepted".to_owned()),
        };
        let (at, reason) = problem("id,name,id\n1,a,2\n");
        assert_eq!(at, Some((1, 9)));
        assert!(reason.contains("named twice (columns 1 and 3)"), "{reason}");
        let (at, reason) = problem("id,\"steps\"\n1,a\n");
        assert_eq!(at, Some((1, 4)));
        assert!(
            reason.contains("would hide runner's own `steps`"),
            "{reason}"
        );
        let (at, reason) = problem("id,n:json\n1,2\n\"2,2\",[1\n");
        assert_eq!(at, Some((3, 7)));
        assert!(reason.contains("`[1` is not JSON"), "{reason}");
        let (at, _) = problem("a,b\n1,2\n1,2,3\n");
        assert_eq!(at.map(|(line, _)| line), Some(3));
    }

    #[test]
    fn json_rows_may_not_hide_runner_s_own_names() {
        let Err(problem) = json_rows(r#"[{"id": 1}, {"env": {"A": 1}}]"#) else {
            panic!("accepted");
        };
        assert!(
            problem.reason.starts_with("item 2: key `env` would hide"),
            "{}",
            problem.reason
        );
        let Err(problem) = json_rows("[{\"id\": 1},\n  {\"id\" 2}]") else {
            panic!("accepted");
        };
        assert_eq!(problem.at, Some((2, 9)));
    }

    #[test]
    fn json_arrays_of_objects_keep_types() {
        let rows = json_rows(r#"[{"n": 1}, {"n": 2, "flag": true}]"#).expect("valid");
        assert_eq!(rows[1]["flag"], true);
        assert!(json_rows("{}").is_err());
        assert!(json_rows("[1]").is_err());
    }
}
