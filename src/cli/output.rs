//! Terminal output of collections running in parallel, in input order: the first unfinished
//! collection writes straight through; the others buffer until every collection before them
//! has finished. The output is the same whatever `--jobs` is.

use std::io::Write;
use std::sync::{Arc, Mutex};

use super::progress::Progress;

struct State<W> {
    out: W,
    /// Erased before anything is written.
    progress: Option<Arc<Progress>>,
    /// The collection whose output goes straight through.
    current: usize,
    buffers: Vec<Vec<u8>>,
    finished: Vec<bool>,
    /// The first write that failed, other than to a closed pipe (`runner run | head`).
    lost: Option<String>,
}

/// Keeps in `lost` the first error of `result` that is not a broken pipe, and gives `result`
/// back.
fn record<T>(lost: &mut Option<String>, result: std::io::Result<T>) -> std::io::Result<T> {
    if let Err(error) = &result {
        let kind = error.kind();
        let passing = matches!(
            kind,
            std::io::ErrorKind::BrokenPipe | std::io::ErrorKind::Interrupted
        );
        if !passing && lost.is_none() {
            *lost = Some(error.to_string());
        }
    }
    result
}

/// The shared output as [`OrderedOutput::with_output`] lends it: each write that fails is
/// kept.
pub(super) struct Recorded<'a, W> {
    out: &'a mut W,
    lost: &'a mut Option<String>,
}

impl<W: Write> Write for Recorded<'_, W> {
    fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
        record(self.lost, self.out.write(bytes))
    }

    fn flush(&mut self) -> std::io::Result<()> {
        record(self.lost, self.out.flush())
    }
}

/// The shared terminal.
pub(super) struct OrderedOutput<W> {
    state: Mutex<State<W>>,
}

impl<W: Write> OrderedOutput<W> {
    /// Output for `count` collections, written to `out`.
    pub(super) fn new(out: W, count: usize, progress: Option<Arc<Progress>>) -> Arc<Self> {
        Arc::new(OrderedOutput {
            state: Mutex::new(State {
                out,
                progress,
                current: 0,
                buffers: vec![Vec::new(); count],
                finished: vec![false; count],
                lost: None,
            }),
        })
    }

    /// Collection `index` has written everything it will.
    pub(super) fn finish(&self, index: usize) {
        let Ok(mut state) = self.state.lock() else {
            return;
        };
        if let Some(done) = state.finished.get_mut(index) {
            *done = true;
        }
        let State {
            out,
            progress,
            current,
            buffers,
            finished,
            lost,
        } = &mut *state;
        while *current < finished.len() && finished[*current] {
            *current += 1;
            if let Some(buffer) = buffers.get_mut(*current).filter(|b| !b.is_empty()) {
                if let Some(progress) = progress {
                    progress.clear();
                }
                let _ = record(lost, out.write_all(buffer));
                // Freed, not kept: a long run has a buffer per collection run.
                *buffer = Vec::new();
            }
        }
        let _ = record(lost, out.flush());
    }

    /// Writes after every collection (the summary), and flushes it.
    pub(super) fn with_output(&self, write: impl FnOnce(&mut Recorded<'_, W>)) {
        if let Ok(mut state) = self.state.lock() {
            if let Some(progress) = &state.progress {
                progress.clear();
            }
            let State { out, lost, .. } = &mut *state;
            let mut recorded = Recorded { out, lost };
            write(&mut recorded);
            let _ = recorded.flush();
        }
    }

    /// Why some of the output was lost (a full disk), if it was: a reader that went away
    /// (`| head`) does not count.
    pub(super) fn lost(&self) -> Option<String> {
        let state = self.state.lock().ok()?;
        state.lost.clone()
    }
}

/// One collection's writer.
pub(super) struct CollectionWriter<W> {
    pub(super) index: usize,
    pub(super) shared: Arc<OrderedOutput<W>>,
}

impl<W: Write> Write for CollectionWriter<W> {
    fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
        let Ok(mut state) = self.shared.state.lock() else {
            return Ok(bytes.len());
        };
        if state.current == self.index {
            if let Some(progress) = &state.progress {
                progress.clear();
            }
            let State { out, lost, .. } = &mut *state;
            record(lost, out.write_all(bytes))?;
        } else if let Some(buffer) = state.buffers.get_mut(self.index) {
            buffer.extend_from_slice(bytes);
        }
        Ok(bytes.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        match self.shared.state.lock() {
            Ok(mut state) if state.current == self.index => {
                let State { out, lost, .. } = &mut *state;
                record(lost, out.flush())
            }
            _ => Ok(()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn output_comes_out_in_input_order() {
        let shared = OrderedOutput::new(Vec::new(), 3, None);
        let mut writers: Vec<_> = (0..3)
            .map(|index| CollectionWriter {
                index,
                shared: Arc::clone(&shared),
            })
            .collect();
        writers[2].write_all(b"c").expect("write");
        writers[1].write_all(b"b").expect("write");
        shared.finish(1);
        writers[0].write_all(b"a").expect("write");
        shared.finish(2);
        writers[0].write_all(b"a").expect("write");
        shared.finish(0);
        let mut text = Vec::new();
        shared.with_output(|out| text = out.out.clone());
        assert_eq!(text, b"aabc");
    }
}
