//! `print!`, `println!`, `eprint!`, `eprintln!`: formatted text to the host's stdout/stderr.
//!
//! Output goes through `WRITE` in pieces of up to [`CHUNK`] bytes, formatted on the stack:
//! printing never allocates. It is not part of the proof.

use core::fmt::{self, Write};

use crate::syscall;

/// Bytes gathered before each `WRITE`.
const CHUNK: usize = 256;

/// A `fmt::Write` sink that sends its bytes to a host file descriptor in chunks.
struct FdWriter {
    fd: u32,
    buf: [u8; CHUNK],
    len: usize,
}

impl FdWriter {
    fn flush(&mut self) {
        if self.len > 0 {
            syscall::write(self.fd, &self.buf[..self.len]);
            self.len = 0;
        }
    }
}

impl Write for FdWriter {
    fn write_str(&mut self, s: &str) -> fmt::Result {
        let mut bytes = s.as_bytes();
        while !bytes.is_empty() {
            if self.len == CHUNK {
                self.flush();
            }
            let take = bytes.len().min(CHUNK - self.len);
            self.buf[self.len..self.len + take].copy_from_slice(&bytes[..take]);
            self.len += take;
            bytes = &bytes[take..];
        }
        Ok(())
    }
}

/// Write formatted text to host file descriptor `fd`. Used by the print macros.
#[doc(hidden)]
pub fn _print(fd: u32, args: fmt::Arguments<'_>) {
    let mut w = FdWriter {
        fd,
        buf: [0; CHUNK],
        len: 0,
    };
    // `write_str` never fails; an error can only come from a `Display` impl, and then what
    // was formatted so far is still printed.
    let _ = w.write_fmt(args);
    w.flush();
}

/// Print to the host's standard output, like `std::print!`.
#[macro_export]
macro_rules! print {
    ($($arg:tt)*) => {
        $crate::print::_print($crate::syscall::FD_STDOUT, ::core::format_args!($($arg)*))
    };
}

/// Print a line to the host's standard output, like `std::println!`.
#[macro_export]
macro_rules! println {
    () => {
        $crate::print!("\n")
    };
    ($($arg:tt)*) => {
        $crate::print::_print(
            $crate::syscall::FD_STDOUT,
            ::core::format_args!("{}\n", ::core::format_args!($($arg)*)),
        )
    };
}

/// Print to the host's standard error, like `std::eprint!`.
#[macro_export]
macro_rules! eprint {
    ($($arg:tt)*) => {
        $crate::print::_print($crate::syscall::FD_STDERR, ::core::format_args!($($arg)*))
    };
}

/// Print a line to the host's standard error, like `std::eprintln!`.
#[macro_export]
macro_rules! eprintln {
    () => {
        $crate::eprint!("\n")
    };
    ($($arg:tt)*) => {
        $crate::print::_print(
            $crate::syscall::FD_STDERR,
            ::core::format_args!("{}\n", ::core::format_args!($($arg)*)),
        )
    };
}
