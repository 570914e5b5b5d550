//! Where the lines of a collection's text start, found 16 bytes at a time.
//!
//! A collection of 10,000 steps has a line every 30 bytes or so: finding each `\n` with
//! `memchr` costs a call and its set-up per line (~80 instructions a line, callgrind), where
//! one SSE2 compare of 16 bytes gives a mask of every `\n` in them.

/// The byte offset where each line of `text` starts: 0, and one past every `\n`.
pub(super) fn line_starts(text: &[u8]) -> Vec<usize> {
    let mut starts = Vec::with_capacity(text.len() / 32 + 1);
    starts.push(0);
    starts.extend(Newlines::from(text, 0).map(|at| at + 1));
    starts
}

/// The positions of the `\n`s of a text from a byte on, in order.
pub(super) struct Newlines<'a> {
    text: &'a [u8],
    /// Where the lane `pending` was read from starts.
    lane: usize,
    /// The `\n`s of that lane not given yet, a bit each.
    pending: u32,
}

impl<'a> Newlines<'a> {
    /// The `\n`s of `text` at or after `from`.
    pub(super) fn from(text: &'a [u8], from: usize) -> Self {
        let mut newlines = Newlines {
            text,
            lane: from,
            pending: 0,
        };
        newlines.read_lane();
        newlines
    }

    /// Reads the lane at `self.lane` (16 bytes, fewer at the end of the text).
    fn read_lane(&mut self) {
        let rest = self.text.get(self.lane..).unwrap_or_default();
        self.pending = match <&[u8; 16]>::try_from(rest.get(..16).unwrap_or(rest)) {
            Ok(lane) => newlines_in(lane),
            Err(_) => rest
                .iter()
                .enumerate()
                .fold(0, |mask, (i, &byte)| mask | (u32::from(byte == b'\n') << i)),
        };
    }
}

impl Iterator for Newlines<'_> {
    type Item = usize;

    fn next(&mut self) -> Option<usize> {
        while self.pending == 0 {
            self.lane += 16;
            if self.lane >= self.text.len() {
                return None;
            }
            self.read_lane();
        }
        let at = self.lane + self.pending.trailing_zeros() as usize;
        self.pending &= self.pending - 1;
        Some(at)
    }
}

/// Bit `i` set where `lane[i]` is `\n`.
#[cfg(target_arch = "x86_64")]
fn newlines_in(lane: &[u8; 16]) -> u32 {
    use std::arch::x86_64::{
        __m128i, _mm_cmpeq_epi8, _mm_loadu_si128, _mm_movemask_epi8, _mm_set1_epi8,
    };
    // SAFETY: SSE2 is enabled on every x86_64 target, and the load reads the 16 bytes of
    // `lane`.
    unsafe {
        let bytes = _mm_loadu_si128(lane.as_ptr().cast::<__m128i>());
        _mm_movemask_epi8(_mm_cmpeq_epi8(bytes, _mm_set1_epi8(b'\n' as i8))) as u32 & 0xffff
    }
}

#[cfg(not(target_arch = "x86_64"))]
fn newlines_in(lane: &[u8; 16]) -> u32 {
    lane.iter()
        .enumerate()
        .fold(0, |mask, (i, &byte)| mask | (u32::from(byte == b'\n') << i))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn line_starts_are_where_each_line_begins_at_every_length_and_lane_boundary() {
        let plain = |text: &[u8]| -> Vec<usize> {
            std::iter::once(0)
                .chain(
                    text.iter()
                        .enumerate()
                        .filter(|(_, &byte)| byte == b'\n')
                        .map(|(at, _)| at + 1),
                )
                .collect()
        };
        let mut random = fastrand::Rng::with_seed(20);
        for length in 0..200 {
            for _ in 0..20 {
                // Mostly newlines and their neighbours in bytes (`\r`, `\x0b`, 0x8a).
                let text: Vec<u8> = (0..length)
                    .map(|_| *random.choice(b"\n\n\r\x0b\x8aab ").unwrap_or(&b'a'))
                    .collect();
                assert_eq!(line_starts(&text), plain(&text), "{text:?}");
            }
        }
        assert_eq!(line_starts(b""), [0]);
        assert_eq!(line_starts(&[b'\n'; 33]), (0..=33).collect::<Vec<_>>());
    }

    #[test]
    fn newlines_from_any_byte_are_memchrs() {
        let mut random = fastrand::Rng::with_seed(21);
        for length in 0..100 {
            let text: Vec<u8> = (0..length)
                .map(|_| *random.choice(b"\n\na ").unwrap_or(&b'a'))
                .collect();
            for from in 0..=length {
                let expected: Vec<usize> = memchr::memchr_iter(b'\n', &text[from..])
                    .map(|at| from + at)
                    .collect();
                let found: Vec<usize> = Newlines::from(&text, from).collect();
                assert_eq!(found, expected, "{text:?} from {from}");
            }
        }
        assert_eq!(Newlines::from(b"ab", 5).next(), None);
    }
}
