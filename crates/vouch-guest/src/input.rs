//! The private input: a byte stream the host supplies, read in order.
//!
//! The host hands out the input a word at a time (`READ_WORD`). This module keeps the bytes of
//! the last word not yet consumed, so typed reads ([`read`]) and raw reads ([`read_slice`],
//! [`read_to_end`]) can be mixed freely and see one continuous stream.

use alloc::vec;
use alloc::vec::Vec;

use serde::de::DeserializeOwned;
use vouch_abi::codec::bincode;
use vouch_abi::codec::DecodeError;

use crate::cell::Global;
use crate::syscall;

/// Where the guest stands in the input stream.
struct InputState {
    /// Bytes `READ_WORD` has not yet handed out; `None` until asked (`INPUT_REMAINING`).
    unread: Option<u32>,
    /// Unconsumed bytes of the last word read, lowest byte next.
    word: u32,
    /// How many bytes of `word` are unconsumed (0..=3 between calls).
    word_len: u32,
}

static INPUT: Global<InputState> = Global::new(InputState {
    unread: None,
    word: 0,
    word_len: 0,
});

impl InputState {
    /// Input bytes not yet consumed by the program.
    fn available(&mut self) -> usize {
        let unread = *self.unread.get_or_insert_with(syscall::input_remaining);
        unread as usize + self.word_len as usize
    }

    /// Take the next word from the host, counting the bytes it really holds.
    fn next_word(&mut self) -> (u32, u32) {
        let unread = self.unread.get_or_insert(0);
        let valid = (*unread).min(4);
        *unread -= valid;
        (syscall::read_word(), valid)
    }

    /// Fill `dst` from the stream, or consume nothing and return the bytes available when
    /// there are fewer than `dst.len()`.
    fn fill(&mut self, dst: &mut [u8]) -> Result<(), usize> {
        let available = self.available();
        if available < dst.len() {
            return Err(available);
        }
        let mut i = 0;
        // First what is left of the last word.
        while i < dst.len() && self.word_len > 0 {
            dst[i] = self.word as u8;
            self.word >>= 8;
            self.word_len -= 1;
            i += 1;
        }
        // Then whole words: `available` covers them, so all four bytes are real input.
        while dst.len() - i >= 4 {
            let (word, _) = self.next_word();
            dst[i..i + 4].copy_from_slice(&word.to_le_bytes());
            i += 4;
        }
        // Then the head of one more word, keeping its other bytes for the next read.
        if i < dst.len() {
            let (mut word, valid) = self.next_word();
            let mut left = valid;
            while i < dst.len() {
                dst[i] = word as u8;
                word >>= 8;
                left -= 1;
                i += 1;
            }
            self.word = word;
            self.word_len = left;
        }
        Ok(())
    }
}

/// Read a value of type `T` from the input, as the host wrote it with
/// `vouch_sdk::Input::write` (vouch's serde format, `vouch_abi::codec`).
///
/// # Panics
///
/// When the input does not hold an encoded `T` at this point, with a message naming the type,
/// e.g. `vouch_guest::read: cannot decode input as u32: UnexpectedEnd { additional: 2 }`.
#[must_use]
#[track_caller]
pub fn read<T: DeserializeOwned>() -> T {
    match bincode::serde::decode_from_reader(InputReader, vouch_abi::codec::CONFIG) {
        Ok(value) => value,
        Err(err) => panic!(
            "vouch_guest::read: cannot decode input as {}: {err}",
            core::any::type_name::<T>()
        ),
    }
}

/// Fill `buf` with the next `buf.len()` raw input bytes (written by the host with
/// `Input::write_bytes`).
///
/// # Panics
///
/// When fewer than `buf.len()` bytes are left.
#[track_caller]
pub fn read_slice(buf: &mut [u8]) {
    // SAFETY: `fill` only touches the input state and issues syscalls.
    let filled = unsafe { INPUT.with(|input| input.fill(buf)) };
    if let Err(available) = filled {
        panic!(
            "vouch_guest::read_slice: asked for {} bytes but only {available} input bytes are left",
            buf.len()
        );
    }
}

/// Read all input bytes not yet consumed.
#[must_use]
pub fn read_to_end() -> Vec<u8> {
    let mut buf = vec![0; input_remaining()];
    read_slice(&mut buf);
    buf
}

/// How many input bytes are left to read.
#[must_use]
pub fn input_remaining() -> usize {
    // SAFETY: `available` only touches the input state and issues a syscall.
    unsafe { INPUT.with(|input| input.available()) }
}

/// Read up to `buf.len()` input bytes into `buf`; returns how many were read (0 at the end of
/// the input). For std's `sys_read` (`std::io::stdin()`).
#[cfg(feature = "std")]
pub(crate) fn read_some(buf: &mut [u8]) -> usize {
    // SAFETY: `available` and `fill` only touch the input state and issue syscalls.
    unsafe {
        INPUT.with(|input| {
            let n = input.available().min(buf.len());
            // `n` bytes are available, so `fill` succeeds.
            let _ = input.fill(&mut buf[..n]);
            n
        })
    }
}

/// bincode's view of the input stream.
struct InputReader;

impl bincode::de::read::Reader for InputReader {
    fn read(&mut self, bytes: &mut [u8]) -> Result<(), DecodeError> {
        // SAFETY: `fill` only touches the input state and issues syscalls.
        unsafe { INPUT.with(|input| input.fill(bytes)) }.map_err(|available| {
            DecodeError::UnexpectedEnd {
                additional: bytes.len() - available,
            }
        })
    }
}
