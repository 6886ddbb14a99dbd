//! The global allocator: a bump allocator over `_end .. HEAP_END`.
//!
//! A guest runs once and exits, so memory is never returned to a free list. Two cases are
//! still handled in place, because they are what `Vec`, `String` and friends do most: the
//! most recent allocation grows or shrinks where it is on `realloc`, and freeing it moves the
//! bump pointer back. Running out of heap stops the guest at once with a message that says so
//! (through `PANIC`, without formatting on the heap).
//!
//! Fresh heap memory reads as zero (the executor starts with zeroed memory and nothing else
//! writes above the bump pointer's high-water mark), so `alloc_zeroed` only clears bytes that
//! were handed out before.

use core::alloc::{GlobalAlloc, Layout};
use core::fmt::Write;

use vouch_abi::memory::HEAP_END;

use crate::cell::Global;
use crate::fmt::{Bytes, StackBuf};

extern "C" {
    /// End of the program image, defined by `vouch.ld` (16-byte aligned).
    static _end: u8;
}

/// The bump allocator's state.
struct Heap {
    /// First heap byte (`_end`, aligned); 0 until [`init`] runs.
    start: usize,
    /// Next free byte.
    next: usize,
    /// Start of the most recent live allocation, which may grow, shrink or be freed in place;
    /// 0 when there is none. When non-zero, that allocation ends at `next`.
    last: usize,
    /// Highest `next` ever reached: memory from here to `HEAP_END` has never been handed out
    /// and still reads as zero.
    high_water: usize,
}

/// The allocator registered with `#[global_allocator]`.
pub(crate) struct BumpAllocator {
    heap: Global<Heap>,
}

impl BumpAllocator {
    pub(crate) const fn new() -> Self {
        Self {
            heap: Global::new(Heap {
                start: 0,
                next: 0,
                last: 0,
                high_water: 0,
            }),
        }
    }
}

#[global_allocator]
static ALLOCATOR: BumpAllocator = BumpAllocator::new();

/// Set the heap up to start at `_end`. Called once by the entry point before `main`.
pub(crate) fn init() {
    let start = align_up(core::ptr::addr_of!(_end) as usize, 16).unwrap_or(HEAP_END as usize);
    // SAFETY: the closure touches only this allocator's state and calls nothing that
    // allocates.
    unsafe {
        ALLOCATOR.heap.with(|heap| {
            heap.start = start;
            heap.next = start;
            heap.last = 0;
            heap.high_water = start;
        })
    }
}

/// `addr` rounded up to `align` (a power of two), or `None` on overflow.
#[inline]
fn align_up(addr: usize, align: usize) -> Option<usize> {
    Some(addr.checked_add(align - 1)? & !(align - 1))
}

impl Heap {
    /// Hand out `layout`, or `None` when the heap is exhausted.
    #[inline]
    fn alloc(&mut self, layout: Layout) -> Option<usize> {
        let start = align_up(self.next, layout.align())?;
        let end = start.checked_add(layout.size())?;
        if end > HEAP_END as usize {
            return None;
        }
        self.next = end;
        self.last = start;
        self.high_water = self.high_water.max(end);
        Some(start)
    }

    /// Resize the most recent allocation, at `ptr`, in place; `false` when it would not fit.
    #[inline]
    fn resize_last(&mut self, ptr: usize, new_size: usize) -> bool {
        match ptr.checked_add(new_size) {
            Some(end) if end <= HEAP_END as usize => {
                self.next = end;
                self.high_water = self.high_water.max(end);
                true
            }
            _ => false,
        }
    }
}

