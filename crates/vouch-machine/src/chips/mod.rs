//! The chips. Each module states what its table proves.

pub mod alu;
pub mod boundary;
pub mod bytes;
pub mod halt;
pub mod image;
pub mod program;
pub mod range;
pub mod segment;
