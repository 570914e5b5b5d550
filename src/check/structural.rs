//! Reading past a whole JSON array or object 64 bytes at a time, in the manner of simdjson:
//! each block's quotes, backslashes, brackets, colons, commas, blanks and control characters
//! are found at once with AVX2 (or SSE2, which every x86_64 CPU has), the strings are masked
//! out with a running XOR of the quotes, and what is left — one bit per token — is checked
//! against JSON's grammar token by token. A string's contents and the blanks between tokens
//! are never looked at one byte at a time.
//!
//! It answers only when it is sure: the end of a container serde_json accepts, or `None`,
//! and [`super::scan`] then reads the same bytes its own way (which judges bad syntax and
//! everything else exactly). It says `None` for a surrogate escape that does not pair, a
//! control character in a string, nesting past the depth it is given, a number the scan
//! leaves to serde_json, and anything that is not JSON.
//!
//! On targets other than x86_64 it always says `None`.

#![cfg_attr(not(target_arch = "x86_64"), allow(dead_code))]

/// The end of the array or object starting at `start` (at its `{` or `[`), when it is JSON
/// that serde_json accepts, nests at most `depth_left` containers deep (itself included)
/// and every number in it is an integer of fewer than 16 digits or one `number_end` judges
/// (the end of the number starting at the index it is given, when serde_json surely
/// accepts it). `None` when it is not, or this pass cannot tell.
#[cfg(target_arch = "x86_64")]
pub fn skip_container(
    bytes: &[u8],
    start: usize,
    depth_left: usize,
    number_end: impl FnMut(usize) -> Option<usize>,
) -> Option<usize> {
    Tokens::new(bytes, start, depth_left, number_end).run()
}

#[cfg(not(target_arch = "x86_64"))]
pub fn skip_container(
    _bytes: &[u8],
    _start: usize,
    _depth_left: usize,
    _number_end: impl FnMut(usize) -> Option<usize>,
) -> Option<usize> {
    None
}

/// The bytes of one block of 64 that are each kind, bit `i` for byte `i`.
#[derive(Debug, Default, PartialEq)]
struct Classes {
    quote: u64,
    backslash: u64,
    /// `{`, `}`, `[`, `]`, `:` and `,`.
    structural: u64,
    /// JSON's blanks: space, tab, line feed, carriage return.
    blank: u64,
    /// Bytes below 0x20.
    control: u64,
    /// `0` to `9`.
    digit: u64,
}

/// One block's classes, byte by byte: what the SIMD versions must find, and what other
/// targets would use (they do not: it is slower than the scan).
#[cfg(any(test, not(target_arch = "x86_64")))]
fn classify_bytewise(block: &[u8; 64]) -> Classes {
    let mut classes = Classes::default();
    for (i, &byte) in block.iter().enumerate() {
        let bit = 1u64 << i;
        let set = |mask: &mut u64, yes: bool| *mask |= if yes { bit } else { 0 };
        set(&mut classes.quote, byte == b'"');
        set(&mut classes.backslash, byte == b'\\');
        set(&mut classes.structural, b"{}[]:,".contains(&byte));
        set(&mut classes.blank, b" \t\n\r".contains(&byte));
        set(&mut classes.control, byte < 0x20);
        set(&mut classes.digit, byte.is_ascii_digit());
    }
    classes
}

#[cfg(not(target_arch = "x86_64"))]
fn classify(block: &[u8; 64], _cpu: Cpu) -> Classes {
    classify_bytewise(block)
}

/// What the CPU running this can do, as [`Cpu::detect`] found it (the only way one is
/// made: [`classify`] runs AVX2 code on its word).
#[derive(Clone, Copy)]
struct Cpu {
    avx2: bool,
}

impl Cpu {
    fn detect() -> Cpu {
        #[cfg(target_arch = "x86_64")]
        let avx2 = std::is_x86_feature_detected!("avx2");
        #[cfg(not(target_arch = "x86_64"))]
        let avx2 = false;
        Cpu { avx2 }
    }
}

/// One block's classes, by AVX2 when the CPU has it, else by SSE2 (part of every x86_64
/// CPU).
#[cfg(target_arch = "x86_64")]
fn classify(block: &[u8; 64], cpu: Cpu) -> Classes {
    if cpu.avx2 {
        // SAFETY: `cpu` was made by `Cpu::detect`, which found AVX2.
        unsafe { classify_avx2(block) }
    } else {
        classify_sse2(block)
    }
}