// SAFETY: every block handed out lies in `[_end, HEAP_END)`, is aligned as asked, and does not
// overlap any other live block: `next` only moves back over the most recent block when that
// block is freed or shrunk, and blocks are only resized in place when they are the most recent.
unsafe impl GlobalAlloc for BumpAllocator {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        // SAFETY: the closure touches only the allocator state and calls nothing that
        // allocates.
        match unsafe { self.heap.with(|heap| heap.alloc(layout)) } {
            Some(addr) => addr as *mut u8,
            None => exhausted(layout.size()),
        }
    }

    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        // SAFETY: as in `alloc`.
        let found = unsafe {
            self.heap.with(|heap| {
                let high_water = heap.high_water;
                heap.alloc(layout).map(|addr| (addr, high_water))
            })
        };
        let Some((addr, high_water)) = found else {
            exhausted(layout.size())
        };
        // Only bytes below the high-water mark from before this allocation can be non-zero.
        let dirty = high_water.saturating_sub(addr).min(layout.size());
        if dirty > 0 {
            // SAFETY: `addr .. addr + size` was just allocated to us, and `dirty <= size`.
            unsafe { core::ptr::write_bytes(addr as *mut u8, 0, dirty) };
        }
        addr as *mut u8
    }

    unsafe fn dealloc(&self, ptr: *mut u8, _layout: Layout) {
        let addr = ptr as usize;
        // SAFETY: the closure touches only the allocator state.
        unsafe {
            self.heap.with(|heap| {
                if heap.last != 0 && heap.last == addr {
                    heap.next = addr;
                    heap.last = 0;
                }
            })
        }
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        let addr = ptr as usize;
        // SAFETY: the closure touches only the allocator state.
        let in_place = unsafe {
            self.heap.with(|heap| {
                if heap.last != 0 && heap.last == addr {
                    heap.resize_last(addr, new_size)
                } else {
                    // An older block can always shrink where it is (its tail is lost).
                    new_size <= layout.size()
                }
            })
        };
        if in_place {
            return ptr;
        }
        // SAFETY: `layout.align()` is a valid alignment (it came with a valid layout) and the
        // caller guarantees `new_size`, rounded up to it, does not overflow `isize`.
        let new_layout = unsafe { Layout::from_size_align_unchecked(new_size, layout.align()) };
        // SAFETY: `new_size` is non-zero, as `realloc`'s contract requires.
        let new_ptr = unsafe { self.alloc(new_layout) };
        // SAFETY: the old block is live and `layout.size()` long; the new block is at least
        // as long here (we only get here when growing) and, being fresh, does not overlap it.
        unsafe { core::ptr::copy_nonoverlapping(ptr, new_ptr, layout.size().min(new_size)) };
        // SAFETY: `ptr` was allocated with `layout` and is not used after this.
        unsafe { self.dealloc(ptr, layout) };
        new_ptr
    }
}

/// Allocate `size` bytes aligned to `align` (a power of two) from the heap, for std's
/// `sys_alloc_aligned` / `sys_alloc_words`. Never returns null: stops the guest when the heap
/// is exhausted.
#[cfg(feature = "std")]
pub(crate) fn alloc_raw(size: usize, align: usize) -> *mut u8 {
    match Layout::from_size_align(size.max(1), align.max(1)) {
        // SAFETY: the layout has a non-zero size.
        Ok(layout) => unsafe { ALLOCATOR.alloc(layout) },
        Err(_) => crate::syscall::panic("sys_alloc_aligned: the alignment is not a power of two"),
    }
}

/// Stop the guest: the heap cannot satisfy a request of `size` bytes.
#[cold]
#[inline(never)]
fn exhausted(size: usize) -> ! {
    // SAFETY: the closure touches only the allocator state.
    let (start, next) = unsafe { ALLOCATOR.heap.with(|heap| (heap.start, heap.next)) };
    let total = (HEAP_END as usize).saturating_sub(start);
    let used = next.saturating_sub(start);
    let mut msg = StackBuf::<256>::new();
    let _ = write!(
        msg,
        "heap exhausted: cannot allocate {size} bytes ({}): the heap is {} and {} is in use; \
         its size is fixed by the memory map, so reduce memory use",
        Bytes(size),
        Bytes(total),
        Bytes(used),
    );
    crate::syscall::panic(msg.as_str())
}
