//! The binary's allocator: mimalloc for blocks under a mebibyte, and for larger ones, on
//! Linux a mapping of its own in huge pages (for a block aligned to at most a page, which is
//! all but a few), else the system allocator.
//!
//! Loading a collection and running it make many small, short-lived allocations (a
//! compiled step holds dozens); glibc's `malloc` spent a third of the instructions of
//! loading a 10,000-step collection, mimalloc a fraction of that (BENCHMARKS.md, issue 20,
//! sixth session). A large block — a response body of megabytes — grows by `realloc`,
//! which can move a mapped block's pages without copying them (`mremap`) where mimalloc
//! copies it into a new block and holds both for a moment: so large blocks are not
//! mimalloc's (W3's 50 MB body peaks at 71 MiB so, at 74–81 MiB with mimalloc for every
//! block).
//!
//! A block of a mebibyte or more (the collection's text, the list of its compiled steps, a
//! large body) is mapped on its own, made starting on a huge page and in whole ones, and
//! offered transparent huge pages, as mimalloc's own arena is: the kernel then backs it 2 MiB
//! at a time instead of faulting it in 4 KiB pages, which on a virtual machine costs several
//! times the time (BENCHMARKS.md, issue 20, seventeenth and twentieth sessions). glibc's
//! `glibc.malloc.hugetlb=1` tunable, which a program cannot set for itself, does the
//! advising but not the aligning.

use std::alloc::{GlobalAlloc, Layout, System};
use std::ffi::c_void;

use libmimalloc_sys::{
    mi_free, mi_malloc, mi_malloc_aligned, mi_realloc, mi_realloc_aligned, mi_zalloc,
    mi_zalloc_aligned,
};

/// Blocks of this many bytes or more are not mimalloc's.
const LARGE: usize = 1 << 20;

/// The alignment every block of mimalloc's is made with, however it is asked for
/// (`MI_MAX_ALIGN_SIZE`), when it is no larger than the block.
const MIMALLOC_ALIGN: usize = 16;

/// Routes each block by its size; a block's size and alignment are given back with it when
/// it is freed or resized (`GlobalAlloc`'s contract), so its owner is known.
pub struct Allocator;

fn is_large(size: usize) -> bool {
    size >= LARGE
}

/// Which allocator makes a block of `size` bytes aligned to `align`: every method asks this
/// of the layout it is given, so a block goes back to the one that made it.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Owner {
    /// mimalloc.
    Small,
    /// The system allocator: a block of a mebibyte or more aligned past a page, or any
    /// such block where there are no huge pages ([`huge`]).
    Large,
    /// Mapped on its own in huge pages ([`huge`]).
    Huge,
}

fn owner(size: usize, align: usize) -> Owner {
    if huge::holds(size, align) {
        Owner::Huge
    } else if is_large(size) {
        Owner::Large
    } else {
        Owner::Small
    }
}

/// Blocks of a mebibyte or more, each mapped on its own (Linux): made starting on a huge
/// page, in whole huge pages, and offered transparent huge pages (`MADV_HUGEPAGE`), as
/// mimalloc's own arena is. The kernel then backs such a block 2 MiB at a time instead of
/// faulting it in 4 KiB pages. A block grows or shrinks by `mremap`, which moves its pages
/// without copying them, as the system allocator's mapped blocks do (where a moved block
/// lands: `realloc` below).
#[cfg(target_os = "linux")]
mod huge {
    use std::ptr::null_mut;
    use std::sync::atomic::{AtomicPtr, Ordering};

    /// The size of a huge page on x86-64 and on ARM64 with 4 KiB pages.
    pub const PAGE: usize = 2 << 20;

    /// The smallest block mapped here: half a huge page, so that a block takes at most twice
    /// its size once written. The list of a 10,000-step collection's compiled steps (2.08
    /// MB, just under 2 MiB) was made in 507 pages of 4 KiB, each a fault that costs this VM
    /// ~3.5 µs, where one huge page costs ~0.3 ms (BENCHMARKS.md, issue 20, twentieth
    /// session).
    pub const AT_LEAST: usize = super::LARGE;
    const _: () = assert!(2 * AT_LEAST == PAGE);

    /// The alignment a block keeps wherever `mremap` moves it: a page's, on every Linux.
    const KEPT_ALIGN: usize = 4096;