#[cfg(target_arch = "x86_64")]
fn classify_sse2(block: &[u8; 64]) -> Classes {
    use std::arch::x86_64::{
        __m128i, _mm_cmpeq_epi8, _mm_loadu_si128, _mm_min_epu8, _mm_movemask_epi8, _mm_or_si128,
        _mm_set1_epi8, _mm_sub_epi8,
    };
    let mut classes = Classes::default();
    for (i, lane) in block.chunks_exact(16).enumerate() {
        // SAFETY: SSE2 is enabled on every x86_64 target, and the load reads the 16 bytes
        // of `lane`, which `chunks_exact` guarantees it has.
        let masks = unsafe {
            let v = _mm_loadu_si128(lane.as_ptr().cast::<__m128i>());
            let is = |byte: u8| _mm_cmpeq_epi8(v, _mm_set1_epi8(byte as i8));
            // `[` and `{` differ in bit 0x20 only, as `]` and `}` do.
            let folded = _mm_or_si128(v, _mm_set1_epi8(0x20));
            let opening = _mm_cmpeq_epi8(folded, _mm_set1_epi8(b'{' as i8));
            let closing = _mm_cmpeq_epi8(folded, _mm_set1_epi8(b'}' as i8));
            let structural = _mm_or_si128(
                _mm_or_si128(opening, closing),
                _mm_or_si128(is(b':'), is(b',')),
            );
            let blank = _mm_or_si128(
                _mm_or_si128(is(b' '), is(b'\t')),
                _mm_or_si128(is(b'\n'), is(b'\r')),
            );
            let control = _mm_cmpeq_epi8(_mm_min_epu8(v, _mm_set1_epi8(0x1f)), v);
            // A digit is at most 9 above `0`, counting without sign.
            let above_zero = _mm_sub_epi8(v, _mm_set1_epi8(b'0' as i8));
            let digit = _mm_cmpeq_epi8(_mm_min_epu8(above_zero, _mm_set1_epi8(9)), above_zero);
            [is(b'"'), is(b'\\'), structural, blank, control, digit]
                .map(|m| u64::from(_mm_movemask_epi8(m) as u16))
        };
        classes.add(masks, 16 * i);
    }
    classes
}

/// Which of JSON's structural bytes and blanks a byte is, found from its two nibbles as
/// simdjson does: `BY_LOW[byte & 15] & BY_HIGH[byte >> 4]` has a bit in
/// [`kind::STRUCTURAL`] for `{`, `}`, `[`, `]`, `:` and `,`, one in [`kind::BLANK`] for a
/// space, tab, line feed or carriage return, and no bit for any other byte.
mod kind {
    /// `,` (0x2c).
    const COMMA: u8 = 1;
    /// `:` (0x3a).
    const COLON: u8 = 2;
    /// `[`, `]`, `{` and `}` (0x5b, 0x5d, 0x7b, 0x7d).
    const BRACKET: u8 = 4;
    /// A space (0x20).
    const SPACE: u8 = 8;
    /// A tab, line feed or carriage return (0x09, 0x0a, 0x0d).
    const BREAK: u8 = 16;
    pub const STRUCTURAL: u8 = COMMA | COLON | BRACKET;
    pub const BLANK: u8 = SPACE | BREAK;
    /// By the low nibble: what each kind's bytes have there.
    pub const BY_LOW: [u8; 16] = {
        let mut table = [0; 16];
        table[0x0] = SPACE;
        table[0x9] = BREAK;
        table[0xa] = COLON | BREAK;
        table[0xb] = BRACKET;
        table[0xc] = COMMA;
        table[0xd] = BRACKET | BREAK;
        table
    };
    /// By the high nibble.
    pub const BY_HIGH: [u8; 16] = {
        let mut table = [0; 16];
        table[0x0] = BREAK;
        table[0x2] = COMMA | SPACE;
        table[0x3] = COLON;
        table[0x5] = BRACKET;
        table[0x7] = BRACKET;
        table
    };
}

/// [`classify_sse2`] 32 bytes at a time, structural bytes and blanks by [`kind`]'s tables.
///
/// # Safety
///
/// The CPU must have AVX2.
#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx2")]
unsafe fn classify_avx2(block: &[u8; 64]) -> Classes {
    let (low, high) = block.split_at(32);
    // SAFETY: the caller's CPU has AVX2, and each half is 32 bytes long.
    let (low, high) = unsafe { (lane_avx2(low), lane_avx2(high)) };
    let join = |k: usize| u64::from(low[k]) | u64::from(high[k]) << 32;
    Classes {
        quote: join(0),
        backslash: join(1),
        structural: join(2),
        blank: join(3),
        control: join(4),
        digit: join(5),
    }
}

