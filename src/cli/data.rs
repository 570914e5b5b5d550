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
    .map_err(|reason| format!("data file `{}`: {reason}", path.display()))?;
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

fn csv_rows(text: &str) -> Result<Vec<CompactRow>, String> {
    let mut reader = csv::ReaderBuilder::new()
        .trim(csv::Trim::Headers)
        .from_reader(text.as_bytes());
    // A cell is text; a column headed `name:json` holds JSON (`201`, `true`, `[1, 2]`).
    let columns: Vec<(String, bool)> = reader
        .headers()
        .map_err(|e| e.to_string())?
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
    if let Some(bad) = headers
        .iter()
        .find(|h| !runner::collection::is_variable_name(h))
    {
        return Err(format!(
            "column `{bad}` is not a variable name (letters, digits, `_`, `-`)"
        ));
    }
    reader
        .records()
        .enumerate()
        .map(|(i, record)| {
            let record = record.map_err(|e| format!("row {}: {e}", i + 2))?;
            columns
                .iter()
                .zip(&shared)
                .zip(record.iter())
                .map(|(((name, json), shared), value)| {
                    let value = if *json {
                        serde_json::from_str(value).map_err(|e| {
                            format!(
                                "row {}, column `{name}:json`: `{value}` is not JSON ({e})",
                                i + 2
                            )
                        })?
                    } else {
                        Value::String(value.to_owned())
                    };
                    Ok((Arc::clone(shared), value))
                })
                .collect()
        })
        .collect()
}

fn json_rows(text: &str) -> Result<Vec<Row>, String> {
    let value: Value = serde_json::from_str(text).map_err(|e| format!("not JSON: {e}"))?;
    let Value::Array(items) = value else {
        return Err("expected a JSON array of objects, one per iteration".into());
    };
    items
        .into_iter()
        .enumerate()
        .map(|(i, item)| match item {
            Value::Object(row) => Ok(row),
            _ => Err(format!("item {} is not an object", i + 1)),
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
        let error = csv_rows("n:json\nnot json\n").expect_err("not JSON");
        assert!(error.contains("row 2, column `n:json`"), "{error}");
    }

    #[test]
    fn json_arrays_of_objects_keep_types() {
        let rows = json_rows(r#"[{"n": 1}, {"n": 2, "flag": true}]"#).expect("valid");
        assert_eq!(rows[1]["flag"], true);
        assert!(json_rows("{}").is_err());
        assert!(json_rows("[1]").is_err());
    }
}