    /// Whether a block of `size` bytes aligned to `align` is mapped here.
    pub fn holds(size: usize, align: usize) -> bool {
        size >= AT_LEAST && align <= KEPT_ALIGN
    }

    /// The bytes mapped for a block of `size`: whole huge pages. The tail of the last is
    /// never written, but once a byte of that page is, the kernel backs the whole of it:
    /// a block holds up to a huge page more memory than it asked for.
    fn mapped(size: usize) -> Option<usize> {
        size.checked_next_multiple_of(PAGE)
    }

    /// A new mapping of `len` bytes (a multiple of [`PAGE`]) starting on a huge page,
    /// zeroed (fresh anonymous memory is), or null.
    fn reserve(len: usize) -> *mut u8 {
        let Some(spare) = len.checked_add(PAGE) else {
            return null_mut();
        };
        // SAFETY: a new private anonymous mapping, which nothing else refers to.
        let raw = unsafe {
            libc::mmap(
                null_mut(),
                spare,
                libc::PROT_READ | libc::PROT_WRITE,
                libc::MAP_PRIVATE | libc::MAP_ANONYMOUS,
                -1,
                0,
            )
        };
        if raw == libc::MAP_FAILED {
            return null_mut();
        }
        // One huge page more than asked is mapped, so that an aligned start is in it; what
        // lies before that start and after the `len` bytes is given back.
        let start = (raw as usize).next_multiple_of(PAGE);
        let head = start - raw as usize;
        let tail = spare - head - len;
        // SAFETY: both ranges are parts of the mapping just made, outside the block.
        unsafe {
            if head > 0 {
                libc::munmap(raw, head);
            }
            if tail > 0 {
                libc::munmap((start + len) as *mut libc::c_void, tail);
            }
        }
        start as *mut u8
    }

    /// The largest mapping a freed block leaves [`KEPT`] (the most a body is given up front
    /// on the strength of its `Content-Length`, `http::PREALLOCATE_LIMIT`).
    const KEPT_AT_MOST: usize = 16 << 20;

    /// The mapping of the block freed last, for the next block (see [`Kept`]).
    static KEPT: Kept = Kept::new();

    /// At most one freed block's mapping, kept for the next block made here. A run that reads
    /// a body of megabytes from every response would otherwise map it, have the kernel
    /// zero and back it page by page, and unmap it, for every response: 2.2–2.5 ms of system
    /// time a 3 MB body on this VM, where a heap reuses what it backed before (BENCHMARKS.md,
    /// issue 20, twentieth session). While kept, a mapping's first word holds its length.
    ///
    /// What it costs: up to [`KEPT_AT_MOST`] stays resident after the last large block is
    /// freed, until the next one takes it or the process ends; and it counts against an
    /// address-space limit (`ulimit -v`), so a mapping that cannot be made gives it back and
    /// tries again ([`fresh`], [`realloc`]). Only a mapping that starts on a huge page is
    /// kept or handed out, so every block made here starts on one (a mapping `mremap` moved
    /// does only on Linux 6.7 and later).
    pub struct Kept(AtomicPtr<u8>);

    impl Kept {
        pub const fn new() -> Kept {
            Kept(AtomicPtr::new(null_mut()))
        }

        /// Keeps the mapping of `len` bytes at `block` (a block freed), giving back the one
        /// kept before; a mapping past [`KEPT_AT_MOST`] is given back at once.
        ///
        /// # Safety
        /// `block` is the whole of a mapping of `len` bytes of this allocator's, which the
        /// caller no longer uses.
        pub unsafe fn keep(&self, block: *mut u8, len: usize) {
            if len > KEPT_AT_MOST || !(block as usize).is_multiple_of(PAGE) {
                // SAFETY: the caller's mapping, unused from here on.
                unsafe { libc::munmap(block.cast(), len) };
                return;
            }
            // SAFETY: the mapping is the caller's, at least a page long and page-aligned.
            unsafe { block.cast::<usize>().write(len) };
            // Release: whoever takes the mapping reads the length written above; acquire:
            // this call reads the length of the one it displaces.
            let before = self.0.swap(block, Ordering::AcqRel);
            if !before.is_null() {
                // SAFETY: a kept mapping, now this call's alone (the swap took it).
                unsafe { libc::munmap(before.cast(), before.cast::<usize>().read()) };
            }
        }

