//! The allocator: power-of-two size classes, each with a free list, carved from memory the
//! module grows. About 400 bytes of code where dlmalloc took 6 KB.
//!
//! The client's allocations are small and short-lived (strings, a few `Vec`s per call), and
//! steady work reuses the same classes, so free lists without coalescing keep memory flat
//! (the soak benchmark runs 10,000 calls). A block is at most twice its request.

use core::alloc::{GlobalAlloc, Layout};
use core::arch::wasm32::{memory_grow, memory_size};
use core::cell::UnsafeCell;
use core::ptr::null_mut;

const PAGE: usize = 65_536;
/// The smallest block: room for the free list's link, and every block stays 16-aligned.
const MIN_CLASS: u32 = 4;
const CLASSES: usize = 32;

struct State {
    /// The first free block of each class; each free block holds the address of the next.
    free: [usize; CLASSES],
    /// Memory not yet carved: `next..end`.
    next: usize,
    end: usize,
}

pub struct Allocator(UnsafeCell<State>);

// SAFETY: wasm32-unknown-unknown without atomics has exactly one thread.
unsafe impl Sync for Allocator {}

#[cfg(target_feature = "atomics")]
compile_error!("allocator.rs assumes one thread: build without the atomics target feature");

#[global_allocator]
static ALLOCATOR: Allocator = Allocator(UnsafeCell::new(State {
    free: [0; CLASSES],
    next: 0,
    end: 0,
}));

/// The class of a request: blocks of `1 << class` bytes.
fn class(size: usize) -> usize {
    let bits = usize::BITS - size.max(1 << MIN_CLASS).wrapping_sub(1).leading_zeros();
    bits.max(MIN_CLASS) as usize
}

unsafe impl GlobalAlloc for Allocator {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        let s = &mut *self.0.get();
        let c = class(layout.size());
        // Blocks are 16-aligned: wider alignment (never asked for here) is refused.
        if layout.align() > 1 << MIN_CLASS || c >= CLASSES - 1 {
            return null_mut();
        }
        let head = s.free[c];
        if head != 0 {
            s.free[c] = *(head as *const usize);
            return head as *mut u8;
        }
        let size = 1usize << c;
        if s.end - s.next < size {
            if s.end == 0 {
                // Everything past the memory the module starts with is ours.
                s.next = memory_size(0) * PAGE;
                s.end = s.next;
            }
            let pages = (size - (s.end - s.next)).div_ceil(PAGE);
            if memory_grow(0, pages) == usize::MAX {
                return null_mut();
            }
            s.end += pages * PAGE;
        }
        let p = s.next;
        s.next += size;
        p as *mut u8
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        let s = &mut *self.0.get();
        let c = class(layout.size());
        *(ptr as *mut usize) = s.free[c];
        s.free[c] = ptr as usize;
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        // Same class: the block already fits.
        if class(new_size) == class(layout.size()) {
            return ptr;
        }
        let new = self.alloc(Layout::from_size_align_unchecked(new_size, layout.align()));
        if !new.is_null() {
            core::ptr::copy_nonoverlapping(ptr, new, layout.size().min(new_size));
            self.dealloc(ptr, layout);
        }
        new
    }
}
