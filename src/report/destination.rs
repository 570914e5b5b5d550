//! Where a report (or the cookie jar, or the `--curl` script) is written, without clobbering:
//! a symlink is followed to its target, a file that is not a regular file (`/dev/stdout`, a
//! FIFO) is written directly, and a regular file is replaced atomically through a temporary
//! file created exclusively beside it (a planted symlink cannot redirect the write).

use std::fs::{File, OpenOptions};
use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};

use super::ReportError;

/// How many symlinks are followed before giving up (as the kernel's `ELOOP`).
const MAX_LINKS: usize = 40;

/// How many temporary names are tried before giving up.
const TEMPORARY_TRIES: usize = 16;

/// Where the bytes of a report go.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Destination {
    /// A regular file (existing or not), replaced atomically: the symlinks are resolved.
    File(PathBuf),
    /// An existing file that is not a regular file (a terminal, a pipe, a device), written
    /// in place.
    Special(PathBuf),
}

impl Destination {
    /// Where writing `path` goes, symlinks followed. A directory, or a symlink loop, is an
    /// error. A path through `/dev` or `/proc` (`/dev/stdout` is a link to
    /// `/proc/self/fd/1`, whose "target" may be `pipe:[…]`) is written in place, whatever
    /// it leads to: replacing the file behind a process's standard output would cut that
    /// output off.
    pub fn resolve(path: &Path) -> Result<Destination, ReportError> {
        let error = |reason: String| ReportError {
            path: path.display().to_string(),
            reason,
        };
        let special = |p: &Path| p.starts_with("/dev") || p.starts_with("/proc");
        // `out/` names a directory whether or not it exists yet.
        let text = path.as_os_str().to_string_lossy();
        if text.ends_with('/') || text.ends_with(std::path::MAIN_SEPARATOR) {
            return Err(error(
                "it names a directory (it ends with `/`); give a file name, e.g. `reports/report.xml`"
                    .into(),
            ));
        }
        match std::fs::metadata(path) {
            Ok(metadata) if metadata.is_dir() => {
                return Err(error(
                    "it is a directory; give a file name, e.g. `reports/report.xml`".into(),
                ))
            }
            Ok(metadata) if !metadata.is_file() || special(path) => {
                return Ok(Destination::Special(path.to_path_buf()))
            }
            _ => {}
        }
        let mut target = path.to_path_buf();
        for _ in 0..MAX_LINKS {
            let metadata = match std::fs::symlink_metadata(&target) {
                Ok(metadata) => metadata,
                Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                    return Ok(Destination::File(target))
                }
                Err(e) => return Err(error(e.to_string())),
            };
            let kind = metadata.file_type();
            if kind.is_symlink() {
                let link = std::fs::read_link(&target).map_err(|e| error(e.to_string()))?;
                target = match target.parent() {
                    Some(dir) if link.is_relative() => dir.join(link),
                    _ => link,
                };
                if special(&target) && std::fs::metadata(path).is_ok() {
                    return Ok(Destination::Special(path.to_path_buf()));
                }
            } else if kind.is_dir() {
                return Err(error(
                    "it is a directory; give a file name, e.g. `reports/report.xml`".into(),
                ));
            } else if kind.is_file() {
                return Ok(Destination::File(target));
            } else {
                return Ok(Destination::Special(target));
            }
        }
        Err(error(format!(
            "more than {MAX_LINKS} symbolic links to follow (a loop?)"
        )))
    }

    /// Which file this destination is, to tell two destinations that are one file however
    /// they are spelt: an existing file by its device and inode (a hard link, or a symlink to
    /// it, is the same file), one not made yet by its directory's canonical path (the part of
    /// it that does not exist yet read as written: it holds no symlink) and its name.
    pub fn identity(&self) -> FileIdentity {
        let target = match self {
            Destination::File(target) | Destination::Special(target) => target,
        };
        if let Ok(metadata) = std::fs::metadata(target) {
            #[cfg(unix)]
            {
                use std::os::unix::fs::MetadataExt;
                return FileIdentity::Inode {
                    device: metadata.dev(),
                    inode: metadata.ino(),
                };
            }
            #[cfg(not(unix))]
            {
                drop(metadata);
                if let Ok(path) = std::fs::canonicalize(target) {
                    return FileIdentity::Path(path);
                }
            }
        }
        let dir = match target.parent() {
            Some(dir) if !dir.as_os_str().is_empty() => dir,
            _ => Path::new("."),
        };
        let name = target.file_name().unwrap_or_default();
        FileIdentity::Path(canonical_dir(dir).join(name))
    }

    /// Checks, before a run, that this destination can be written: the directory is created
    /// and a file can be made in it. Nothing is left behind.
    pub fn check(&self, shown: &Path) -> Result<(), ReportError> {
        match self {
            Destination::Special(_) => Ok(()),
            Destination::File(target) => {
                let (file, temporary) = temporary_beside(target, shown)?;
                drop(file);
                let _ = std::fs::remove_file(&temporary);
                Ok(())
            }
        }
    }

    /// Writes `contents`; `shown` is the path as the user gave it, for errors.
    pub fn write(&self, shown: &Path, contents: &[u8]) -> Result<(), ReportError> {
        self.write_with(shown, |out| out.write_all(contents))
    }

    /// Writes what `write` writes (buffered); `shown` is the path as the user gave it, for
    /// errors. A regular file is replaced only once everything was written.
    pub fn write_with(
        &self,
        shown: &Path,
        write: impl FnOnce(&mut dyn Write) -> std::io::Result<()>,
    ) -> Result<(), ReportError> {
        let error = |e: std::io::Error| ReportError {
            path: shown.display().to_string(),
            reason: e.to_string(),
        };
        match self {
            Destination::Special(target) => {
                let file = open_in_place(target, shown, false)?;
                write_into(file, shown, write)
            }
            Destination::File(target) => {
                let (file, temporary) = temporary_beside(target, shown)?;
                let mut out = BufWriter::with_capacity(BUFFER, file);
                let result = write(&mut out)
                    .and_then(|()| out.into_inner().map_err(|e| e.into_error()))
                    .and_then(|file| file.sync_all())
                    .and_then(|()| std::fs::rename(&temporary, target));
                if let Err(e) = result {
                    let _ = std::fs::remove_file(&temporary);
                    return Err(error(e));
                }
                Ok(())
            }
        }
    }
}

