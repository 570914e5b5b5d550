//! Reading a file a user names (a collection, a schema, a data or vars file, a certificate).
//! A regular file is read whole. What is not one is read only so far: a pipe (`<(cmd)`,
//! `/dev/stdin`) or `/dev/null` are fine, but a device that never ends (`/dev/zero`) would
//! fill runner's memory, so reading stops at [`MOST_STREAMED`] bytes with an error.

use std::io::{self, Read};
use std::path::Path;

/// The most bytes read from what is not a regular file (a pipe, a device).
pub const MOST_STREAMED: u64 = 256 << 20;

/// The whole of the file at `path` (a link is followed); an error naming what it is when it
/// is a directory or a socket, or a stream past [`MOST_STREAMED`].
pub fn read(path: &Path) -> io::Result<Vec<u8>> {
    let metadata = std::fs::metadata(path)?;
    let kind = metadata.file_type();
    if kind.is_file() {
        let bytes = std::fs::read(path)?;
        note_read(path, &metadata);
        return Ok(bytes);
    }
    if kind.is_dir() {
        return Err(refused("a directory"));
    }
    use std::os::unix::fs::FileTypeExt;
    if kind.is_socket() {
        return Err(refused("a socket"));
    }
    let mut bytes = Vec::new();
    std::fs::File::open(path)?
        .take(MOST_STREAMED + 1)
        .read_to_end(&mut bytes)?;
    if bytes.len() as u64 > MOST_STREAMED {
        return Err(io::Error::new(
            io::ErrorKind::InvalidData,
            format!(
                "it is not a regular file and gave more than {} MiB (a device that never ends, such as /dev/zero?): name a regular file",
                MOST_STREAMED >> 20
            ),
        ));
    }
    Ok(bytes)
}

/// The folder the relative paths written in the file at `path` (an `include`, a `body_file`, a
/// schema) are resolved against: the file's own, but the working directory for a stream given
/// by a name of the system's (`/dev/stdin`, `-`, `<(cmd)` as `/dev/fd/63`, `/proc/self/fd/0`),
/// whose folder holds nothing of the user's.
pub fn folder_of(path: &Path) -> &Path {
    match path.parent() {
        Some(folder) if !is_system_stream(path) => folder,
        _ => Path::new("."),
    }
}

/// Whether `path` is a stream by a name of the system's (`/dev/stdin`, `/dev/fd/63`,
/// `/proc/self/fd/0`): no file of the user's, and no folder of the user's to keep files in.
pub fn is_system_stream(path: &Path) -> bool {
    (path.starts_with("/dev") || path.starts_with("/proc"))
        && std::fs::metadata(path).is_ok_and(|meta| !meta.is_file() && !meta.is_dir())
}

/// [`read`], as UTF-8 text.
pub fn read_to_string(path: &Path) -> io::Result<String> {
    String::from_utf8(read(path)?).map_err(|_| {
        io::Error::new(
            io::ErrorKind::InvalidData,
            "stream did not contain valid UTF-8",
        )
    })
}

/// The regular files this process has read through [`read`] (its device and inode, and the
/// path it was read by): a command that writes a file checks it is none of them, even when
/// what read them stopped on a problem (a report written for a collection that did not
/// load must not replace the file it includes).
static READ: std::sync::LazyLock<
    std::sync::Mutex<std::collections::HashMap<(u64, u64), std::path::PathBuf>>,
> = std::sync::LazyLock::new(Default::default);

fn note_read(path: &Path, metadata: &std::fs::Metadata) {
    use std::os::unix::fs::MetadataExt;
    if let Ok(mut read) = READ.lock() {
        read.entry((metadata.dev(), metadata.ino()))
            .or_insert_with(|| path.to_owned());
    }
}

/// The path by which this process read the regular file with this device and inode through
/// [`read`], if it did.
pub fn read_as(device: u64, inode: u64) -> Option<std::path::PathBuf> {
    READ.lock().ok()?.get(&(device, inode)).cloned()
}

fn refused(what: &str) -> io::Error {
    io::Error::new(
        io::ErrorKind::InvalidInput,
        format!("it is {what}, not a file: name a regular file"),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_stream_is_read_so_far_and_a_directory_not_at_all() {
        let error = read(Path::new("/dev/zero")).expect_err("never ends");
        assert!(error.to_string().contains("more than 256 MiB"), "{error}");
        assert_eq!(read(Path::new("/dev/null")).expect("empty"), b"");
        let error = read_to_string(Path::new("/")).expect_err("a directory");
        assert!(error.to_string().contains("a directory"), "{error}");
        assert!(read(Path::new("Cargo.toml")).is_ok());
    }
}
