//! The journal: the program's public output, and the digest of it that `HALT` carries.

use serde::Serialize;
use sha2::{Digest, Sha256};
use vouch_abi::JOURNAL_DIGEST_WORDS;

use crate::cell::Global;
use crate::syscall;

/// SHA-256 of every byte committed so far; `None` until the first commit.
static HASHER: Global<Option<Sha256>> = Global::new(None);

/// Where the final digest is put for `HALT`: words, so it is word-aligned as the ABI requires.
static DIGEST: Global<[u32; JOURNAL_DIGEST_WORDS]> = Global::new([0; JOURNAL_DIGEST_WORDS]);

/// Append `value` to the journal, in vouch's serde format (`vouch_abi::codec`); the host reads
/// it back with `Journal::decode`.
///
/// # Panics
///
/// When serde cannot encode the value (for example a map or sequence whose length is not known
/// up front).
#[track_caller]
pub fn commit<T: Serialize + ?Sized>(value: &T) {
    match vouch_abi::codec::encode(value) {
        Ok(bytes) => commit_bytes(&bytes),
        Err(err) => panic!(
            "vouch_guest::commit: cannot encode {}: {err}",
            core::any::type_name::<T>()
        ),
    }
}

/// Append raw bytes to the journal.
pub fn commit_bytes(bytes: &[u8]) {
    syscall::commit(bytes);
    // SAFETY: the closure only hashes; it touches no other runtime state.
    unsafe { HASHER.with(|h| h.get_or_insert_with(Sha256::new).update(bytes)) }
}

/// End the program with exit code `code`. The journal digest goes to the host with it.
///
/// Returning from `main` is `exit(0)` (in std guests: the code `main` returns). Std guests
/// should call this rather than `std::process::exit`, which Rust's zkvm standard library
/// cannot implement (it traps; see `docs/std.md`). With `std`, buffered `print!` output is
/// flushed first.
pub fn exit(code: u32) -> ! {
    #[cfg(feature = "std")]
    {
        use std::io::Write;
        // Flushing goes through `sys_write`, which cannot fail.
        let _ = std::io::stdout().flush();
    }
    // SAFETY: the closure only hashes; it touches no other runtime state.
    let digest = unsafe { HASHER.with(|h| h.take().unwrap_or_default().finalize()) };
    // SAFETY: the closure only copies bytes into the digest buffer.
    let words: *const [u32; JOURNAL_DIGEST_WORDS] = unsafe {
        DIGEST.with(|words| {
            for (word, bytes) in words.iter_mut().zip(digest.chunks_exact(4)) {
                *word = u32::from_le_bytes([bytes[0], bytes[1], bytes[2], bytes[3]]);
            }
            words as *const _
        })
    };
    // SAFETY: `words` points into the `DIGEST` static, which lives forever and is not
    // written again: this function halts and is the only writer.
    syscall::halt(code, unsafe { &*words })
}
