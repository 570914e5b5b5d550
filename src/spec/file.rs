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
    let kind = std::fs::metadata(path)?.file_type();
    if kind.is_file() {
        return std::fs::read(path);
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

/// [`read`], as UTF-8 text.
pub fn read_to_string(path: &Path) -> io::Result<String> {
    String::from_utf8(read(path)?).map_err(|_| {
        io::Error::new(
            io::ErrorKind::InvalidData,
            "stream did not contain valid UTF-8",
        )
    })
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
