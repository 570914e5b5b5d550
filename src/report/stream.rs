//! Reports written as the run goes, so that a run of any length holds one collection run's
//! results at a time rather than every result until the end.
//!
//! Each report format is a [`Format`]: the part of one collection run, written as soon as
//! that run (and every run before it) has finished, and a head and a tail that need the whole
//! run (its totals, the list of failures), written at the end. The parts wait in a [`Spool`],
//! an unnamed temporary file, until the head can be written before them.

use std::fs::{File, OpenOptions};
use std::io::{self, BufWriter, Read, Seek, SeekFrom, Write};
use std::time::Duration;

use super::RunRecord;
use crate::engine::{CollectionReport, Totals};

/// What the head and tail of a report know of the whole run.
#[derive(Debug, Clone, Default)]
pub struct RunSummary {
    /// When the run started, RFC 3339.
    pub started_at: String,
    /// Wall time of the run.
    pub duration: Duration,
    /// The run was interrupted.
    pub interrupted: bool,
    /// Step counts over every collection run.
    pub totals: Totals,
    /// Collection runs reported.
    pub collections: usize,
    /// The OpenAPI coverage of each document the run counted against.
    pub openapi_coverage: Vec<crate::openapi::coverage::CoverageSummary>,
}

impl RunSummary {
    /// A summary of `run`, all at once.
    pub fn of(run: &RunRecord) -> RunSummary {
        RunSummary {
            started_at: run.started_at.clone(),
            duration: run.duration,
            interrupted: run.interrupted,
            totals: run.totals(),
            collections: run.collections.len(),
            openapi_coverage: run.openapi_coverage.clone(),
        }
    }

    /// Counts one more collection run.
    pub fn record(&mut self, collection: &CollectionReport) {
        self.collections += 1;
        collection.steps.iter().for_each(|s| self.totals.record(s));
    }
}

/// A report format, written a collection run at a time.
pub trait Format: Send {
    /// Appends the part of the next collection run (in input order) to `out`.
    fn collection(&mut self, collection: &CollectionReport, out: &mut String);

    /// Writes what comes before the collection runs, once every run is known.
    fn head(&mut self, run: &RunSummary, out: &mut dyn Write) -> io::Result<()>;

    /// Writes what comes after them.
    fn tail(&mut self, run: &RunSummary, out: &mut dyn Write) -> io::Result<()>;
}

/// One report being written: its format and the parts written so far.
pub struct Streamed {
    format: Box<dyn Format>,
    spool: Spool,
    /// Reused for each part.
    scratch: String,
    /// The first error writing the spool: the report cannot be written.
    error: Option<io::Error>,
}

impl Streamed {
    /// A report in `format`, its parts kept in a temporary file until the end.
    pub fn new(format: Box<dyn Format>) -> io::Result<Streamed> {
        Ok(Streamed::with_spool(format, Spool::file()?))
    }

    /// A report in `format` kept in memory (for small runs and tests).
    pub fn in_memory(format: Box<dyn Format>) -> Streamed {
        Streamed::with_spool(format, Spool::Memory(Vec::new()))
    }

    fn with_spool(format: Box<dyn Format>, spool: Spool) -> Streamed {
        Streamed {
            format,
            spool,
            scratch: String::new(),
            error: None,
        }
    }

    /// Writes the part of the next collection run.
    pub fn collection(&mut self, collection: &CollectionReport) {
        if self.error.is_some() {
            return;
        }
        self.scratch.clear();
        self.format.collection(collection, &mut self.scratch);
        if let Err(error) = self.spool.write_all(self.scratch.as_bytes()) {
            self.error = Some(io::Error::new(
                error.kind(),
                format!(
                    "the temporary file it is written to in `{}` failed: {error} (set TMPDIR to a directory with room)",
                    std::env::temp_dir().display()
                ),
            ));
        }
        // A part of a huge collection run is not kept as the buffer of every later one.
        if self.scratch.capacity() > SCRATCH_KEPT {
            self.scratch = String::new();
        }
    }