        /// The kept mapping resized to `len` bytes (its bytes are not zeroed), or null when
        /// none is kept or it cannot be resized (then it is given back).
        pub fn take(&self, len: usize) -> *mut u8 {
            let kept = self.0.swap(null_mut(), Ordering::AcqRel);
            if kept.is_null() {
                return kept;
            }
            // SAFETY: a kept mapping, now this call's alone (the swap took it); its first
            // word is its length (`keep`).
            let kept_len = unsafe { kept.cast::<usize>().read() };
            if kept_len == len {
                return kept;
            }
            // SAFETY: the whole of a mapping of `kept_len` bytes, as in `realloc`.
            let resized = unsafe { libc::mremap(kept.cast(), kept_len, len, libc::MREMAP_MAYMOVE) };
            if resized == libc::MAP_FAILED {
                // SAFETY: the mapping is still whole and this call's.
                unsafe { libc::munmap(kept.cast(), kept_len) };
                return null_mut();
            }
            if !(resized as usize).is_multiple_of(PAGE) {
                // Moved off a huge page (Linux before 6.7): a fresh mapping is aligned.
                // SAFETY: the resized mapping is whole and this call's.
                unsafe { libc::munmap(resized, len) };
                return null_mut();
            }
            advise(resized.cast(), len);
            resized.cast()
        }

        /// Gives back the kept mapping, if there is one; whether there was.
        pub fn release(&self) -> bool {
            let kept = self.0.swap(null_mut(), Ordering::AcqRel);
            if kept.is_null() {
                return false;
            }
            // SAFETY: a kept mapping, now this call's alone; its first word is its length.
            unsafe { libc::munmap(kept.cast(), kept.cast::<usize>().read()) };
            true
        }
    }

    /// A new block of `size` bytes (its bytes not zeroed: the mapping of a freed block, when
    /// one is [`KEPT`]), or null.
    pub unsafe fn alloc(size: usize) -> *mut u8 {
        let Some(len) = mapped(size) else {
            return null_mut();
        };
        let kept = KEPT.take(len);
        if !kept.is_null() {
            return kept;
        }
        fresh(len)
    }

    /// A new block of `size` bytes, zeroed (a fresh mapping is), or null.
    pub unsafe fn alloc_zeroed(size: usize) -> *mut u8 {
        mapped(size).map_or(null_mut(), fresh)
    }

    /// A fresh mapping of `len` bytes (a multiple of [`PAGE`]), advised huge pages, or null
    /// (after giving back the [`KEPT`] mapping and trying again).
    fn fresh(len: usize) -> *mut u8 {
        let mut block = reserve(len);
        if block.is_null() && KEPT.release() {
            block = reserve(len);
        }
        if !block.is_null() {
            advise(block, len);
        }
        block
    }

    /// Frees a block of `size` bytes [`alloc`] or [`realloc`] made: its mapping is [`KEPT`]
    /// for the next block, or unmapped.
    pub unsafe fn dealloc(ptr: *mut u8, size: usize) {
        if let Some(len) = mapped(size) {
            // SAFETY: the caller's block is the whole of a mapping of `len` bytes, and freed.
            unsafe { KEPT.keep(ptr, len) };
        }
    }

    /// The block of `old_size` bytes at `ptr` resized to `new_size` (both [`holds`] sizes),
    /// its bytes kept: in place when its mapping already fits or can shrink or grow where
    /// it is, else its pages moved (not copied) where the kernel finds room. Null when the
    /// kernel cannot, the block left as it was.
    ///
    /// A moved block starts on a huge page when the kernel puts it on one (Linux 6.7 and
    /// later do so for a mapping of whole huge pages); else only its aligned middle gets
    /// them. Reserving an aligned place first and moving into it (`MREMAP_FIXED`) would
    /// hold both sizes of address space at once, where `mremap` counts only the growth
    /// against a process's address-space limit: a body growing to a gigabyte under
    /// `ulimit -v` then failed (`hostile::a_body_of_more_json_values_than_runner_keeps_…`).
    pub unsafe fn realloc(ptr: *mut u8, old_size: usize, new_size: usize) -> *mut u8 {
        let (Some(old), Some(new)) = (mapped(old_size), mapped(new_size)) else {
            return null_mut();
        };
        if old == new {
            return ptr;
        }
        // SAFETY: the caller's block is the whole of a mapping of `old` bytes; `mremap`
        // keeps its bytes (up to the smaller size) wherever the pages go, and leaves the
        // block as it was when it fails.
        let resize = || unsafe { libc::mremap(ptr.cast(), old, new, libc::MREMAP_MAYMOVE) };
        let mut moved = resize();
        if moved == libc::MAP_FAILED && KEPT.release() {
            moved = resize();
        }
        if moved == libc::MAP_FAILED {
            return null_mut();
        }
        // The advice goes with the mapping; the grown part is advised all the same.
        advise(moved.cast(), new);
        moved.cast()
    }