/// Opens `path`, written in place (a terminal, a pipe, a device, a file appended to), for
/// appending, `create`d if asked; `shown` is the path as the user gave it, for errors. It
/// never waits: a FIFO that no program reads is an error at once (opening one for writing
/// would wait for a reader with no end, signals included), and once open the file is written
/// as any other, blocking until the reader takes what it is given.
pub fn open_in_place(path: &Path, shown: &Path, create: bool) -> Result<File, ReportError> {
    let error = |reason: String| ReportError {
        path: shown.display().to_string(),
        reason,
    };
    let mut options = OpenOptions::new();
    // Appending: a regular file behind `/dev/stdout` keeps what was written to it.
    options.append(true).create(create);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.custom_flags(libc::O_NONBLOCK);
    }
    let file = options.open(path).map_err(|e| {
        #[cfg(unix)]
        if e.raw_os_error() == Some(libc::ENXIO) {
            return error(NO_READER.to_owned());
        }
        error(e.to_string())
    })?;
    #[cfg(unix)]
    blocking(&file).map_err(|e| error(e.to_string()))?;
    Ok(file)
}

/// Why a FIFO cannot be written: nothing reads it.
pub const NO_READER: &str = "no program reads the pipe (a FIFO is written only while another program reads it: start the reader first, e.g. `cat FIFO &`, or give a file)";