/// The masks of 32 bytes: quote, backslash, structural, blank, control, digit.
///
/// # Safety
///
/// The CPU must have AVX2, and `lane` must be at least 32 bytes long.
#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx2")]
#[inline]
unsafe fn lane_avx2(lane: &[u8]) -> [u32; 6] {
    use std::arch::x86_64::{
        __m256i, _mm256_and_si256, _mm256_cmpeq_epi8, _mm256_cmpgt_epi8, _mm256_loadu_si256,
        _mm256_min_epu8, _mm256_movemask_epi8, _mm256_set1_epi8, _mm256_setzero_si256,
        _mm256_shuffle_epi8, _mm256_srli_epi16, _mm256_sub_epi8,
    };
    debug_assert!(lane.len() >= 32);
    // Each 16-byte half of a register looks its bytes up in its own copy of the table.
    let table = |nibbles: [u8; 16]| {
        let mut both = [0u8; 32];
        both[..16].copy_from_slice(&nibbles);
        both[16..].copy_from_slice(&nibbles);
        // SAFETY: `both` is 32 bytes.
        unsafe { _mm256_loadu_si256(both.as_ptr().cast::<__m256i>()) }
    };
    // SAFETY: the caller's CPU has AVX2, and the load reads 32 bytes of `lane`, which the
    // caller guarantees it has.
    unsafe {
        let v = _mm256_loadu_si256(lane.as_ptr().cast::<__m256i>());
        let is = |byte: u8| _mm256_cmpeq_epi8(v, _mm256_set1_epi8(byte as i8));
        let nibble = _mm256_set1_epi8(0x0f);
        let low_nibbles = _mm256_and_si256(v, nibble);
        let high_nibbles = _mm256_and_si256(_mm256_srli_epi16(v, 4), nibble);
        let kinds = _mm256_and_si256(
            _mm256_shuffle_epi8(table(kind::BY_LOW), low_nibbles),
            _mm256_shuffle_epi8(table(kind::BY_HIGH), high_nibbles),
        );
        // Every kind is below 0x80, so "has a bit of" is "is above zero", signed.
        let has = |bits: u8| {
            _mm256_cmpgt_epi8(
                _mm256_and_si256(kinds, _mm256_set1_epi8(bits as i8)),
                _mm256_setzero_si256(),
            )
        };
        let control = _mm256_cmpeq_epi8(_mm256_min_epu8(v, _mm256_set1_epi8(0x1f)), v);
        // A digit is at most 9 above `0`, counting without sign.
        let above_zero = _mm256_sub_epi8(v, _mm256_set1_epi8(b'0' as i8));
        let digit = _mm256_cmpeq_epi8(_mm256_min_epu8(above_zero, _mm256_set1_epi8(9)), above_zero);
        [
            is(b'"'),
            is(b'\\'),
            has(kind::STRUCTURAL),
            has(kind::BLANK),
            control,
            digit,
        ]
        .map(|m| _mm256_movemask_epi8(m) as u32)
    }
}

impl Classes {
    /// Adds the masks of one lane (quote, backslash, structural, blank, control, digit)
    /// starting at byte `shift`.
    fn add(
        &mut self,
        [quote, backslash, structural, blank, control, digit]: [u64; 6],
        shift: usize,
    ) {
        self.quote |= quote << shift;
        self.backslash |= backslash << shift;
        self.structural |= structural << shift;
        self.blank |= blank << shift;
        self.control |= control << shift;
        self.digit |= digit << shift;
    }
}

/// Bit `i` set when an odd number of bits `0..=i` are set in `x`.
fn prefix_xor(mut x: u64) -> u64 {
    x ^= x << 1;
    x ^= x << 2;
    x ^= x << 4;
    x ^= x << 8;
    x ^= x << 16;
    x ^= x << 32;
    x
}