    /// Asks the kernel to back `block..block + len` (whole pages) with huge pages where it
    /// can (where it cannot, nothing changes: it is advice, and its result is not needed).
    fn advise(block: *mut u8, len: usize) {
        // SAFETY: the range is a mapping of this allocator's, and `MADV_HUGEPAGE` neither
        // frees nor changes any byte of it.
        unsafe { libc::madvise(block.cast(), len, libc::MADV_HUGEPAGE) };
    }

    #[cfg(test)]
    mod tests {
        use super::*;

        /// Writes every 4 KiB page of `len` bytes at `block`, and reads them back.
        fn usable(block: *mut u8, len: usize) -> bool {
            (0..len).step_by(4096).chain([len - 1]).all(|at| {
                // SAFETY: the caller's block holds `len` bytes.
                unsafe {
                    block.add(at).write(at as u8 ^ 0x5a);
                    block.add(at).read() == at as u8 ^ 0x5a
                }
            })
        }

        #[test]
        fn the_next_block_takes_the_mapping_of_the_one_freed_last() {
            // Other tests free and take large blocks meanwhile, so the reuse is looked for
            // over several tries; a fresh mapping is zero, so a byte that survives the free
            // was kept (the first word is not looked at: it holds the length while kept).
            let size = PAGE - 4096;
            let kept = (0..200).any(|_| {
                // SAFETY: each block is a mapping of `size` bytes or more, used within its
                // size and freed once; its bytes are the kernel's (mapped, so defined).
                unsafe {
                    let first = alloc(size);
                    assert!(!first.is_null());
                    first.add(4096).write(0xa5);
                    dealloc(first, size);
                    let second = alloc(size);
                    assert!(!second.is_null());
                    let survived = second == first && second.add(4096).read() == 0xa5;
                    dealloc(second, size);
                    survived
                }
            });
            assert!(kept, "no freed mapping was taken by the next block");
        }

        #[test]
        fn a_freed_mapping_is_kept_for_the_next_block_at_any_size() {
            // A slot of the test's own: the allocator's is shared with every other test.
            let kept = Kept::new();
            assert!(kept.take(PAGE).is_null(), "nothing kept yet");
            let first = fresh(PAGE);
            assert!(usable(first, PAGE));
            // SAFETY: a mapping of `PAGE` bytes of this allocator's, not used after.
            unsafe { kept.keep(first, PAGE) };
            assert_eq!(kept.take(PAGE), first, "the same size: the same mapping");
            assert!(kept.take(PAGE).is_null(), "taken once");
            // SAFETY: `first` is `PAGE` bytes, this test's again.
            unsafe { libc::munmap(first.cast(), PAGE) };
            // Kept, then asked for at another size: resized, its pages whole and usable.
            for (from, to) in [(PAGE, 3 * PAGE), (3 * PAGE, PAGE), (PAGE, 2 * PAGE)] {
                let block = fresh(from);
                // SAFETY: as above.
                unsafe { kept.keep(block, from) };
                let resized = kept.take(to);
                assert!(!resized.is_null() && usable(resized, to), "{from} → {to}");
                // SAFETY: the resized mapping is `to` bytes, this test's.
                unsafe { libc::munmap(resized.cast(), to) };
            }
            // A second block freed gives back the first: the one kept is the last.
            let (older, newer) = (fresh(PAGE), fresh(PAGE));
            // SAFETY: as above, each kept once.
            unsafe {
                kept.keep(older, PAGE);
                kept.keep(newer, PAGE);
            }
            assert_eq!(kept.take(PAGE), newer);
            // Given back when asked (as a mapping that cannot be made asks).
            // SAFETY: as above.
            unsafe { kept.keep(newer, PAGE) };
            assert!(kept.release() && !kept.release());
            let newer = fresh(PAGE);
            // Off a huge page: given back at once, so every block made here starts on one.
            let wide = fresh(2 * PAGE);
            // SAFETY: the last `PAGE` bytes but a page of `wide`, a mapping of this test's;
            // `keep` unmaps them, the rest is unmapped after.
            unsafe {
                kept.keep(wide.add(4096), PAGE);
                assert!(kept.take(PAGE).is_null(), "a mapping off a huge page");
                libc::munmap(wide.cast(), 4096);
                libc::munmap(wide.add(4096 + PAGE).cast(), PAGE - 4096);
            }
            // Past the largest kept: given back at once.
            let large = fresh(KEPT_AT_MOST + PAGE);
            // SAFETY: as above.
            unsafe { kept.keep(large, KEPT_AT_MOST + PAGE) };
            assert!(kept.take(PAGE).is_null());
            // SAFETY: `newer` is `PAGE` bytes, this test's.
            unsafe { libc::munmap(newer.cast(), PAGE) };
        }
    }
}

