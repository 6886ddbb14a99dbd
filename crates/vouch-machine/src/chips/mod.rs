//! The chips. Each module states what its table proves.

pub mod alu;
pub mod bitwise;
pub mod blind;
pub mod branch;
pub mod bytes;
pub mod divrem;
pub mod ecall;
pub mod halt;
pub mod jump;
pub mod load;
pub mod merkle;
pub mod mul;
pub mod page;
pub mod poseidon2;
pub mod program;
pub mod range;
pub mod segment;
pub mod shift;
pub mod store;
pub mod upper;