/// What the grammar allows next, in which kind of container: the states of the check.
mod state {
    /// Before the container.
    pub const START: u8 = 0;
    /// A member's name or `}` (after `{`).
    pub const FIRST_KEY: u8 = 1;
    /// A member's name (after `,`).
    pub const KEY: u8 = 2;
    /// The `:` after a member's name.
    pub const COLON: u8 = 3;
    /// A member's value.
    pub const MEMBER_VALUE: u8 = 4;
    /// `,` or `}` after a member.
    pub const AFTER_MEMBER: u8 = 5;
    /// An element or `]` (after `[`).
    pub const FIRST_ELEMENT: u8 = 6;
    /// An element (after `,`).
    pub const ELEMENT: u8 = 7;
    /// `,` or `]` after an element.
    pub const AFTER_ELEMENT: u8 = 8;
}

/// What a token does besides moving to a state (the actions of [`GRAMMAR`]); every
/// state is below them.
mod action {
    pub const OPEN_OBJECT: u8 = 16;
    pub const OPEN_ARRAY: u8 = 17;
    pub const CLOSE: u8 = 18;
    /// A number or literal as a member's value.
    pub const MEMBER_SCALAR: u8 = 19;
    /// A number or literal as an element.
    pub const ELEMENT_SCALAR: u8 = 20;
    pub const REFUSE: u8 = 255;
}

/// What a token does in each state, by its first byte (`{`, `[`, `}`, `]`, `:`, `,`, `"`,
/// else a number or literal, or a byte no token starts with, which the scalar check
/// refuses): the next state, or an action.
const GRAMMAR: [[u8; 256]; 16] = {
    use action::*;
    use state::*;
    const X: u8 = REFUSE;
    #[rustfmt::skip]
    let by_kind: [[u8; 8]; 9] = [
        //  {            [           }      ]      :             ,        "              scalar
        [OPEN_OBJECT, OPEN_ARRAY, X,     X,     X,            X,       X,             X],              // START
        [X,           X,          CLOSE, X,     X,            X,       COLON,         X],              // FIRST_KEY
        [X,           X,          X,     X,     X,            X,       COLON,         X],              // KEY
        [X,           X,          X,     X,     MEMBER_VALUE, X,       X,             X],              // COLON
        [OPEN_OBJECT, OPEN_ARRAY, X,     X,     X,            X,       AFTER_MEMBER,  MEMBER_SCALAR],  // MEMBER_VALUE
        [X,           X,          CLOSE, X,     X,            KEY,     X,             X],              // AFTER_MEMBER
        [OPEN_OBJECT, OPEN_ARRAY, X,     CLOSE, X,            X,       AFTER_ELEMENT, ELEMENT_SCALAR], // FIRST_ELEMENT
        [OPEN_OBJECT, OPEN_ARRAY, X,     X,     X,            X,       AFTER_ELEMENT, ELEMENT_SCALAR], // ELEMENT
        [X,           X,          X,     CLOSE, X,            ELEMENT, X,             X],              // AFTER_ELEMENT
    ];
    // Sixteen rows, as [`ROWS`] has: those past the states are never reached.
    let mut grammar = [[REFUSE; 256]; 16];
    let mut state = 0;
    while state < 9 {
        let mut byte = 0;
        while byte < 256 {
            let kind = match byte as u8 {
                b'{' => 0,
                b'[' => 1,
                b'}' => 2,
                b']' => 3,
                b':' => 4,
                b',' => 5,
                b'"' => 6,
                _ => 7,
            };
            grammar[state][byte] = by_kind[state][kind];
            byte += 1;
        }
        state += 1;
    }
    grammar
};

/// [`GRAMMAR`] laid out for the token loop: the entry for `byte` in a state at
/// `state * 256 + byte`. A move to a state is stored as that state's row (`state * 256`),
/// so the loop finds the next entry by adding a byte to it; an action as `ACTED + action`.
const ROWS: [u16; 16 * 256] = {
    let mut rows = [0u16; 16 * 256];
    let mut at = 0;
    while at < rows.len() {
        let next = GRAMMAR[at / 256][at % 256];
        rows[at] = if next < action::OPEN_OBJECT {
            next as u16 * 256
        } else {
            ACTED + next as u16
        };
        at += 1;
    }
    rows
};

/// Where the actions start in [`ROWS`]: above every row.
const ACTED: u16 = 16 * 256;

/// The token-by-token check, with what it carries from one block to the next.
struct Tokens<'a, F> {
    bytes: &'a [u8],
    start: usize,
    depth_left: usize,
    number_end: F,
    state: u8,
    /// Containers open, and which are objects (`objects[d]` for depth `d + 1`).
    depth: usize,
    objects: [bool; 128],
    /// All ones when the previous block ended inside a string.
    in_string: u64,
    /// Whether the previous block's last byte is part of a number or literal.
    in_scalar: u64,
    /// Whether the previous block ended with a backslash that escapes this block's first
    /// byte.
    escapes_next: bool,
    cpu: Cpu,
    /// Where the hex digits of the trailing surrogate escape that completes a pair just
    /// checked start (it is accepted when its turn comes).
    paired_trailing: Option<usize>,
}