/// Elsewhere the system allocator makes every block of a mebibyte or more: no block is
/// huge, and these are never called (null, as for a block that cannot be made, were they).
#[cfg(not(target_os = "linux"))]
mod huge {
    #[cfg(test)]
    pub const PAGE: usize = 2 << 20;
    pub fn holds(_size: usize, _align: usize) -> bool {
        false
    }
    pub unsafe fn alloc(_size: usize) -> *mut u8 {
        std::ptr::null_mut()
    }
    pub unsafe fn alloc_zeroed(_size: usize) -> *mut u8 {
        std::ptr::null_mut()
    }
    pub unsafe fn dealloc(_ptr: *mut u8, _size: usize) {}
    pub unsafe fn realloc(_ptr: *mut u8, _old_size: usize, _new_size: usize) -> *mut u8 {
        std::ptr::null_mut()
    }
}

/// Whether mimalloc's plain entry points (`mi_malloc`, `mi_realloc`) align a block of
/// `size` to `align`: they skip the checks of the `_aligned` ones, about half the
/// instructions of a small allocation. It is mimalloc v2's own rule for a block that is
/// "naturally aligned" (`mi_malloc_is_naturally_aligned`, which `mi_malloc_aligned` itself
/// takes that path on), and std's `System` makes the same choice with `malloc`. The
/// `mimalloc` crate once took this shortcut with a looser rule and returned misaligned
/// blocks (RUSTSEC-2022-0094): the tests below allocate every size to 1 KiB at every such
/// alignment, and a debug build checks every block.
fn plain_aligns(size: usize, align: usize) -> bool {
    align <= MIMALLOC_ALIGN && align <= size
}

/// mimalloc's side of the allocator: blocks under [`LARGE`].
mod small {
    use super::*;

    pub unsafe fn alloc(layout: Layout) -> *mut u8 {
        // SAFETY: mimalloc's allocation functions take any size and alignment.
        let block: *mut u8 = unsafe {
            if plain_aligns(layout.size(), layout.align()) {
                mi_malloc(layout.size()).cast()
            } else {
                mi_malloc_aligned(layout.size(), layout.align()).cast()
            }
        };
        debug_assert!(block.is_null() || (block as usize).is_multiple_of(layout.align()));
        block
    }

    pub unsafe fn alloc_zeroed(layout: Layout) -> *mut u8 {
        // SAFETY: as in `alloc`.
        unsafe {
            if plain_aligns(layout.size(), layout.align()) {
                mi_zalloc(layout.size()).cast()
            } else {
                mi_zalloc_aligned(layout.size(), layout.align()).cast()
            }
        }
    }

    pub unsafe fn dealloc(ptr: *mut u8) {
        // SAFETY: the caller's `ptr` was made by mimalloc.
        unsafe { mi_free(ptr.cast::<c_void>()) }
    }

    pub unsafe fn realloc(ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        // SAFETY: the caller's `ptr` was made by mimalloc with `layout`; the block is
        // resized keeping that alignment.
        let block: *mut u8 = unsafe {
            if plain_aligns(new_size, layout.align()) {
                mi_realloc(ptr.cast::<c_void>(), new_size).cast()
            } else {
                mi_realloc_aligned(ptr.cast::<c_void>(), new_size, layout.align()).cast()
            }
        };
        debug_assert!(block.is_null() || (block as usize).is_multiple_of(layout.align()));
        block
    }
}

