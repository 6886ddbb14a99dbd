//! The panic handler: a guest panic ends execution through `PANIC`, and the host reports it
//! as an error with the message and location.

use core::fmt::Write;
use core::panic::PanicInfo;

use crate::fmt::StackBuf;

/// Longest panic message passed to the host, in bytes; longer ones are cut.
const MAX_MESSAGE: usize = 2048;

/// Format `panicked at {file}:{line}:{col}:\n{message}` on the stack (the heap may be what
/// failed) and stop with `PANIC`.
#[panic_handler]
fn panic(info: &PanicInfo<'_>) -> ! {
    let mut msg = StackBuf::<MAX_MESSAGE>::new();
    let _ = match info.location() {
        Some(loc) => write!(
            msg,
            "panicked at {}:{}:{}:\n{}",
            loc.file(),
            loc.line(),
            loc.column(),
            info.message()
        ),
        None => write!(msg, "panicked:\n{}", info.message()),
    };
    if msg.truncated() {
        msg.mark_truncated(" [... truncated]");
    }
    crate::syscall::panic(msg.as_str())
}
