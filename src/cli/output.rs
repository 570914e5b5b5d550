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
        } = &mut *state;
        while *current < finished.len() && finished[*current] {
            *current += 1;
            if let Some(buffer) = buffers.get_mut(*current).filter(|b| !b.is_empty()) {
                if let Some(progress) = progress {
                    progress.clear();
                }
                let _ = out.write_all(buffer);
                // Freed, not kept: a long run has a buffer per collection run.
                *buffer = Vec::new();
            }
        }
        let _ = out.flush();
    }

    /// Writes after every collection (the summary).
    pub(super) fn with_output(&self, write: impl FnOnce(&mut W)) {
        if let Ok(mut state) = self.state.lock() {
            if let Some(progress) = &state.progress {
                progress.clear();
            }
            write(&mut state.out);
        }
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
            state.out.write_all(bytes)?;
        } else if let Some(buffer) = state.buffers.get_mut(self.index) {
            buffer.extend_from_slice(bytes);
        }
        Ok(bytes.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        match self.shared.state.lock() {
            Ok(mut state) if state.current == self.index => state.out.flush(),
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
        shared.with_output(|out| text = out.clone());
        assert_eq!(text, b"aabc");
    }
}
