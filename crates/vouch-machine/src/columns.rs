//! Typed views of trace rows.
//!
//! Every chip declares its row as a `#[repr(C)]` struct generic over the cell type `T`, whose
//! fields are all `T` or arrays of `T` (or such structs). [`impl_columns!`] gives it the
//! borrowing from `[T]` both in constraints (`T` = an AIR variable) and in trace generation
//! (`T` = a field element), and the constant `WIDTH`. The one `unsafe` cast lives here.

/// A 32-bit value as four little-endian bytes.
pub type Word<T> = [T; 4];

/// Implement `Borrow<$cols<T>>` and `BorrowMut<$cols<T>>` for `[T]` (the row's first `WIDTH`
/// cells: a table's row is its chip's columns, then the blinding columns of `chips::blind`),
/// `$cols::<T>::WIDTH`, and `$cols::<usize>::indices()` (each column's index, for `main_next_row_columns`). The struct
/// must be `Copy`.
///
/// The struct must be `#[repr(C)]` and contain only fields of type `T` (directly, in arrays or
/// in nested structs with the same property). Then it has the size and alignment of
/// `[T; WIDTH]` for every `T`, with `WIDTH = size_of::<$cols<u8>>()`.
#[macro_export]
macro_rules! impl_columns {
    ($cols:ident) => {
        impl<T> $cols<T> {
            /// Number of columns.
            pub const WIDTH: usize = ::core::mem::size_of::<$cols<u8>>();
        }

        impl $cols<usize> {
            /// Every column's index: `indices().field` is the column of `field`.
            pub fn indices() -> Self {
                let idx: ::std::vec::Vec<usize> = (0..$cols::<usize>::WIDTH).collect();
                *::core::borrow::Borrow::<$cols<usize>>::borrow(idx.as_slice())
            }
        }

        impl<T> ::core::borrow::Borrow<$cols<T>> for [T] {
            fn borrow(&self) -> &$cols<T> {
                assert!(
                    self.len() >= $cols::<T>::WIDTH,
                    "row width of {}",
                    stringify!($cols)
                );
                // SAFETY: `$cols<T>` is `#[repr(C)]` with only `T` fields, so it has the layout
                // of `[T; WIDTH]`; the slice holds at least `WIDTH` initialised `T`s and the
                // returned reference borrows its first `WIDTH`.
                unsafe { &*(self.as_ptr() as *const $cols<T>) }
            }
        }

        impl<T> ::core::borrow::BorrowMut<$cols<T>> for [T] {
            fn borrow_mut(&mut self) -> &mut $cols<T> {
                assert!(
                    self.len() >= $cols::<T>::WIDTH,
                    "row width of {}",
                    stringify!($cols)
                );
                // SAFETY: as for `Borrow`; the mutable borrow of the slice is exclusive.
                unsafe { &mut *(self.as_mut_ptr() as *mut $cols<T>) }
            }
        }
    };
}