impl<'a, F: FnMut(usize) -> Option<usize>> Tokens<'a, F> {
    fn new(bytes: &'a [u8], start: usize, depth_left: usize, number_end: F) -> Self {
        Tokens {
            bytes,
            start,
            // The stack of kinds holds 128 levels.
            depth_left: depth_left.min(128),
            number_end,
            state: state::START,
            depth: 0,
            objects: [false; 128],
            in_string: 0,
            in_scalar: 0,
            escapes_next: false,
            cpu: Cpu::detect(),
            paired_trailing: None,
        }
    }

    fn run(mut self) -> Option<usize> {
        if !matches!(self.bytes.get(self.start), Some(b'{' | b'[')) {
            return None;
        }
        let mut base = self.start;
        while base < self.bytes.len() {
            let end = match self.bytes.get(base..base + 64) {
                Some(block) => self.block(block.try_into().ok()?, base)?,
                None => {
                    let mut block = [b' '; 64];
                    block[..self.bytes.len() - base].copy_from_slice(&self.bytes[base..]);
                    self.block(&block, base)?
                }
            };
            if let Some(end) = end {
                return Some(end);
            }
            base += 64;
        }
        None
    }

    /// Checks the tokens of the block at `base`: the container's end if it is in it,
    /// `Some(None)` to go on, `None` when this pass cannot tell.
    fn block(&mut self, block: &[u8; 64], base: usize) -> Option<Option<usize>> {
        let classes = classify(block, self.cpu);
        let (escaped, bad_escapes) = self.escaped(block, base, classes.backslash);
        let quote = classes.quote & !escaped;
        let in_string = prefix_xor(quote) ^ self.in_string;
        self.in_string = ((in_string as i64) >> 63) as u64;
        // What is refused in a string: an escape this pass does not judge, and a control
        // character (serde_json refuses them). Outside strings, a control character that is
        // not a blank is taken as a scalar below, which no number or literal starts with.
        // Either only counts before the container's end.
        let refused = bad_escapes | (classes.control & in_string);
        let scalar = !(classes.structural | classes.blank | quote | in_string);
        let scalar_start = scalar & !((scalar << 1) | self.in_scalar);
        self.in_scalar = scalar >> 63;
        let mut tokens = (classes.structural & !in_string) | (quote & in_string) | scalar_start;
        let mut row = usize::from(self.state) * 256;
        while tokens != 0 {
            let i = tokens.trailing_zeros() as usize;
            tokens &= tokens - 1;
            let byte = block[i];
            let next = ROWS[(row + usize::from(byte)) % ROWS.len()];
            if next < ACTED {
                row = usize::from(next);
                continue;
            }
            let act = u8::try_from(next - ACTED).unwrap_or(action::REFUSE);
            let state = match act {
                action::OPEN_OBJECT | action::OPEN_ARRAY => {
                    if self.depth == self.depth_left {
                        return None;
                    }
                    let object = act == action::OPEN_OBJECT;
                    self.objects[self.depth % 128] = object;
                    self.depth += 1;
                    if object {
                        state::FIRST_KEY
                    } else {
                        state::FIRST_ELEMENT
                    }
                }
                action::CLOSE => {
                    self.depth -= 1;
                    if self.depth == 0 {
                        let before = u64::MAX >> (63 - i);
                        return ((refused & before) == 0).then_some(Some(base + i + 1));
                    }
                    if self.objects[(self.depth - 1) % 128] {
                        state::AFTER_MEMBER
                    } else {
                        state::AFTER_ELEMENT
                    }
                }
                action::MEMBER_SCALAR => {
                    self.scalar_in_block(block, base, i, scalar, classes.digit)?;
                    state::AFTER_MEMBER
                }
                action::ELEMENT_SCALAR => {
                    self.scalar_in_block(block, base, i, scalar, classes.digit)?;
                    state::AFTER_ELEMENT
                }
                _ => return None,
            };
            row = usize::from(state) * 256;
        }
        self.state = (row / 256) as u8;
        (refused == 0).then_some(None)
    }

