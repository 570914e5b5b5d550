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

/// How many `\n`s `text` holds.
pub(super) fn count(text: &[u8]) -> usize {
    // 255 lanes of 16 bytes at a time: a byte position's counter holds up to 255.
    let mut batches = text.chunks_exact(16 * 255);
    let whole: usize = batches.by_ref().map(count_in_lanes).sum();
    let rest = batches.remainder();
    let lanes = rest.len() / 16 * 16;
    whole
        + count_in_lanes(&rest[..lanes])
        + rest[lanes..].iter().filter(|&&byte| byte == b'\n').count()
}

/// The `\n`s in `lanes`: whole lanes of 16 bytes, at most 255 of them.
#[cfg(target_arch = "x86_64")]
fn count_in_lanes(lanes: &[u8]) -> usize {
    use std::arch::x86_64::{
        __m128i, _mm_cmpeq_epi8, _mm_loadu_si128, _mm_sad_epu8, _mm_set1_epi8, _mm_setzero_si128,
        _mm_storeu_si128, _mm_sub_epi8,
    };
    debug_assert!(lanes.len().is_multiple_of(16) && lanes.len() <= 16 * 255);
    let mut sums = [0u64; 2];
    // SAFETY: SSE2 is enabled on every x86_64 target; each load reads the 16 bytes of a
    // lane of `chunks_exact(16)`, and the store writes the 16 bytes of `sums`.
    unsafe {
        let newline = _mm_set1_epi8(b'\n' as i8);
        let mut counters = _mm_setzero_si128();
        for lane in lanes.chunks_exact(16) {
            let bytes = _mm_loadu_si128(lane.as_ptr().cast::<__m128i>());
            // A match is all ones, -1: subtracting it adds one.
            counters = _mm_sub_epi8(counters, _mm_cmpeq_epi8(bytes, newline));
        }
        _mm_storeu_si128(
            sums.as_mut_ptr().cast::<__m128i>(),
            _mm_sad_epu8(counters, _mm_setzero_si128()),
        );
    }
    (sums[0] + sums[1]) as usize
}

#[cfg(not(target_arch = "x86_64"))]
fn count_in_lanes(lanes: &[u8]) -> usize {
    lanes.iter().filter(|&&byte| byte == b'\n').count()
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
    fn newlines_are_counted_at_every_length_and_lane_boundary() {
        let mut random = fastrand::Rng::with_seed(22);
        for length in 0..200 {
            for _ in 0..20 {
                let text: Vec<u8> = (0..length)
                    .map(|_| *random.choice(b"\n\n\r\x0b\x8aab ").unwrap_or(&b'a'))
                    .collect();
                let plain = text.iter().filter(|&&byte| byte == b'\n').count();
                assert_eq!(count(&text), plain, "{text:?}");
            }
        }
        // Past the 255 lanes a byte's counter holds, all newlines and mixed.
        for length in [16 * 255 - 1, 16 * 255, 16 * 255 + 1, 16 * 600 + 7] {
            assert_eq!(count(&vec![b'\n'; length]), length);
            let text: Vec<u8> = (0..length)
                .map(|_| *random.choice(b"\na").unwrap_or(&b'a'))
                .collect();
            let plain = text.iter().filter(|&&byte| byte == b'\n').count();
            assert_eq!(count(&text), plain);
        }
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
