//! `--data FILE`: the rows of a data-driven run, from CSV (a header row, then one row per
//! iteration) or JSON (an array of objects).

use std::path::Path;

use serde_json::{Map, Value};

/// One iteration's variables.
pub(super) type Row = Map<String, Value>;

/// Reads the rows of `path` (by extension: `.csv`, else JSON).
pub(super) fn read_rows(path: &Path) -> Result<Vec<Row>, String> {
    let text = std::fs::read_to_string(path)
        .map_err(|e| format!("cannot read data file `{}`: {e}", path.display()))?;
    let is_csv = path
        .extension()
        .is_some_and(|ext| ext.eq_ignore_ascii_case("csv"));
    let rows = if is_csv {
        csv_rows(&text)
    } else {
        json_rows(&text)
    }
    .map_err(|reason| format!("data file `{}`: {reason}", path.display()))?;
    if rows.is_empty() {
        return Err(format!("data file `{}` has no rows", path.display()));
    }
    Ok(rows)
}

fn csv_rows(text: &str) -> Result<Vec<Row>, String> {
    let mut reader = csv::ReaderBuilder::new()
        .trim(csv::Trim::Headers)
        .from_reader(text.as_bytes());
    let headers: Vec<String> = reader
        .headers()
        .map_err(|e| e.to_string())?
        .iter()
        .map(str::to_owned)
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
            Ok(headers
                .iter()
                .zip(record.iter())
                .map(|(name, value)| (name.clone(), Value::String(value.to_owned())))
                .collect())
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

    #[test]
    fn csv_with_a_header_row() {
        let rows = csv_rows("name, id\nalpha,1\n\"b,c\",2\n").expect("valid");
        assert_eq!(rows.len(), 2);
        assert_eq!(rows[1]["name"], "b,c");
        assert_eq!(rows[1]["id"], "2");
    }

    #[test]
    fn json_arrays_of_objects_keep_types() {
        let rows = json_rows(r#"[{"n": 1}, {"n": 2, "flag": true}]"#).expect("valid");
        assert_eq!(rows[1]["flag"], true);
        assert!(json_rows("{}").is_err());
        assert!(json_rows("[1]").is_err());
    }
}
