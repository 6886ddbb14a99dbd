//! Formatting without the heap: [`StackBuf`], a fixed-size buffer that truncates.

use core::fmt;

/// A `fmt::Write` sink of `N` bytes on the stack. Output past the capacity is dropped at a
/// character boundary and [`StackBuf::truncated`] is set, so a message always stays valid
/// UTF-8 and never needs an allocation (used where allocating may be what failed).
pub(crate) struct StackBuf<const N: usize> {
    buf: [u8; N],
    len: usize,
    truncated: bool,
}

impl<const N: usize> StackBuf<N> {
    pub(crate) const fn new() -> Self {
        Self {
            buf: [0; N],
            len: 0,
            truncated: false,
        }
    }

    /// Whether some output did not fit.
    pub(crate) fn truncated(&self) -> bool {
        self.truncated
    }

    /// The text written so far.
    pub(crate) fn as_str(&self) -> &str {
        // Only whole `str`s and prefixes cut at character boundaries are ever copied in.
        core::str::from_utf8(&self.buf[..self.len]).unwrap_or("<invalid UTF-8>")
    }

    /// Replace the end of the text with `marker` (which must fit in `N`), to show a cut.
    pub(crate) fn mark_truncated(&mut self, marker: &str) {
        let mut keep = self.len.min(N.saturating_sub(marker.len()));
        while keep > 0 && !self.as_str().is_char_boundary(keep) {
            keep -= 1;
        }
        self.len = keep;
        let end = (keep + marker.len()).min(N);
        self.buf[keep..end].copy_from_slice(&marker.as_bytes()[..end - keep]);
        self.len = end;
    }
}

impl<const N: usize> fmt::Write for StackBuf<N> {
    fn write_str(&mut self, s: &str) -> fmt::Result {
        let room = N - self.len;
        let mut take = s.len().min(room);
        if take < s.len() {
            self.truncated = true;
            while !s.is_char_boundary(take) {
                take -= 1;
            }
        }
        self.buf[self.len..self.len + take].copy_from_slice(&s.as_bytes()[..take]);
        self.len += take;
        // Keep formatting going (and ignore the rest) rather than fail: a cut message is
        // better than none.
        Ok(())
    }
}

/// A byte count for people: `512 B`, `12 KiB`, `3.5 MiB`.
pub(crate) struct Bytes(pub(crate) usize);

impl fmt::Display for Bytes {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        const KIB: usize = 1 << 10;
        const MIB: usize = 1 << 20;
        let n = self.0;
        if n >= MIB {
            let tenths = (n % MIB) * 10 / MIB;
            write!(f, "{}.{} MiB", n / MIB, tenths)
        } else if n >= KIB {
            write!(f, "{} KiB", n / KIB)
        } else {
            write!(f, "{n} B")
        }
    }
}
