//! `--data FILE`: the rows of a data-driven run, from CSV (a header row, then one row per
//! iteration) or JSON (an array of objects). A name ending in `.csv` or `.json` says which;
//! any other (`/dev/stdin`, `<(cmd)`, `rows.txt`) is read by its text: JSON when it starts
//! (after blanks and a byte order mark) with `[` or `{`, else CSV.

use std::path::Path;
use std::sync::Arc;

use serde_json::{Map, Value};

use super::file_problem::{FileProblem, Input};

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

/// The rows, each given as its column names, grouped by their set of names, each group's
/// rows in order, the groups in the order of their first rows: the checks that look at names
/// only run once for each group, and a problem they find is one of every row in its group.
pub(super) fn column_sets<'r>(
    rows: impl IntoIterator<Item = impl IntoIterator<Item = &'r str>>,
) -> Vec<Vec<usize>> {
    let mut groups: Vec<Vec<usize>> = Vec::new();
    let mut seen: std::collections::HashMap<Vec<&str>, usize> = std::collections::HashMap::new();
    for (i, names) in rows.into_iter().enumerate() {
        let next = groups.len();
        let group = *seen.entry(names.into_iter().collect()).or_insert(next);
        if group == next {
            groups.push(Vec::new());
        }
        groups[group].push(i);
    }
    groups
}

/// A `--data` file as a problem found with some of its rows names them: `row N` of a CSV
/// file (its rows after the header, from 1), `item N` of a JSON one.
pub(super) struct DataFile {
    path: std::path::PathBuf,
    /// What its name says it is, if it says.
    format: Option<Format>,
}

impl DataFile {
    pub(super) fn new(path: &Path) -> DataFile {
        DataFile {
            path: path.to_owned(),
            format: Format::named(path),
        }
    }

    /// Says in `diagnostic`'s message which rows (from 0, in order; not empty) it was found
    /// with: `(with item 2 of data file `rows.json`)`.
    pub(super) fn attribute(
        &self,
        diagnostic: &mut runner::collection::Diagnostic,
        rows: &[usize],
    ) {
        const SHOWN: usize = 5;
        // A name that says neither was read by its text (a pipe cannot be read again).
        let format = self.format.or_else(|| read_as(&self.path));
        let (one, many) = if format == Some(Format::Csv) {
            ("row", "rows")
        } else {
            ("item", "items")
        };
        let numbers: Vec<String> = rows
            .iter()
            .take(SHOWN)
            .map(|row| (row + 1).to_string())
            .collect();
        let which = match (rows.len(), numbers.split_last()) {
            (1, _) => format!("{one} {}", numbers[0]),
            (count, Some((last, before))) if count <= SHOWN => {
                format!("{many} {} and {last}", before.join(", "))
            }
            (count, _) => format!("{many} {} and {} more", numbers.join(", "), count - SHOWN),
        };
        diagnostic.message = format!(
            "{} (with {which} of data file `{}`)",
            diagnostic.message,
            self.path.display()
        );
    }
}

/// How a data file is read.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Format {
    Csv,
    Json,
}

impl Format {
    /// What the name of `path` says: `.csv` or `.json` (in any case), or nothing.
    fn named(path: &Path) -> Option<Format> {
        let ext = path.extension()?;
        if ext.eq_ignore_ascii_case("csv") {
            Some(Format::Csv)
        } else if ext.eq_ignore_ascii_case("json") {
            Some(Format::Json)
        } else {
            None
        }
    }

    /// What `text` (a data file's, its byte order mark removed or not) is: JSON when its
    /// first character after blanks is `[` or `{` (a CSV header starts with a column name),
    /// else CSV.
    fn of_text(text: &str) -> Format {
        match text
            .trim_start_matches(['\u{feff}', ' ', '\t', '\r', '\n'])
            .chars()
            .next()
        {
            Some('[' | '{') => Format::Json,
            _ => Format::Csv,
        }
    }
}