    /// The bytes of the block a backslash escapes (a backslash escaped itself escapes
    /// nothing), and those of them that do not make an escape serde_json accepts: JSON's
    /// one-character escapes, and `\u` with four hex digits (see [`Self::unicode_escape`]).
    fn escaped(&mut self, block: &[u8; 64], base: usize, backslash: u64) -> (u64, u64) {
        let mut escaped = u64::from(std::mem::take(&mut self.escapes_next));
        if backslash == 0 && escaped == 0 {
            return (0, 0);
        }
        let mut each = backslash;
        while each != 0 {
            let i = each.trailing_zeros();
            each &= each - 1;
            if escaped & (1 << i) != 0 {
                continue;
            }
            if i == 63 {
                self.escapes_next = true;
            } else {
                escaped |= 1 << (i + 1);
            }
        }
        let mut bad = 0;
        let mut each = escaped;
        while each != 0 {
            let i = each.trailing_zeros();
            each &= each - 1;
            let accepted = match block[i as usize] {
                b'"' | b'\\' | b'/' | b'b' | b'f' | b'n' | b'r' | b't' => true,
                b'u' => self.unicode_escape(base + i as usize + 1),
                _ => false,
            };
            if !accepted {
                bad |= 1 << i;
            }
        }
        (escaped, bad)
    }

    /// Whether the `\u` escape whose hex digits start at `at` is one serde_json accepts: a
    /// code unit that is not a surrogate, a leading surrogate followed by the escape of a
    /// trailing one, or that trailing one.
    fn unicode_escape(&mut self, at: usize) -> bool {
        let Some(unit) = self.code_unit(at) else {
            return false;
        };
        match unit {
            0xD800..=0xDBFF => {
                let trailing = at + 6;
                let paired = self.bytes.get(at + 4..trailing) == Some(b"\\u")
                    && self
                        .code_unit(trailing)
                        .is_some_and(|unit| (0xDC00..=0xDFFF).contains(&unit));
                self.paired_trailing = paired.then_some(trailing);
                paired
            }
            0xDC00..=0xDFFF => self.paired_trailing == Some(at),
            _ => true,
        }
    }

    /// The code unit the four hex digits at `at` name.
    fn code_unit(&self, at: usize) -> Option<u32> {
        let mut unit = 0;
        for &digit in self.bytes.get(at..at + 4)? {
            unit = unit << 4 | char::from(digit).to_digit(16)?;
        }
        Some(unit)
    }

    /// The number or literal starting at byte `i` of the block at `base`, judged from the
    /// block's masks when it ends in the block (its bytes are the run of `scalar` bits from
    /// `i`, and the byte after them is a blank, a bracket, `:`, `,` or a quote): a short
    /// integer, or a literal. Anything else goes to [`Self::scalar`].
    fn scalar_in_block(
        &mut self,
        block: &[u8; 64],
        base: usize,
        i: usize,
        scalar: u64,
        digit: u64,
    ) -> Option<()> {
        let run = (!(scalar >> i)).trailing_zeros() as usize;
        if i + run < 64 {
            let bits = ((1u64 << run) - 1) << i;
            let judged = match block[i] {
                // Fewer than 16 digits, nothing but digits: what `short_integer` accepts.
                b'1'..=b'9' => run < 16 && digit & bits == bits,
                b'0' => run == 1,
                b't' => block[i..i + run] == *b"true",
                b'f' => block[i..i + run] == *b"false",
                b'n' => block[i..i + run] == *b"null",
                _ => false,
            };
            if judged {
                return Some(());
            }
        }
        self.scalar(block[i], base + i)
    }

    /// A number or literal at `at`, ending where a blank, a bracket, `:`, `,` or a quote
    /// starts.
    fn scalar(&mut self, byte: u8, at: usize) -> Option<()> {
        let end = match byte {
            b'1'..=b'9' => self.short_integer(at).or_else(|| (self.number_end)(at))?,
            b'-' | b'0' => (self.number_end)(at)?,
            b't' | b'f' | b'n' => {
                let word: &[u8] = match byte {
                    b't' => b"true",
                    b'f' => b"false",
                    _ => b"null",
                };
                let end = at + word.len();
                (self.bytes.get(at..end)? == word).then_some(end)?
            }
            _ => return None,
        };
        matches!(
            self.bytes.get(end),
            Some(b' ' | b'\t' | b'\n' | b'\r' | b'{' | b'}' | b'[' | b']' | b':' | b',' | b'"')
        )
        .then_some(())
    }