    /// Writes the whole report to `out`: the head, every part, the tail.
    pub fn finish(&mut self, run: &RunSummary, out: &mut dyn Write) -> io::Result<()> {
        if let Some(error) = self.error.take() {
            return Err(error);
        }
        self.format.head(run, out)?;
        self.spool.copy_to(out)?;
        self.format.tail(run, out)?;
        out.flush()
    }
}

/// The largest part buffer kept between collection runs.
const SCRATCH_KEPT: usize = 1 << 20;

/// Where the parts of a report wait for its head.
enum Spool {
    /// In memory.
    Memory(Vec<u8>),
    /// In a temporary file, removed from its directory as soon as it is created (it goes away
    /// with the process, however that ends).
    File(BufWriter<File>),
}

impl Spool {
    fn file() -> io::Result<Spool> {
        let mut options = OpenOptions::new();
        options.read(true).write(true);
        // Readable by this user alone: a report holds response bodies.
        #[cfg(unix)]
        std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
        let (file, path) =
            super::destination::create_exclusive(&std::env::temp_dir(), "runner-report", &options)?;
        // Unnamed from now on: it goes away with the process however that ends.
        let _ = std::fs::remove_file(&path);
        Ok(Spool::File(BufWriter::with_capacity(64 * 1024, file)))
    }

    fn write_all(&mut self, bytes: &[u8]) -> io::Result<()> {
        match self {
            Spool::Memory(buffer) => {
                buffer.extend_from_slice(bytes);
                Ok(())
            }
            Spool::File(file) => file.write_all(bytes),
        }
    }

    /// Copies everything written so far to `out`.
    fn copy_to(&mut self, out: &mut dyn Write) -> io::Result<()> {
        match self {
            Spool::Memory(buffer) => out.write_all(buffer),
            Spool::File(writer) => {
                writer.flush()?;
                let file = writer.get_mut();
                file.seek(SeekFrom::Start(0))?;
                let mut buffer = vec![0; 64 * 1024];
                loop {
                    let read = match file.read(&mut buffer) {
                        Ok(0) => break,
                        Ok(read) => read,
                        Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
                        Err(e) => return Err(e),
                    };
                    out.write_all(&buffer[..read])?;
                }
                file.seek(SeekFrom::End(0))?;
                Ok(())
            }
        }
    }
}

/// `run` in `format`, all at once.
pub fn render(format: Box<dyn Format>, run: &RunRecord) -> String {
    let mut report = Streamed::in_memory(format);
    for collection in &run.collections {
        report.collection(collection);
    }
    let mut out = Vec::new();
    // Writing to memory cannot fail.
    let _ = report.finish(&RunSummary::of(run), &mut out);
    String::from_utf8(out).unwrap_or_else(|e| String::from_utf8_lossy(e.as_bytes()).into_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    struct Lines(usize);

    impl Format for Lines {
        fn collection(&mut self, collection: &CollectionReport, out: &mut String) {
            self.0 += 1;
            out.push_str(&format!("{} {}\n", self.0, collection.name));
        }
        fn head(&mut self, run: &RunSummary, out: &mut dyn Write) -> io::Result<()> {
            writeln!(out, "head {}", run.collections)
        }
        fn tail(&mut self, _: &RunSummary, out: &mut dyn Write) -> io::Result<()> {
            writeln!(out, "tail")
        }
    }

    fn collection(name: &str) -> CollectionReport {
        CollectionReport {
            name: name.into(),
            path: "c.yaml".into(),
            environment: None,
            iteration: None,
            started_at: std::time::UNIX_EPOCH,
            steps: Vec::new(),
            duration: Duration::ZERO,
            interrupted: false,
        }
    }

    #[test]
    fn the_head_comes_before_the_parts_written_to_a_file() {
        let mut report = Streamed::new(Box::new(Lines(0))).expect("a temporary file");
        let mut summary = RunSummary::default();
        for name in ["a", "b", "c"] {
            let c = collection(name);
            summary.record(&c);
            report.collection(&c);
        }
        let mut out = Vec::new();
        report.finish(&summary, &mut out).expect("written");
        assert_eq!(
            String::from_utf8(out).expect("text"),
            "head 3\n1 a\n2 b\n3 c\ntail\n"
        );
    }
}
