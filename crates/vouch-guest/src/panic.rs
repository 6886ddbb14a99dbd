//! Panics: a guest panic ends execution through `PANIC`, and the host reports it as an error
//! with the message and location.
//!
//! No_std guests get this crate's `#[panic_handler]`. Std guests get std's panic machinery with
//! a hook (installed before `main`) that does the same; a hook the program installs itself
//! replaces it, and then the runtime still passes the panic's message (without location) to
//! the host through `sys_panic` (std's `panic_abort` on zkvm calls it).

use core::fmt::Write;

use crate::fmt::StackBuf;

/// Longest panic message passed to the host, in bytes; longer ones are cut.
const MAX_MESSAGE: usize = 2048;

/// Format `panicked at {file}:{line}:{col}:\n{message}` on the stack (the heap may be what
/// failed) and stop with `PANIC`.
fn report(location: Option<&core::panic::Location<'_>>, message: &dyn core::fmt::Display) -> ! {
    let mut msg = StackBuf::<MAX_MESSAGE>::new();
    let _ = match location {
        Some(loc) => write!(
            msg,
            "panicked at {}:{}:{}:\n{}",
            loc.file(),
            loc.line(),
            loc.column(),
            message
        ),
        None => write!(msg, "panicked:\n{message}"),
    };
    if msg.truncated() {
        msg.mark_truncated(" [... truncated]");
    }
    crate::syscall::panic(msg.as_str())
}

#[cfg(not(feature = "std"))]
#[panic_handler]
fn panic(info: &core::panic::PanicInfo<'_>) -> ! {
    report(info.location(), &info.message())
}

/// Install the panic hook of std guests: report to the host as the no_std handler does.
#[cfg(feature = "std")]
pub(crate) fn install_hook() {
    std::panic::set_hook(std::boxed::Box::new(|info| {
        // A `panic!` payload is a string; `std::panic::panic_any` may carry anything else.
        let payload = info.payload();
        let message = match payload.downcast_ref::<&str>() {
            Some(s) => s,
            None => payload
                .downcast_ref::<std::string::String>()
                .map_or("Box<dyn Any>", |s| s.as_str()),
        };
        report(info.location(), &message)
    }));
}