/// Makes `file`, opened without waiting, wait as it is written (a pipe's reader may take its
/// time).
#[cfg(unix)]
fn blocking(file: &File) -> std::io::Result<()> {
    use std::os::fd::AsRawFd;
    let fd = file.as_raw_fd();
    // SAFETY: `fd` is open for as long as `file` is borrowed; F_GETFL and F_SETFL read and set
    // its status flags only.
    let flags = unsafe { libc::fcntl(fd, libc::F_GETFL) };
    if flags < 0 {
        return Err(std::io::Error::last_os_error());
    }
    // SAFETY: as above.
    if unsafe { libc::fcntl(fd, libc::F_SETFL, flags & !libc::O_NONBLOCK) } < 0 {
        return Err(std::io::Error::last_os_error());
    }
    Ok(())
}

/// Writes what `write` writes (buffered) into `file`, opened by [`open_in_place`]; `shown` is
/// the path as the user gave it, for errors.
pub fn write_into(
    file: File,
    shown: &Path,
    write: impl FnOnce(&mut dyn Write) -> std::io::Result<()>,
) -> Result<(), ReportError> {
    let mut out = BufWriter::with_capacity(BUFFER, file);
    write(&mut out)
        .and_then(|()| out.flush())
        .map_err(|e| ReportError {
            path: shown.display().to_string(),
            reason: e.to_string(),
        })
}

impl FileIdentity {
    /// Which file `path` is, when it is an existing regular file (symlinks followed): a file
    /// a command reads, which nothing it writes may be. A stream (a pipe, a terminal, a
    /// device) has none: reading one and writing another loses nothing.
    pub fn of_regular_file(path: &Path) -> Option<FileIdentity> {
        let metadata = std::fs::metadata(path).ok()?;
        if !metadata.is_file() {
            return None;
        }
        #[cfg(unix)]
        {
            use std::os::unix::fs::MetadataExt;
            Some(FileIdentity::Inode {
                device: metadata.dev(),
                inode: metadata.ino(),
            })
        }
        #[cfg(not(unix))]
        {
            std::fs::canonicalize(path).ok().map(FileIdentity::Path)
        }
    }
}

/// Which file a [`Destination`] is (see [`Destination::identity`]): two destinations with
/// equal identities write one file.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum FileIdentity {
    /// An existing file.
    Inode {
        /// The device it is on.
        device: u64,
        /// Its inode there.
        inode: u64,
    },
    /// A file that does not exist yet (or, off Unix, an existing one's canonical path).
    Path(PathBuf),
}

/// `dir` as an absolute path without symlinks, `.` or `..`: its longest existing ancestor
/// canonicalized, and the rest (which does not exist, so holds no symlink) as written, `.`
/// and `..` taken lexically.
fn canonical_dir(dir: &Path) -> PathBuf {
    let mut rest = Vec::new();
    let mut existing = dir;
    loop {
        if let Ok(canonical) = std::fs::canonicalize(existing) {
            let mut path = canonical;
            for part in rest.into_iter().rev() {
                match part {
                    std::path::Component::CurDir => {}
                    std::path::Component::ParentDir => {
                        path.pop();
                    }
                    other => path.push(other),
                }
            }
            return path;
        }
        if existing == Path::new(".") {
            // Not even the working directory can be read: as written.
            return dir.to_path_buf();
        }
        match (existing.components().next_back(), existing.parent()) {
            (Some(last), Some(parent)) => {
                rest.push(last);
                existing = match parent.as_os_str().is_empty() {
                    true => Path::new("."),
                    false => parent,
                };
            }
            // A root that cannot be read: as written.
            _ => return dir.to_path_buf(),
        }
    }
}

/// The write buffer of a report file.
const BUFFER: usize = 64 * 1024;

/// A new, exclusively created temporary file beside `target` (its directory created if
/// need be), and its path.
fn temporary_beside(target: &Path, shown: &Path) -> Result<(File, PathBuf), ReportError> {
    let error = |reason: String| ReportError {
        path: shown.display().to_string(),
        reason,
    };
    let dir = match target.parent() {
        Some(dir) if !dir.as_os_str().is_empty() => dir,
        _ => Path::new("."),
    };
    std::fs::create_dir_all(dir).map_err(|e| error(e.to_string()))?;
    let file_name = target
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let mut options = OpenOptions::new();
    options.write(true);
    create_exclusive(dir, &file_name, &options).map_err(|e| error(e.to_string()))
}

