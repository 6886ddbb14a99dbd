//! The atomic libcalls of std guests (`__atomic_load_4`, `__atomic_compare_exchange_1`, …).
//!
//! `riscv32im-risc0-zkvm-elf` has no `A` extension, so LLVM turns every atomic operation of
//! std and its users into a call to these functions (the GCC atomic library ABI). A guest
//! runs on one hart with no threads and no interrupts, so plain loads and stores are atomic:
//! nothing can observe an operation half done. The memory-order arguments are therefore
//! ignored.

/// Defines the libcalls for one operand size: `$n` bytes, type `$t`.
macro_rules! atomics {
    ($t:ty, $load:ident, $store:ident, $exchange:ident, $cas:ident,
     $add:ident, $sub:ident, $and:ident, $or:ident, $xor:ident, $nand:ident) => {
        /// Atomic load (single-threaded: a plain load).
        ///
        /// # Safety
        ///
        /// `ptr` must be valid and aligned for a read of the operand.
        #[unsafe(no_mangle)]
        pub unsafe extern "C" fn $load(ptr: *const $t, _order: i32) -> $t {
            // SAFETY: the caller's contract (that of the atomic operation it lowers).
            unsafe { ptr.read() }
        }

        /// Atomic store (single-threaded: a plain store).
        ///
        /// # Safety
        ///
        /// `ptr` must be valid and aligned for a write of the operand.
        #[unsafe(no_mangle)]
        pub unsafe extern "C" fn $store(ptr: *mut $t, value: $t, _order: i32) {
            // SAFETY: the caller's contract.
            unsafe { ptr.write(value) }
        }

        /// Atomic swap: store `value`, return the old value.
        ///
        /// # Safety
        ///
        /// `ptr` must be valid and aligned for reads and writes of the operand.
        #[unsafe(no_mangle)]
        pub unsafe extern "C" fn $exchange(ptr: *mut $t, value: $t, _order: i32) -> $t {
            // SAFETY: the caller's contract.
            unsafe { ptr.replace(value) }
        }

        /// Atomic compare-and-swap: when `*ptr == *expected`, store `desired` and return
        /// true; otherwise copy `*ptr` to `*expected` and return false.
        ///
        /// # Safety
        ///
        /// `ptr` and `expected` must be valid and aligned for reads and writes of the operand.
        #[unsafe(no_mangle)]
        pub unsafe extern "C" fn $cas(
            ptr: *mut $t,
            expected: *mut $t,
            desired: $t,
            _success: i32,
            _failure: i32,
        ) -> bool {
            // SAFETY: the caller's contract.
            unsafe {
                let current = ptr.read();
                if current == expected.read() {
                    ptr.write(desired);
                    true
                } else {
                    expected.write(current);
                    false
                }
            }
        }

        atomics!(@rmw $t, $add, |a: $t, b: $t| a.wrapping_add(b));
        atomics!(@rmw $t, $sub, |a: $t, b: $t| a.wrapping_sub(b));
        atomics!(@rmw $t, $and, |a: $t, b: $t| a & b);
        atomics!(@rmw $t, $or, |a: $t, b: $t| a | b);
        atomics!(@rmw $t, $xor, |a: $t, b: $t| a ^ b);
        atomics!(@rmw $t, $nand, |a: $t, b: $t| !(a & b));
    };
    (@rmw $t:ty, $name:ident, $op:expr) => {
        /// Atomic read-modify-write: store `op(old, value)`, return the old value.
        ///
        /// # Safety
        ///
        /// `ptr` must be valid and aligned for reads and writes of the operand.
        #[unsafe(no_mangle)]
        pub unsafe extern "C" fn $name(ptr: *mut $t, value: $t, _order: i32) -> $t {
            // SAFETY: the caller's contract.
            unsafe {
                let old = ptr.read();
                ptr.write($op(old, value));
                old
            }
        }
    };
}

atomics!(
    u8,
    __atomic_load_1,
    __atomic_store_1,
    __atomic_exchange_1,
    __atomic_compare_exchange_1,
    __atomic_fetch_add_1,
    __atomic_fetch_sub_1,
    __atomic_fetch_and_1,
    __atomic_fetch_or_1,
    __atomic_fetch_xor_1,
    __atomic_fetch_nand_1
);
atomics!(
    u16,
    __atomic_load_2,
    __atomic_store_2,
    __atomic_exchange_2,
    __atomic_compare_exchange_2,
    __atomic_fetch_add_2,
    __atomic_fetch_sub_2,
    __atomic_fetch_and_2,
    __atomic_fetch_or_2,
    __atomic_fetch_xor_2,
    __atomic_fetch_nand_2
);
atomics!(
    u32,
    __atomic_load_4,
    __atomic_store_4,
    __atomic_exchange_4,
    __atomic_compare_exchange_4,
    __atomic_fetch_add_4,
    __atomic_fetch_sub_4,
    __atomic_fetch_and_4,
    __atomic_fetch_or_4,
    __atomic_fetch_xor_4,
    __atomic_fetch_nand_4
);
atomics!(
    u64,
    __atomic_load_8,
    __atomic_store_8,
    __atomic_exchange_8,
    __atomic_compare_exchange_8,
    __atomic_fetch_add_8,
    __atomic_fetch_sub_8,
    __atomic_fetch_and_8,
    __atomic_fetch_or_8,
    __atomic_fetch_xor_8,
    __atomic_fetch_nand_8
);
