//! Gadgets shared by chips: each pairs its constraints (`eval_*`) with its row filling
//! (`populate`, under the `trace` feature), documented as "Assumes … / Constrains …".

pub mod memory;
pub mod register_op;
pub mod word;