/// A file created exclusively in `dir` under a fresh name (`.{name}.{pid}.{random}.tmp`), with
/// `options` (which this sets to create a new file), and its path.
pub(super) fn create_exclusive(
    dir: &Path,
    name: &str,
    options: &OpenOptions,
) -> std::io::Result<(File, PathBuf)> {
    let mut options = options.clone();
    // `create_new` is O_EXCL: it never follows a symlink or opens a file planted there.
    options.create_new(true);
    let mut last = None;
    for _ in 0..TEMPORARY_TRIES {
        let temporary = dir.join(format!(
            ".{name}.{}.{:08x}.tmp",
            std::process::id(),
            fastrand::u32(..)
        ));
        match options.open(&temporary) {
            Ok(file) => return Ok((file, temporary)),
            Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => last = Some(e),
            Err(e) => return Err(e),
        }
    }
    Err(last.unwrap_or_else(|| std::io::Error::other("no free temporary name")))
}

#[cfg(all(test, unix))]
mod tests {
    use super::*;

    #[test]
    fn symlinks_are_followed_to_their_target() {
        let dir = tempfile::tempdir().expect("temporary directory");
        let target = dir.path().join("real.json");
        let link = dir.path().join("link.json");
        std::os::unix::fs::symlink("real.json", &link).expect("symlink");
        let destination = Destination::resolve(&link).expect("resolves");
        assert_eq!(destination, Destination::File(target.clone()));
        destination.write(&link, b"{}").expect("written");
        assert!(std::fs::symlink_metadata(&link)
            .expect("still there")
            .file_type()
            .is_symlink());
        assert_eq!(std::fs::read(&target).expect("target written"), b"{}");
    }

    #[test]
    fn devices_are_written_in_place_and_directories_refused() {
        for path in ["/dev/null", "/dev/stdout"] {
            assert_eq!(
                Destination::resolve(Path::new(path)).expect("resolves"),
                Destination::Special(PathBuf::from(path))
            );
        }
        let dir = tempfile::tempdir().expect("temporary directory");
        let refused = Destination::resolve(dir.path()).expect_err("a directory");
        assert!(refused.reason.contains("is a directory"), "{refused}");
        let missing = dir.path().join("not-yet").display().to_string() + "/";
        let refused = Destination::resolve(Path::new(&missing)).expect_err("a directory");
        assert!(refused.reason.contains("names a directory"), "{refused}");
    }

    #[cfg(unix)]
    #[test]
    fn a_fifo_no_program_reads_is_an_error_not_a_wait() {
        let dir = tempfile::tempdir().expect("temporary directory");
        let fifo = dir.path().join("report.fifo");
        let made = std::process::Command::new("mkfifo").arg(&fifo).status();
        if !made.is_ok_and(|s| s.success()) {
            return;
        }
        let destination = Destination::resolve(&fifo).expect("resolves");
        assert_eq!(destination, Destination::Special(fifo.clone()));
        let refused = destination.write(&fifo, b"{}").expect_err("no reader");
        assert_eq!(refused.reason, NO_READER);
        // With a reader, it is written, and the reader waited on.
        let reader = {
            let fifo = fifo.clone();
            std::thread::spawn(move || std::fs::read(fifo).expect("read"))
        };
        let mut written = Err(refused);
        for _ in 0..500 {
            written = destination.write(&fifo, b"{}");
            if written.is_ok() {
                break;
            }
            std::thread::sleep(std::time::Duration::from_millis(10));
        }
        written.expect("written once the reader is there");
        assert_eq!(reader.join().expect("reader"), b"{}");
    }

    #[test]
    fn a_link_loop_is_an_error() {
        let dir = tempfile::tempdir().expect("temporary directory");
        let a = dir.path().join("a");
        std::os::unix::fs::symlink("b", &a).expect("symlink");
        std::os::unix::fs::symlink("a", dir.path().join("b")).expect("symlink");
        assert!(Destination::resolve(&a).is_err());
    }
}
