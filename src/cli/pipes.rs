//! Standard input and the other pipes a command line names (`-`, `/dev/stdin`, `<(cmd)`): a
//! pipe gives what it holds once, so two inputs reading one pipe would each get part of it
//! (the first all, the second nothing) and fail far from the cause; standard input given a
//! file (`< rows.csv`) would give both inputs the same text. They are refused before anything
//! is read.

use std::path::{Path, PathBuf};

/// The path a file flag's `-` stands for: standard input, as for a collection named `-`.
pub(super) fn input_path(argument: &str) -> Result<PathBuf, String> {
    Ok(match argument {
        "-" => PathBuf::from("/dev/stdin"),
        _ => PathBuf::from(argument),
    })
}

/// Refuses `inputs` (each its role to the command, e.g. `the data file (--data)`, and its path)
/// when two of them are one pipe. Collections are the exception: one pipe named twice as a
/// collection (`- /dev/stdin`) is read once and runs once.
pub(super) fn read_once<'r, 'p>(
    inputs: impl IntoIterator<Item = (&'r str, &'p Path)>,
) -> Result<(), String> {
    let mut pipes: Vec<(&str, &Path, (u64, u64))> = Vec::new();
    for (role, path) in inputs {
        let Some(identity) = pipe(path) else {
            continue;
        };
        let earlier = pipes.iter().find(|(_, _, known)| *known == identity);
        match earlier {
            Some((first, _, _)) if *first == COLLECTION && role == COLLECTION => {}
            Some((first, first_path, _)) => {
                let what = match pipe(Path::new("-")) == Some(identity) {
                    true => "both standard input, which feeds one input",
                    false => "one pipe, which can be read once",
                };
                return Err(format!(
                    "{first} `{}` and {role} `{}` are {what}: save one of them to a file and name the file",
                    first_path.display(),
                    path.display(),
                ));
            }
            None => pipes.push((role, path, identity)),
        }
    }
    Ok(())
}

/// The collections `paths` names, as [`read_once`] takes them.
pub(super) fn collections(paths: &[PathBuf]) -> impl Iterator<Item = (&'static str, &Path)> {
    paths.iter().map(|path| (COLLECTION, path.as_path()))
}

/// The data file and the vars files a command takes, as [`read_once`] takes them.
pub(super) fn variables<'a>(
    data: Option<&'a PathBuf>,
    vars_files: &'a [PathBuf],
) -> impl Iterator<Item = (&'static str, &'a Path)> {
    let data = data.map(|path| ("the data file (--data)", path.as_path()));
    let files = vars_files
        .iter()
        .map(|path| ("a vars file (--vars-file)", path.as_path()));
    data.into_iter().chain(files)
}

/// The role of a collection named on the command line.
pub(super) const COLLECTION: &str = "the collection";

/// The names of standard input: each input naming it reads what standard input holds,
/// whatever it is (a pipe, a file given with `<`, a terminal).
const STANDARD_INPUT: [&str; 4] = ["-", "/dev/stdin", "/dev/fd/0", "/proc/self/fd/0"];

/// The device and inode of the pipe `path` names (through links: `/dev/stdin`; `-` is standard
/// input), or of standard input when `path` names it, if it names either.
fn pipe(path: &Path) -> Option<(u64, u64)> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::{FileTypeExt, MetadataExt};
        let stdin = STANDARD_INPUT.iter().any(|name| path.as_os_str() == *name);
        let path = match stdin {
            true => Path::new("/dev/stdin"),
            false => path,
        };
        let metadata = std::fs::metadata(path).ok()?;
        (stdin || metadata.file_type().is_fifo()).then(|| (metadata.dev(), metadata.ino()))
    }
    #[cfg(not(unix))]
    {
        let _ = path;
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_dash_is_standard_input_and_any_other_name_itself() {
        assert_eq!(input_path("-"), Ok(PathBuf::from("/dev/stdin")));
        assert_eq!(input_path("--"), Ok(PathBuf::from("--")));
        assert_eq!(input_path("rows.csv"), Ok(PathBuf::from("rows.csv")));
    }

    #[cfg(target_os = "linux")]
    #[test]
    fn one_pipe_read_as_two_inputs_is_refused_and_files_are_not() {
        use std::os::fd::AsRawFd;
        let (reader, _writer) = std::io::pipe().expect("a pipe");
        let named = PathBuf::from(format!("/proc/self/fd/{}", reader.as_raw_fd()));
        let file = std::env::current_exe().expect("the test binary");
        let error = read_once([(COLLECTION, named.as_path()), ("the data file", &named)])
            .expect_err("one pipe, two inputs");
        assert!(
            error.contains("are one pipe, which can be read once"),
            "{error}"
        );
        assert!(error.contains("the data file"), "{error}");
        assert_eq!(
            read_once([(COLLECTION, named.as_path()), (COLLECTION, &named)]),
            Ok(())
        );
        assert_eq!(
            read_once([("the vars file", file.as_path()), ("the data file", &file)]),
            Ok(())
        );
    }
}