    /// The end of a number at `at` made of fewer than 16 digits only (no fraction or
    /// exponent follows), whose value serde_json surely accepts; else `None`.
    fn short_integer(&self, at: usize) -> Option<usize> {
        let mut end = at;
        while end - at < 16 && self.bytes.get(end).is_some_and(u8::is_ascii_digit) {
            end += 1;
        }
        (end - at < 16 && !matches!(self.bytes.get(end), Some(b'.' | b'e' | b'E'))).then_some(end)
    }
}

#[cfg(test)]
#[cfg(target_arch = "x86_64")]
mod tests {
    use super::*;

    #[test]
    fn every_byte_is_classified_as_a_byte_by_byte_look_would() {
        let mut rng = fastrand::Rng::with_seed(64);
        let interesting = b"\"\\{}[]:, \t\n\r\x00\x1f\x20\x7f\x80\xff[{;+ ";
        for _ in 0..2_000 {
            let block: [u8; 64] = std::array::from_fn(|_| {
                if rng.bool() {
                    interesting[rng.usize(..interesting.len())]
                } else {
                    rng.u8(..)
                }
            });
            let want = classify_bytewise(&block);
            assert_eq!(classify_sse2(&block), want, "{block:?}");
            if std::is_x86_feature_detected!("avx2") {
                // SAFETY: the CPU has AVX2.
                assert_eq!(unsafe { classify_avx2(&block) }, want, "{block:?}");
            }
        }
    }

    #[test]
    fn every_byte_value_is_classified_in_every_lane() {
        for byte in 0..=u8::MAX {
            for at in 0..64 {
                let mut block = [b'a'; 64];
                block[at] = byte;
                let want = classify_bytewise(&block);
                assert_eq!(classify_sse2(&block), want, "{byte:#04x} at {at}");
                if std::is_x86_feature_detected!("avx2") {
                    // SAFETY: the CPU has AVX2.
                    assert_eq!(
                        unsafe { classify_avx2(&block) },
                        want,
                        "{byte:#04x} at {at}"
                    );
                }
            }
        }
    }

    #[test]
    fn nesting_is_judged_up_to_the_depth_given() {
        let mut text = String::from("1");
        for depth in 1..=130 {
            text = if depth % 2 == 0 {
                format!("{{\"a\": {text}}}")
            } else {
                format!("[{text}]")
            };
            let judged = skip_container(text.as_bytes(), 0, 100, |at| Some(at + 1));
            assert_eq!(judged, (depth <= 100).then_some(text.len()), "{depth}");
        }
    }

    #[test]
    fn prefix_xor_marks_the_bits_after_an_odd_count() {
        let mut rng = fastrand::Rng::with_seed(65);
        for _ in 0..1_000 {
            let x = rng.u64(..);
            let mut want = 0u64;
            let mut odd = false;
            for i in 0..64 {
                odd ^= x & (1 << i) != 0;
                want |= u64::from(odd) << i;
            }
            assert_eq!(prefix_xor(x), want);
        }
    }
}

/// The pass against the byte-by-byte scan and serde_json, on seeded random documents and
/// mutations of them.
#[cfg(test)]
#[cfg(target_arch = "x86_64")]
mod differential {
    use super::skip_container;
    use crate::check::scan::{number_end, skip_byte_by_byte};

    /// A random JSON value, written with random blanks.
    fn value(rng: &mut fastrand::Rng, depth: usize, out: &mut String) {
        let blank = |rng: &mut fastrand::Rng, out: &mut String| {
            for _ in 0..rng.usize(..3) {
                out.push([' ', '\n', '\t', '\r'][rng.usize(..4)]);
            }
        };
        if depth < 6 && rng.u8(..10) < 4 {
            let object = rng.bool();
            out.push(if object { '{' } else { '[' });
            blank(rng, out);
            for i in 0..rng.usize(..6) {
                if i > 0 {
                    out.push(',');
                    blank(rng, out);
                }
                if object {
                    string(rng, out);
                    blank(rng, out);
                    out.push(':');
                    blank(rng, out);
                }
                value(rng, depth + 1, out);
                blank(rng, out);
            }
            out.push(if object { '}' } else { ']' });
            return;
        }
        match rng.u8(..6) {
            0 => string(rng, out),
            1 => out.push_str(["true", "false", "null"][rng.usize(..3)]),
            2 => out.push_str(&rng.i64(..).to_string()),
            3 => out.push_str(&format!("{}", rng.f64() * 1e6 - 5e5)),
            4 => out.push_str(["0", "-0", "1e5", "2E-3", "-1.5e+10", "0.25"][rng.usize(..6)]),
            _ => {
                out.push(char::from(rng.u8(b'1'..=b'9')));
                (0..rng.usize(..40)).for_each(|_| out.push(char::from(rng.u8(b'0'..=b'9'))));
            }
        }
    }

