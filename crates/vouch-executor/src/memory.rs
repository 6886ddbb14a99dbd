//! Sparse guest memory: 4 KiB pages allocated on first store.

use vouch_abi::memory::{GUEST_MAX_ADDR, PAGE_SIZE};

const PAGE_WORDS: usize = (PAGE_SIZE / 4) as usize;
const NUM_PAGES: usize = (GUEST_MAX_ADDR / PAGE_SIZE) as usize;

type Page = [u32; PAGE_WORDS];

/// Word-granular sparse memory over `[0, GUEST_MAX_ADDR)`.
///
/// Callers check bounds and alignment (the executor does, to report guest errors); the
/// methods here take aligned addresses below `GUEST_MAX_ADDR` and panic otherwise, which only
/// an executor bug can cause. Reading an untouched page yields zero and allocates nothing.
#[derive(Clone)]
pub struct Memory {
    pages: Vec<Option<Box<Page>>>,
}

impl Default for Memory {
    fn default() -> Self {
        Self::new()
    }
}

impl std::fmt::Debug for Memory {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Memory")
            .field("resident_pages", &self.resident_pages())
            .finish()
    }
}

impl Memory {
    /// Empty (all-zero) memory.
    pub fn new() -> Self {
        Self {
            pages: vec![None; NUM_PAGES],
        }
    }

    /// Memory holding a program image of `(word address, value)` pairs.
    pub fn with_image(image: &[(u32, u32)]) -> Self {
        let mut mem = Self::new();
        for &(addr, value) in image {
            mem.store(addr, value);
        }
        mem
    }

    /// The word at aligned address `addr`.
    #[inline(always)]
    pub fn load(&self, addr: u32) -> u32 {
        match &self.pages[(addr / PAGE_SIZE) as usize] {
            Some(page) => page[((addr % PAGE_SIZE) / 4) as usize],
            None => 0,
        }
    }

    /// Store a word at aligned address `addr`.
    #[inline(always)]
    pub fn store(&mut self, addr: u32, value: u32) {
        let page = self.pages[(addr / PAGE_SIZE) as usize]
            .get_or_insert_with(|| Box::new([0; PAGE_WORDS]));
        page[((addr % PAGE_SIZE) / 4) as usize] = value;
    }

    /// Replace the word at `addr`, returning the old value.
    #[inline(always)]
    pub fn replace(&mut self, addr: u32, value: u32) -> u32 {
        let page = self.pages[(addr / PAGE_SIZE) as usize]
            .get_or_insert_with(|| Box::new([0; PAGE_WORDS]));
        std::mem::replace(&mut page[((addr % PAGE_SIZE) / 4) as usize], value)
    }

    /// Number of pages allocated so far.
    pub fn resident_pages(&self) -> usize {
        self.pages.iter().filter(|p| p.is_some()).count()
    }
}
