//! 32-bit words as four byte columns.

use vouch_stark::field::PrimeCharacteristicRing;

use crate::columns::Word;

/// `Σ 256^i w_i`: the value of a word as a field expression. Exact (no wrap-around) only when
/// the word is known to be below p, e.g. an address whose top byte is range-checked.
pub fn word_value<E: PrimeCharacteristicRing + Clone, V: Into<E> + Copy>(w: &Word<V>) -> E {
    w.iter()
        .rev()
        .fold(E::ZERO, |acc, &b| acc * E::from_u32(256) + b.into())
}

/// The bytes of `x` as a word.
pub fn word_to_field<F: PrimeCharacteristicRing>(x: u32) -> Word<F> {
    x.to_le_bytes().map(|b| F::from_u8(b))
}

/// Convert a word of variables into expressions.
pub fn word_expr<E: Clone, V: Into<E> + Copy>(w: &Word<V>) -> [E; 4] {
    w.map(Into::into)
}