    /// A random string, long enough at times to cross a block, with escapes of every kind.
    fn string(rng: &mut fastrand::Rng, out: &mut String) {
        out.push('"');
        let long = rng.u8(..8) == 0;
        for _ in 0..rng.usize(..if long { 150 } else { 12 }) {
            match rng.u8(..20) {
                0 => out.push_str(
                    ["\\\"", "\\\\", "\\/", "\\b", "\\f", "\\n", "\\r", "\\t"][rng.usize(..8)],
                ),
                1 => out.push_str(["\\u00e9", "\\u0041", "\\uFFFF", "\\u2028"][rng.usize(..4)]),
                2 => out.push_str(
                    ["\\ud83d\\ude00", "\\uDBFF\\uDFFF", "\\uD800\\uDC00"][rng.usize(..3)],
                ),
                3 => out.push(['é', '€', '𝄞', '{', '[', ':', ','][rng.usize(..7)]),
                _ => match char::from(rng.u8(b' '..=b'~')) {
                    '"' | '\\' => out.push('q'),
                    c => out.push(c),
                },
            }
        }
        out.push('"');
    }

    /// What the pass says of `text` from `at` must be the scan's answer, when it gives one;
    /// whether it gave one.
    fn agrees(text: &str, at: usize, context: &str) -> bool {
        let judged = skip_container(text.as_bytes(), at, 100, |n| number_end(text, n));
        let Some(end) = judged else {
            return false;
        };
        assert_eq!(
            skip_byte_by_byte(text, at),
            Some(end),
            "{context}: the pass ended at {end} in {text:?}"
        );
        assert!(
            // Into a `Value`: reading past strings (`IgnoredAny`), serde_json does not judge
            // surrogates.
            serde_json::from_str::<serde_json::Value>(&text[at..end]).is_ok(),
            "{context}: serde_json refuses what the pass accepted: {:?}",
            &text[at..end]
        );
        true
    }

    #[test]
    fn it_accepts_what_the_scan_accepts_and_ends_where_it_ends() {
        let mut rng = fastrand::Rng::with_seed(9535);
        let mutations: &[&str] = &[
            "\"",
            "\\",
            "{",
            "}",
            "[",
            "]",
            ":",
            ",",
            " ",
            "\u{1}",
            "\n",
            "x",
            "0",
            "-",
            ".",
            "e",
            "tru",
            "\\u",
            "\\ud800",
            "\\udc00",
            "\\ud800\\u0041",
            "\\ud800\\ud800",
            "\\ud800\\",
            "\\ud83d\\ude00",
            "é",
            "01",
            "1e999",
        ];
        let mut judged_mutated = 0;
        for round in 0..20_000 {
            let mut text = String::new();
            let prefix = "x".repeat(rng.usize(..70));
            text.push_str(&prefix);
            let at = text.len();
            let mut body = String::new();
            value(&mut rng, 0, &mut body);
            if !body.starts_with(['[', '{']) {
                body = format!("[{body}]");
            }
            text.push_str(&body);
            // What follows the container is never read.
            text.push_str(["", ", \"\u{1}\\q\\ud800\"", "]]]", " 1e999 \\x"][rng.usize(..4)]);
            assert!(
                agrees(&text, at, &format!("round {round}")),
                "round {round}: the pass could not tell a valid container: {body:?}"
            );
            for _ in 0..3 {
                let mut mutated = body.clone();
                let mut point = rng.usize(..=mutated.len());
                while !mutated.is_char_boundary(point) {
                    point -= 1;
                }
                match rng.u8(..3) {
                    0 => mutated.insert_str(point, mutations[rng.usize(..mutations.len())]),
                    1 if point < mutated.len() => {
                        mutated.remove(point);
                    }
                    _ => {
                        mutated.truncate(point);
                        mutated.push_str(mutations[rng.usize(..mutations.len())]);
                    }
                }
                let text = format!("{prefix}{mutated}");
                if agrees(&text, at, &format!("round {round}, mutated")) {
                    judged_mutated += 1;
                }
            }
        }
        assert!(judged_mutated > 5_000, "{judged_mutated} judged");
    }
}