/// How each data file whose name says neither CSV nor JSON was read, by its path: the rows
/// are read once (a pipe cannot be read again), and a problem found with them later says
/// `row` or `item` as the file was read.
static READ_BY_TEXT: std::sync::Mutex<Vec<(std::path::PathBuf, Format)>> =
    std::sync::Mutex::new(Vec::new());

/// How the data file at `path`, whose name says neither, was read, if it was.
fn read_as(path: &Path) -> Option<Format> {
    let read = READ_BY_TEXT.lock().ok()?;
    read.iter()
        .find(|(read, _)| read == path)
        .map(|&(_, format)| format)
}

/// Reads the rows of `path` (by its name, `.csv` or `.json`; else by its text).
pub(super) fn read_rows(path: &Path) -> Result<Vec<Row>, FileProblem> {
    Ok(read_compact_rows(path)?
        .iter()
        .map(|row| {
            row.iter()
                .map(|(name, value)| (name.to_string(), value.clone()))
                .collect()
        })
        .collect())
}

/// Reads the rows of `path` (by its name, `.csv` or `.json`; else by its text), each column's
/// name held once.
pub(super) fn read_compact_rows(path: &Path) -> Result<Vec<CompactRow>, FileProblem> {
    let bytes = runner::spec::file::read(path)
        .map_err(|e| format!("cannot read data file `{}`: {e}", path.display()))?;
    // Excel's "CSV UTF-8" starts with a byte order mark; its plain "CSV" is Windows-1252.
    let text = runner::spec::text::utf8_text(&bytes).map_err(|at| {
        let reason = format!("{} (in Excel: \"CSV UTF-8\")", at.reason());
        FileProblem::at(Input::Data, path, (at.line, at.column), &reason)
    })?;
    let named = Format::named(path);
    let format = named.unwrap_or_else(|| Format::of_text(text));
    if named.is_none() {
        if let Ok(mut read) = READ_BY_TEXT.lock() {
            read.push((path.to_owned(), format));
        }
    }
    let rows = match format {
        Format::Csv => csv_rows(text),
        Format::Json => json_rows(text).map(compact),
    }
    .map_err(|mut problem| {
        // Said when the text chose, so that a file read the wrong way says why.
        if named.is_none() {
            problem.reason.push_str(match format {
                Format::Csv => " (read as CSV: the name ends in neither `.csv` nor `.json`, and the text does not start with `[` or `{`; a JSON data file is an array of objects)",
                Format::Json => " (read as JSON: the name ends in neither `.csv` nor `.json`, and the text starts with `[` or `{`; name the file `*.csv` to read it as CSV)",
            });
        }
        problem
    })
    .map_err(|problem| match problem.at {
        Some((line, column)) => {
            let line = usize::try_from(line).unwrap_or(usize::MAX);
            FileProblem::at(Input::Data, path, (line, column), &problem.reason)
        }
        None => format!("data file `{}`: {}", path.display(), problem.reason).into(),
    })?;
    if rows.is_empty() {
        return Err(format!("data file `{}` has no rows", path.display()).into());
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

/// Why `name` cannot be a variable given to a run (a `--var`, a `--vars-file` key, a CSV
/// column), if it cannot: the one check of every way a run is given variables.
pub(super) fn bad_variable_name(name: &str) -> Option<String> {
    if !runner::collection::is_variable_name(name) {
        return Some(format!(
            "`{name}` is not a variable name (letters, digits, `_`, `-`)"
        ));
    }
    bad_column_name(name).map(|reason| reason.replacen("column `", "`", 1))
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

/// The line and column (from 1; the column in characters) of byte `at` of `text`. Lines break
/// at `\n`, `\r\n` and a lone `\r`, as the csv reader ends its records and the collection
/// loader counts its lines.
fn line_column(text: &str, at: usize) -> (u64, usize) {
    let bytes = text.as_bytes();
    let at = at.min(bytes.len());
    let (mut line, mut start) = (1u64, 0);
    for (i, &byte) in bytes[..at].iter().enumerate() {
        if byte == b'\n' || (byte == b'\r' && bytes.get(i + 1) != Some(&b'\n')) {
            line += 1;
            start = i + 1;
        }
    }
    // Characters are counted by their first bytes: `at` need not fall on one.
    let column = bytes[start..at]
        .iter()
        .filter(|&&b| b & 0xC0 != 0x80)
        .count()
        + 1;
    (line, column)
}

/// The byte where the record the csv reader says starts at byte `at` of `text` starts: the
/// reader ends a record at the `\r` of a `\r\n` and starts the next at its `\n`.
fn record_start(text: &str, at: u64) -> usize {
    let at = usize::try_from(at).unwrap_or(usize::MAX).min(text.len());
    at + text.as_bytes()[at..]
        .iter()
        .take_while(|&&b| b == b'\r' || b == b'\n')
        .count()
}

/// The byte where field `index` of the CSV record starting at byte `record` of `text` starts.
fn field_start(text: &str, record: usize, index: usize) -> usize {
    let bytes = text.as_bytes();
    let mut quoted = false;
    let mut field = 0;
    for (at, &byte) in bytes.iter().enumerate().skip(record) {
        if field == index {
            return at;
        }
        match byte {
            b'"' => quoted = !quoted,
            b',' if !quoted => field += 1,
            _ => {}
        }
    }
    bytes.len()
}

/// How quotes are written wrong in CSV `text`, if they are: a quote that opens a field and is
/// never closed (the csv reader would take every row after it into that field), or text
/// after the quote that closes a field (`"a"b`: a quote meant inside the field, not doubled).
/// A quote inside a field that does not start with one is kept as it is (`5" screen`), as
/// spreadsheets read it.
fn check_quotes(text: &str) -> Result<(), Problem> {
    let bytes = text.as_bytes();
    let mut at = 0;
    let mut field_starts = true;
    while at < bytes.len() {
        if field_starts && bytes[at] == b'"' {
            let open = at;
            at += 1;
            loop {
                let Some(next) = memchr::memchr(b'"', &bytes[at..]) else {
                    let (line, column) = line_column(text, open);
                    return Err(Problem::at(
                        line,
                        column,
                        "this quote opens a field that is never closed (every line after it would be read into that field): close the field with `\"`; a quote inside a quoted field is written twice (`\"5\"\" screen\"`)".to_owned(),
                    ));
                };
                at += next + 1;
                if bytes.get(at) == Some(&b'"') {
                    at += 1;
                } else {
                    break;
                }
            }
            if !matches!(bytes.get(at), None | Some(b',' | b'\n' | b'\r')) {
                let (line, column) = line_column(text, at);
                return Err(Problem::at(
                    line,
                    column,
                    "text after the quote that closes a field: a quote inside a quoted field is written twice (`\"say \"\"hi\"\"\"`), and a field ends at a `,` or the end of the line".to_owned(),
                ));
            }
            field_starts = false;
            continue;
        }
        field_starts = matches!(bytes[at], b',' | b'\n' | b'\r');
        at += 1;
    }
    Ok(())
}

/// A csv reader's error, placed by its byte in `text` and told without the reader's own
/// count of lines (which breaks lines at `\n` only).
fn csv_problem(text: &str, error: &csv::Error) -> Problem {
    let position = match error.kind() {
        csv::ErrorKind::UnequalLengths { pos, .. } => pos.as_ref(),
        _ => error.position(),
    };
    let reason = match error.kind() {
        csv::ErrorKind::UnequalLengths {
            expected_len, len, ..
        } => format!(
            "this row has {len} field{}, the header {expected_len}: every row has one field per column (a `,` inside a field is written in quotes: `\"a,b\"`)",
            if *len == 1 { "" } else { "s" }
        ),
        _ => error.to_string(),
    };
    match position {
        Some(position) => {
            let (line, column) = line_column(text, record_start(text, position.byte()));
            Problem::at(line, column, reason)
        }
        None => Problem::somewhere(reason),
    }
}

fn csv_rows(text: &str) -> Result<Vec<CompactRow>, Problem> {
    check_quotes(text)?;
    let mut reader = csv::ReaderBuilder::new()
        .trim(csv::Trim::Headers)
        .from_reader(text.as_bytes());
    let csv_problem = |e: csv::Error| csv_problem(text, &e);
    // A cell is text; a column headed `name:json` holds JSON (`201`, `true`, `[1, 2]`).
    let header_record = reader.headers().map_err(csv_problem)?;
    let header_start = header_record
        .position()
        .map_or(0, |p| record_start(text, p.byte()));
    let columns: Vec<(String, bool)> = header_record
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
    let header_at = |index: usize| line_column(text, field_start(text, header_start, index));
    // Each name's first column: a header of 200,000 columns is checked in one pass.
    let mut first_of: std::collections::HashMap<&str, usize> = std::collections::HashMap::new();
    for (index, name) in headers.iter().enumerate() {
        if name.contains('=') {
            // `API_TOKEN=sk_live_…`: a dotenv file, whose first line is not shown (it holds a
            // value, maybe a secret).
            let (line, column) = header_at(index);
            return Err(Problem::at(
                line,
                column,
                "the header row holds `NAME=value` (a dotenv file?): a data file's first row names its columns (`id,name`); variables go in a vars file (`--vars-file`, lines `NAME: value`)".to_owned(),
            ));
        }
        if !runner::collection::is_variable_name(name) {
            let (line, column) = header_at(index);
            let hint = match (name.contains(';'), name.contains('\t')) {
                (true, _) => "; runner reads commas between columns, and this header has `;` (save the file as CSV with commas)",
                (_, true) => "; runner reads commas between columns, and this header has tabs (save the file as CSV with commas)",
                _ => "",
            };
            // A long name is told by its number, not cut: a cut name would show the start
            // of a secret the masking (which finds whole secrets) cannot find in it.
            let column_named = match name.chars().count() > 64 {
                true => format!("column {} of the header", index + 1),
                false => format!("column `{name}`"),
            };
            return Err(Problem::at(
                line,
                column,
                format!("{column_named} is not a variable name (letters, digits, `_`, `-`){hint}"),
            ));
        }
        if let Some(reason) = bad_column_name(name) {
            let (line, column) = header_at(index);
            return Err(Problem::at(line, column, reason));
        }
        if let Some(first) = first_of.insert(name.as_str(), index) {
            let (line, column) = header_at(index);
            return Err(Problem::at(
                line,
                column,
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
        let start = record
            .position()
            .map_or(0, |p| record_start(text, p.byte()));
        let row = columns
            .iter()
            .zip(&shared)
            .zip(record.iter())
            .enumerate()
            .map(|(index, (((name, json), shared), value))| {
                let value = if *json {
                    let parsed = serde_json::from_str(value).map_err(|e| {
                        let (line, column) = line_column(text, field_start(text, start, index));
                        Problem::at(
                            line,
                            column,
                            // The cell is not quoted: it may be a secret.
                            format!(
                                "column `{name}:json`: the cell is not JSON ({e}); write JSON (`201`, `true`, `\"text\"`) or head the column `{name}` for text"
                            ),
                        )
                    })?;
                    if inexact_integer(value).is_some() {
                        let (line, column) = line_column(text, field_start(text, start, index));
                        return Err(Problem::at(
                            line,
                            column,
                            format!("column `{name}:json`: {INEXACT}"),
                        ));
                    }
                    parsed
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

/// The offset of the first integer in the JSON `text` that a JSON value here cannot hold
/// exactly (past 64 bits: serde_json makes it a float, and `89882806660000012345`, an ICCID,
/// would be sent as `8.988280666e19`), if any. Strings are skipped; `text` need not be valid.
fn inexact_integer(text: &str) -> Option<usize> {
    let bytes = text.as_bytes();
    let mut at = 0;
    while at < bytes.len() {
        match bytes[at] {
            b'"' => {
                at += 1;
                while at < bytes.len() && bytes[at] != b'"' {
                    at += if bytes[at] == b'\\' { 2 } else { 1 };
                }
                at += 1;
            }
            b'-' | b'0'..=b'9' => {
                let start = at;
                at += 1;
                while at < bytes.len()
                    && matches!(bytes[at], b'0'..=b'9' | b'.' | b'e' | b'E' | b'+' | b'-')
                {
                    at += 1;
                }
                let number = &text[start..at];
                let integer = !number.contains(['.', 'e', 'E']);
                if integer && number.parse::<i64>().is_err() && number.parse::<u64>().is_err() {
                    return Some(start);
                }
            }
            _ => at += 1,
        }
    }
    None
}

/// The problem of an integer that would not be kept exactly.
pub(super) const INEXACT: &str = "this integer is past 64 bits, which runner cannot hold exactly (it would be rounded): write it as text, in quotes";

fn json_rows(text: &str) -> Result<Vec<Row>, Problem> {
    let value: Value = serde_json::from_str(text).map_err(|e| {
        Problem::at(
            u64::try_from(e.line()).unwrap_or(u64::MAX),
            e.column(),
            format!("not JSON: {}", runner::spec::json::error_text(&e)),
        )
    })?;
    if let Some(at) = inexact_integer(text) {
        let (line, column) = line_column(text, at);
        return Err(Problem::at(line, column, INEXACT.to_owned()));
    }
    let Value::Array(items) = value else {
        return Err(Problem::somewhere(
            "expected a JSON array of objects, one per iteration".into(),
        ));
    };
    if let Some(i) = items.iter().position(|item| !item.is_object()) {
        return Err(Problem::somewhere(format!(
            "item {} is not an object",
            i + 1
        )));
    }
    // The keys as written: a parsed object has kept the last of a key written twice, and
    // knows no places.
    for (i, keys) in item_keys(text).into_iter().enumerate() {
        // The keys of this item so far: an item of 100,000 keys is checked in one pass.
        let mut written = std::collections::HashSet::new();
        for (key, at) in &keys {
            let reason = if !runner::collection::is_variable_name(key) {
                Some(format!(
                    "key `{key}` is not a variable name (letters, digits, `_`, `-`)"
                ))
            } else if let Some(reason) = bad_column_name(key) {
                Some(reason.replacen("column", "key", 1))
            } else if !written.insert(key.as_str()) {
                Some(format!(
                    "key `{key}` is written twice in this item: one would hide the other; keep one"
                ))
            } else {
                None
            };
            if let Some(reason) = reason {
                let (line, column) = line_column(text, *at);
                return Err(Problem::at(
                    line,
                    column,
                    format!("item {}: {reason}", i + 1),
                ));
            }
        }
    }
    Ok(items
        .into_iter()
        .filter_map(|item| match item {
            Value::Object(row) => Some(row),
            _ => None,
        })
        .collect())
}

/// The keys of each object of the array `text` (valid JSON: an array of objects), as written
/// (a key written twice, twice), each with the byte its opening quote is at.
fn item_keys(text: &str) -> Vec<Vec<(String, usize)>> {
    let bytes = text.as_bytes();
    let mut items: Vec<Vec<(String, usize)>> = Vec::new();
    // How deep the scan is: 1 inside the array, 2 inside one of its objects.
    let mut depth = 0usize;
    // Whether the next string at depth 2 is a key (after `{` or `,`), not a value.
    let mut key_next = false;
    let mut at = 0;
    while at < bytes.len() {
        match bytes[at] {
            b'"' => {
                let start = at;
                at += 1;
                while at < bytes.len() && bytes[at] != b'"' {
                    at += if bytes[at] == b'\\' { 2 } else { 1 };
                }
                if depth == 2 && key_next {
                    let written = &text[start..=at.min(bytes.len() - 1)];
                    let key = serde_json::from_str::<String>(written)
                        .unwrap_or_else(|_| written.to_owned());
                    if let Some(keys) = items.last_mut() {
                        keys.push((key, start));
                    }
                    key_next = false;
                }
            }
            b'[' | b'{' => {
                depth += 1;
                if depth == 2 {
                    items.push(Vec::new());
                    key_next = true;
                }
            }
            b']' | b'}' => depth = depth.saturating_sub(1),
            b',' if depth == 2 => key_next = true,
            _ => {}
        }
        at += 1;
    }
    items
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
        assert!(reason.contains("the cell is not JSON"), "{reason}");
        // A cell is never quoted (it may be a secret), nor a dotenv file's first line.
        assert!(!reason.contains("[1"), "{reason}");
        let (at, reason) = problem("API_TOKEN=sk_live_abc\nDB_PASSWORD=hunter2\n");
        assert_eq!(at, Some((1, 1)));
        assert!(reason.contains("a dotenv file?"), "{reason}");
        assert!(!reason.contains("sk_live"), "{reason}");
        let (_, reason) = problem("id;name\n1;a\n");
        assert!(reason.contains("has `;`"), "{reason}");
        let (_, reason) = problem("id\tname\n1\ta\n");
        assert!(reason.contains("has tabs"), "{reason}");
        let (at, _) = problem("a,b\n1,2\n1,2,3\n");
        assert_eq!(at.map(|(line, _)| line), Some(3));
    }

    /// An integer past 64 bits, which a JSON value holds as a float (an ICCID,
    /// `89882806660000012345`, sent as `8.988280666e19`), is refused where it is written; in
    /// quotes, or within 64 bits, it is kept.
    #[test]
    fn an_integer_past_64_bits_is_refused_not_rounded() {
        for (text, at) in [
            ("[{\"iccid\": 89882806660000012345}]", Some((1, 12))),
            (
                "[\n {\"a\": \"x\"},\n {\"n\": [1, -9223372036854775809]}\n]",
                Some((3, 12)),
            ),
            ("[{\"n\": 18446744073709551616}]", Some((1, 8))),
            (
                "[{\"iccid\": \"89882806660000012345\", \"e\": \"1\\\" 99999999999999999999\"}]",
                None,
            ),
            (
                "[{\"a\": -9223372036854775808, \"b\": 18446744073709551615, \"c\": 1.5e300}]",
                None,
            ),
        ] {
            match json_rows(text) {
                Ok(_) => assert_eq!(at, None, "{text}"),
                Err(problem) => {
                    assert_eq!(problem.at, at, "{text}");
                    assert!(
                        problem.reason.contains("past 64 bits"),
                        "{}",
                        problem.reason
                    );
                    assert!(!problem.reason.contains("8988"), "{}", problem.reason);
                }
            }
        }
        let problem =
            csv_rows("id,n:json\n1,\"[1, 89882806660000012345]\"\n").expect_err("past 64 bits");
        assert_eq!(problem.at, Some((2, 3)));
        assert!(
            problem
                .reason
                .contains("column `n:json`: this integer is past 64 bits"),
            "{}",
            problem.reason
        );
        let rows = csv_rows("id,n:json\n1,\"\"\"89882806660000012345\"\"\"\n").expect("text");
        assert_eq!(rows[0][1].1, Value::String("89882806660000012345".into()));
    }

    /// The names of a header of 200,000 columns, or an item of as many keys, are each checked
    /// against the others in one pass (comparing each with every earlier one took 40 s).
    #[test]
    fn a_wide_header_or_item_is_checked_in_one_pass() {
        let names: Vec<String> = (0..200_000).map(|i| format!("c{i}")).collect();
        let mut text = names.join(",");
        text.push('\n');
        text.push_str(&vec!["1"; names.len()].join(","));
        text.push_str(",1\n");
        // Past the header, a row with one field more is the problem: every name was checked.
        let problem = csv_rows(&text).expect_err("a row with one field more");
        assert_eq!(problem.at.map(|(line, _)| line), Some(2));
        let mut twice = names.join(",");
        twice.push_str(",c199998\n");
        let problem = csv_rows(&twice).expect_err("a name written twice");
        assert!(
            problem.reason.contains("columns 199999 and 200001"),
            "{}",
            problem.reason
        );
        let item: Vec<String> = names.iter().map(|name| format!("\"{name}\": 1")).collect();
        let json = format!("[{{{}, \"c5\": 2}}]", item.join(", "));
        let problem = json_rows(&json).expect_err("a key written twice");
        assert!(
            problem.reason.contains("`c5` is written twice"),
            "{}",
            problem.reason
        );
    }

    /// Every kind of CSV error, on each row, in a file whose lines break at `\n`, `\r\n` or a
    /// lone `\r`, after a field that spans two lines or not, with a line break at the end or
    /// not: placed at the line and column of the text as an editor shows it.
    #[test]
    fn csv_errors_are_placed_at_the_line_an_editor_shows_whatever_breaks_the_lines() {
        // The bad line, the column of the problem in it, and what the reason says.
        let kinds: [(&str, usize, &str); 5] = [
            ("7,8,9", 1, "this row has 3 fields, the header 2"),
            ("7", 1, "this row has 1 field, the header 2"),
            ("é7,{bad", 4, "the cell is not JSON"),
            ("7,\"[1", 3, "never closed"),
            ("\"é7\"x,1", 5, "text after the quote that closes a field"),
        ];
        let mut checked = 0;
        for line_break in ["\n", "\r\n", "\r"] {
            for (bad, column, says) in kinds {
                for row in 1..=5 {
                    for spanning in [false, true] {
                        for ends_with_break in [false, true] {
                            let mut lines = vec!["id,n:json".to_owned()];
                            lines.extend((1..row).map(|r| format!("{r},{r}")));
                            if spanning {
                                lines.push("\"x".to_owned());
                                lines.push("y\",1".to_owned());
                            }
                            lines.push(bad.to_owned());
                            let line = lines.len() as u64;
                            lines.push("9,9".to_owned());
                            let mut text = lines.join(line_break);
                            if ends_with_break {
                                text.push_str(line_break);
                            }
                            let Err(problem) = csv_rows(&text) else {
                                panic!("accepted {text:?}");
                            };
                            assert_eq!(problem.at, Some((line, column)), "{text:?}");
                            assert!(
                                problem.reason.contains(says),
                                "{text:?}: {}",
                                problem.reason
                            );
                            checked += 1;
                        }
                    }
                }
            }
        }
        assert_eq!(checked, 3 * 5 * 5 * 2 * 2);
    }

    #[test]
    fn an_unclosed_quote_is_an_error_at_the_line_it_opened_on() {
        let Err(problem) = csv_rows("id,name\n1,\"a\n2,b\n") else {
            panic!("rows after an unclosed quote read into its field");
        };
        assert_eq!(problem.at, Some((2, 3)));
        // A quoted field may hold line breaks and doubled quotes; a quote inside a field that
        // does not start with one is kept.
        let rows = maps(csv_rows("id,name\n1,\"a\n\"\"b\"\"\"\n2,5\" screen\n").expect("valid"));
        assert_eq!(rows[0]["name"], "a\n\"b\"");
        assert_eq!(rows[1]["name"], "5\" screen");
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
    fn json_keys_are_checked_as_written_and_placed() {
        let problem = |text: &str| match json_rows(text) {
            Err(problem) => (problem.at, problem.reason),
            Ok(_) => (None, "accepted".to_owned()),
        };
        let (at, reason) = problem("[{\"a\": 1},\n {\"b\": \"x,\\\"c\\\": {\", \"b\": 2}]");
        assert_eq!(at, Some((2, 22)), "{reason}");
        assert!(
            reason.starts_with("item 2: key `b` is written twice"),
            "{reason}"
        );
        // Keys of nested objects are values' business, not the item's.
        assert!(json_rows(r#"[{"a": {"a": 1, "a b": 2}, "b": [{"a": 1}]}]"#).is_ok());
        let (at, reason) = problem(r#"[{"\u0061 b": 1}]"#);
        assert_eq!(at, Some((1, 3)));
        assert!(
            reason.contains("key `a b` is not a variable name"),
            "{reason}"
        );
    }

    #[test]
    fn rows_are_grouped_by_their_column_names() {
        let rows: [&[&str]; 5] = [&["a", "b"], &["a"], &["a", "b"], &["b", "a"], &["a"]];
        let groups = column_sets(rows.iter().map(|names| names.iter().copied()));
        assert_eq!(groups, vec![vec![0, 2], vec![1, 4], vec![3]]);
    }

    #[test]
    fn a_problem_names_the_rows_it_was_found_with() {
        let said = |path: &str, rows: &[usize]| {
            let mut problem =
                runner::collection::Diagnostic::file(Path::new("c.yaml"), "it is wrong");
            DataFile::new(Path::new(path)).attribute(&mut problem, rows);
            problem.message
        };
        assert_eq!(
            said("r.csv", &[1]),
            "it is wrong (with row 2 of data file `r.csv`)"
        );
        assert_eq!(
            said("r.json", &[1, 2, 6]),
            "it is wrong (with items 2, 3 and 7 of data file `r.json`)"
        );
        assert_eq!(
            said("r.json", &[0, 1, 2, 3, 4, 5, 6]),
            "it is wrong (with items 1, 2, 3, 4, 5 and 2 more of data file `r.json`)"
        );
    }

    #[test]
    fn a_name_that_says_neither_is_read_by_its_text() {
        assert_eq!(Format::named(Path::new("r.CSV")), Some(Format::Csv));
        assert_eq!(Format::named(Path::new("r.Json")), Some(Format::Json));
        for neither in ["/dev/stdin", "/dev/fd/63", "rows.txt", "rows"] {
            assert_eq!(Format::named(Path::new(neither)), None, "{neither}");
        }
        for json in ["[]", "{}", "\u{feff} \r\n\t[{\"a\": 1}]"] {
            assert_eq!(Format::of_text(json), Format::Json, "{json:?}");
        }
        for csv in [
            "",
            "a,b\n1,2\n",
            "\u{feff}id\n1",
            "  name\n[x]",
            "\"[a]\",b\n",
        ] {
            assert_eq!(Format::of_text(csv), Format::Csv, "{csv:?}");
        }
        // A problem found later says `row` or `item` as the text chose.
        let dir = tempfile::tempdir().expect("temp dir");
        let path = dir.path().join("rows.txt");
        std::fs::write(&path, "id\n1\n2\n").expect("write");
        assert_eq!(read_compact_rows(&path).expect("csv").len(), 2);
        let mut problem = runner::collection::Diagnostic::file(Path::new("c.yaml"), "wrong");
        DataFile::new(&path).attribute(&mut problem, &[1]);
        assert!(
            problem.message.starts_with("wrong (with row 2 of"),
            "{}",
            problem.message
        );
    }

    #[test]
    fn json_arrays_of_objects_keep_types() {
        let rows = json_rows(r#"[{"n": 1}, {"n": 2, "flag": true}]"#).expect("valid");
        assert_eq!(rows[1]["flag"], true);
        assert!(json_rows("{}").is_err());
        assert!(json_rows("[1]").is_err());
    }
}