// SAFETY: every method hands the block to the allocator its layout names ([`owner`]),
// which is the one that made it (the size given back is the size it was made with), and
// each allocator upholds `GlobalAlloc`'s contract itself.
unsafe impl GlobalAlloc for Allocator {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        // SAFETY: the caller's contract is passed on.
        unsafe {
            match owner(layout.size(), layout.align()) {
                Owner::Small => small::alloc(layout),
                Owner::Large => System.alloc(layout),
                Owner::Huge => huge::alloc(layout.size()),
            }
        }
    }

    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        // SAFETY: the caller's contract is passed on.
        unsafe {
            match owner(layout.size(), layout.align()) {
                Owner::Small => small::alloc_zeroed(layout),
                Owner::Large => System.alloc_zeroed(layout),
                Owner::Huge => huge::alloc_zeroed(layout.size()),
            }
        }
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        // SAFETY: `ptr` was made by the allocator `layout` names.
        unsafe {
            match owner(layout.size(), layout.align()) {
                Owner::Small => small::dealloc(ptr),
                Owner::Large => System.dealloc(ptr, layout),
                Owner::Huge => huge::dealloc(ptr, layout.size()),
            }
        }
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        // SAFETY: `ptr` was made by the allocator `layout` names; a block that changes
        // owner is copied into a new one of `new_size` bytes and the old one freed.
        // `new_size` rounded up to `layout.align()` fits in `isize` (`realloc`'s own
        // precondition), which is what `Layout::from_size_align_unchecked` asks.
        unsafe {
            let align = layout.align();
            match (owner(layout.size(), align), owner(new_size, align)) {
                (Owner::Small, Owner::Small) => small::realloc(ptr, layout, new_size),
                (Owner::Large, Owner::Large) => System.realloc(ptr, layout, new_size),
                (Owner::Huge, Owner::Huge) => huge::realloc(ptr, layout.size(), new_size),
                _ => {
                    let new_layout = Layout::from_size_align_unchecked(new_size, align);
                    let new = self.alloc(new_layout);
                    if !new.is_null() {
                        std::ptr::copy_nonoverlapping(ptr, new, layout.size().min(new_size));
                        self.dealloc(ptr, layout);
                    }
                    new
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The bytes of a block of `len` the tests write and read back: every 97th, and the
    /// last.
    fn marked(len: usize) -> impl Iterator<Item = usize> {
        (0..len).step_by(97).chain(len.checked_sub(1))
    }

    fn pattern(seed: u8, i: usize) -> u8 {
        seed.wrapping_add(i as u8).wrapping_mul(31) ^ (i >> 8) as u8
    }

    /// Writes a pattern that depends on `seed` and the offset into the marked bytes.
    unsafe fn fill(ptr: *mut u8, len: usize, seed: u8) {
        for i in marked(len) {
            // SAFETY: the caller owns `len` bytes at `ptr`.
            unsafe { *ptr.add(i) = pattern(seed, i) };
        }
    }

    /// Whether the bytes [`fill`] marked in a block of `written` are still there, those of
    /// them below `kept` (the caller owns `kept` bytes at `ptr`).
    unsafe fn holds(ptr: *const u8, written: usize, kept: usize, seed: u8) -> bool {
        marked(written)
            .filter(|&i| i < kept)
            // SAFETY: `i` is below `kept`.
            .all(|i| unsafe { *ptr.add(i) } == pattern(seed, i))
    }

    #[test]
    fn blocks_keep_their_bytes_and_alignment_through_any_resize() {
        let mut rng = fastrand::Rng::with_seed(20);
        // Around mimalloc's plain alignment (16) and the line between the allocators.
        let sizes = [
            1,
            7,
            8,
            15,
            16,
            17,
            24,
            64,
            4096,
            // The line between mimalloc and the rest, which on Linux is the huge path's line
            // too (`huge::AT_LEAST`).
            LARGE - 1,
            LARGE,
            LARGE + 1,
            huge::PAGE - 1,
            huge::PAGE,
            huge::PAGE + 1,
            3 * LARGE,
            5 * LARGE + 4321,
        ];
        for round in 0..600 {
            // To 8 KiB: past what a block mapped on its own keeps when it moves.
            let align = 1usize << rng.usize(0..14);
            let mut size = sizes[rng.usize(..sizes.len())];
            let seed = round as u8;
            // SAFETY: each block is used within its size, resized and freed with the layout
            // it has, once.
            unsafe {
                let mut layout = Layout::from_size_align(size, align).expect("a layout");
                let mut ptr = Allocator.alloc(layout);
                assert!(!ptr.is_null());
                assert_eq!(ptr as usize % align, 0, "{layout:?}");
                fill(ptr, size, seed);
                for _ in 0..3 {
                    let new_size = sizes[rng.usize(..sizes.len())];
                    ptr = Allocator.realloc(ptr, layout, new_size);
                    assert!(!ptr.is_null());
                    assert_eq!(
                        ptr as usize % align,
                        0,
                        "{size} → {new_size}, align {align}"
                    );
                    let kept = size.min(new_size);
                    assert!(
                        holds(ptr, size, kept, seed),
                        "{size} → {new_size}, align {align}"
                    );
                    size = new_size;
                    layout = Layout::from_size_align(size, align).expect("a layout");
                    fill(ptr, size, seed);
                }
                Allocator.dealloc(ptr, layout);
            }
        }
    }

    /// Every size to 1 KiB at every alignment to 32, with blocks of each kept alive together
    /// (so they do not just reuse one free slot), made, grown and shrunk.
    #[test]
    fn every_small_size_at_every_small_alignment_comes_back_aligned() {
        for align in [1, 2, 4, 8, 16, 32] {
            for size in 1..=1024 {
                // SAFETY: each block is resized and freed with the layout it has, once.
                unsafe {
                    let layout = Layout::from_size_align(size, align).expect("a layout");
                    let mut blocks: Vec<*mut u8> =
                        (0..8).map(|_| Allocator.alloc(layout)).collect();
                    for &block in &blocks {
                        assert!(
                            !block.is_null() && (block as usize).is_multiple_of(align),
                            "{layout:?}"
                        );
                    }
                    for (i, block) in blocks.iter_mut().enumerate() {
                        let new_size = if i % 2 == 0 {
                            size * 2 + 1
                        } else {
                            size.div_ceil(2)
                        };
                        *block = Allocator.realloc(*block, layout, new_size);
                        assert!(
                            !block.is_null() && (*block as usize).is_multiple_of(align),
                            "{layout:?} → {new_size}"
                        );
                        let new_layout =
                            Layout::from_size_align(new_size, align).expect("a layout");
                        Allocator.dealloc(*block, new_layout);
                    }
                }
            }
        }
    }

    #[test]
    fn blocks_under_a_mebibyte_come_from_mimalloc_and_larger_ones_do_not() {
        for (size, from_mimalloc) in [(8, true), (LARGE - 1, true), (LARGE, false)] {
            let layout = Layout::from_size_align(size, 8).expect("a layout");
            // SAFETY: the block is freed with its layout, once; mimalloc only reads the
            // address.
            unsafe {
                let ptr = Allocator.alloc(layout);
                assert!(!ptr.is_null());
                let in_mimalloc = libmimalloc_sys::mi_is_in_heap_region(ptr.cast());
                assert_eq!(in_mimalloc, from_mimalloc, "{size} bytes");
                let grown = Allocator.realloc(ptr, layout, 2 * LARGE);
                assert!(!libmimalloc_sys::mi_is_in_heap_region(grown.cast()));
                let layout = Layout::from_size_align(2 * LARGE, 8).expect("a layout");
                let shrunk = Allocator.realloc(grown, layout, 64);
                assert!(libmimalloc_sys::mi_is_in_heap_region(shrunk.cast()));
                Allocator.dealloc(shrunk, Layout::from_size_align(64, 8).expect("a layout"));
            }
        }
    }

    /// The flags of the mapping that holds `address` (`VmFlags` in `/proc/self/smaps`).
    #[cfg(target_os = "linux")]
    fn mapping_flags(address: usize) -> Vec<String> {
        let smaps = std::fs::read_to_string("/proc/self/smaps").expect("smaps");
        let mut inside = false;
        for line in smaps.lines() {
            // A mapping's first line starts with its range (`7f3a…-7f3b… rw-p …`), each
            // line after it with a field's name (`VmFlags:`).
            let range = line.split_whitespace().next().and_then(|range| {
                let (start, end) = range.split_once('-')?;
                Some((
                    usize::from_str_radix(start, 16).ok()?,
                    usize::from_str_radix(end, 16).ok()?,
                ))
            });
            if let Some((start, end)) = range {
                inside = (start..end).contains(&address);
            } else if let Some(flags) = line.strip_prefix("VmFlags:").filter(|_| inside) {
                return flags.split_whitespace().map(str::to_owned).collect();
            }
        }
        panic!("no mapping holds {address:#x}");
    }

    #[cfg(target_os = "linux")]
    #[test]
    fn blocks_of_a_mebibyte_or_more_start_on_a_huge_page_and_are_advised_made_grown_or_zeroed() {
        // Without transparent huge pages in the kernel the advice is refused, and only where
        // a block starts is checked.
        let thp = std::fs::read_to_string("/sys/kernel/mm/transparent_hugepage/enabled")
            .is_ok_and(|modes| !modes.contains("[never]"));
        let placed = |block: *mut u8, size: usize| {
            // The first and last byte: the advice covers every page of the block.
            !block.is_null()
                && (block as usize).is_multiple_of(huge::PAGE)
                && (!thp
                    || [block as usize, block as usize + size - 1]
                        .into_iter()
                        .all(|address| mapping_flags(address).iter().any(|flag| flag == "hg")))
        };
        let at = |size| Layout::from_size_align(size, 16).expect("a layout");
        // A mebibyte (half a huge page), just under a huge page (the list of a large
        // collection's steps), several.
        for size in [huge::AT_LEAST, huge::PAGE - 4096, 3 * huge::PAGE + 12_345] {
            // SAFETY: each block is used within its size and freed with its layout, once.
            unsafe {
                let block = Allocator.alloc(at(size));
                assert!(placed(block, size), "{size}");
                fill(block, size, 1);
                let zeroed = Allocator.alloc_zeroed(at(size));
                assert!(placed(zeroed, size), "zeroed {size}");
                Allocator.dealloc(zeroed, at(size));
                // Grown from under the line, and grown again past it, a neighbour in the
                // way of growing in place: moved, its bytes kept.
                let grown = Allocator.realloc(Allocator.alloc(at(LARGE - 1)), at(LARGE - 1), size);
                assert!(placed(grown, size), "grown to {size}");
                fill(grown, size, 2);
                let neighbour = Allocator.alloc(at(size));
                let more = Allocator.realloc(grown, at(size), 4 * size);
                assert!(!more.is_null(), "grown to {}", 4 * size);
                assert!(holds(more, size, size, 2), "grown to {}", 4 * size);
                // Asked for more than can be mapped: null, and the block is as it was.
                let impossible = isize::MAX as usize - 4095;
                assert!(Allocator.realloc(block, at(size), impossible).is_null());
                assert!(holds(block, size, size, 1), "{size}");
                Allocator.dealloc(more, at(4 * size));
                Allocator.dealloc(neighbour, at(size));
                Allocator.dealloc(block, at(size));
            }
        }
    }

    #[test]
    fn a_zeroed_block_is_zero_where_a_block_was_written_and_freed() {
        for size in [LARGE, huge::PAGE - 4096, 3 * huge::PAGE + 1] {
            let layout = Layout::from_size_align(size, 16).expect("a layout");
            // SAFETY: each block is used within its size and freed with its layout, once.
            unsafe {
                let written = Allocator.alloc(layout);
                assert!(!written.is_null());
                fill(written, size, 7);
                Allocator.dealloc(written, layout);
                let zeroed = Allocator.alloc_zeroed(layout);
                assert!(!zeroed.is_null());
                assert!(marked(size).all(|i| *zeroed.add(i) == 0), "{size}");
                Allocator.dealloc(zeroed, layout);
            }
        }
    }

    #[test]
    fn zeroed_blocks_are_zero_on_either_side_of_the_line() {
        for (size, align) in [
            (8, 16),
            (16, 16),
            (24, 64),
            (LARGE - 8, 16),
            (LARGE, 16),
            (2 * LARGE, 16),
            (3 * LARGE + 1, 64),
            // Aligned past a huge page: the system allocator's.
            (3 * LARGE, 4 << 20),
        ] {
            let layout = Layout::from_size_align(size, align).expect("a layout");
            // SAFETY: the block is read within its size and freed with its layout, once.
            unsafe {
                let ptr = Allocator.alloc_zeroed(layout);
                assert!(!ptr.is_null());
                assert_eq!(ptr as usize % align, 0, "{layout:?}");
                assert!(marked(size).all(|i| *ptr.add(i) == 0), "{size}");
                Allocator.dealloc(ptr, layout);
            }
        }
    }
}
