//! For the tests that hold a fast reading to the full loader: the repository's YAML files,
//! and the line-level edits a person makes to one.

/// Every YAML file of the repository's collections and tests, with its path.
pub(super) fn repository_yaml() -> Vec<(std::path::PathBuf, String)> {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut files = Vec::new();
    let mut dirs = vec![root.join("collections"), root.join("tests")];
    while let Some(dir) = dirs.pop() {
        for entry in std::fs::read_dir(&dir).expect("readable").flatten() {
            let path = entry.path();
            if path.is_dir() {
                dirs.push(path);
            } else if path.extension().is_some_and(|e| e == "yaml" || e == "yml") {
                if let Ok(text) = std::fs::read_to_string(&path) {
                    files.push((path, text));
                }
            }
        }
    }
    files
}

/// `source` with one or two line-level edits: a line deleted, duplicated, swapped with
/// another, indented or unindented, a comment, a blank line or a key that reads as a
/// boolean, null or number put in, a tab put after a `- `, or one character put in or taken
/// out.
pub(super) fn edit(rng: &mut fastrand::Rng, source: &str) -> String {
    let mut lines: Vec<String> = source.lines().map(str::to_owned).collect();
    for _ in 0..rng.usize(1..=2) {
        if lines.is_empty() {
            break;
        }
        let at = rng.usize(..lines.len());
        match rng.u8(..12) {
            0 => drop(lines.remove(at)),
            1 => lines.insert(at, lines[at].clone()),
            2 => lines[at].insert_str(0, [" ", "  "][rng.usize(..2)]),
            3 => lines[at] = lines[at].trim_start_matches(' ').to_owned(),
            4 => lines.insert(at, "  # a comment".to_owned()),
            5 => lines.insert(at, String::new()),
            6 => {
                let other = rng.usize(..lines.len());
                lines.swap(at, other);
            }
            7 => lines[at] = lines[at].replacen("- ", "-\t", 1),
            8 => {
                let indent = lines[at].len() - lines[at].trim_start().len();
                let key = ["true", "True", "1", "0x1", "~", "null"][rng.usize(..6)];
                lines.insert(at, format!("{}{key}: x", " ".repeat(indent)));
            }
            _ => {
                let line = &mut lines[at];
                let mut cut = rng.usize(..=line.len());
                while !line.is_char_boundary(cut) {
                    cut -= 1;
                }
                if rng.bool() && cut < line.len() {
                    line.remove(cut);
                } else {
                    const PUT_IN: [char; 20] = [
                        ':', ' ', '#', '-', '\'', '"', '[', ']', '{', '}', '|', '>', '\t', '\\',
                        ',', '&', '*', '!', '?', '%',
                    ];
                    line.insert(cut, PUT_IN[rng.usize(..PUT_IN.len())]);
                }
            }
        }
    }
    lines.join("\n") + "\n"
}
