//! Cycles per guest function, from the ELF's symbols.

use crate::program::Program;

/// Cycles spent in one function (its own instructions, not its callees').
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FunctionProfile {
    pub name: String,
    pub addr: u32,
    pub cycles: u64,
}

/// Cycles per pc, attributed to functions.
#[derive(Clone, Debug)]
pub struct Profile {
    /// Functions with at least one cycle, most cycles first.
    pub functions: Vec<FunctionProfile>,
    /// Total cycles counted.
    pub total: u64,
}

impl Profile {
    /// Attribute `counts` (cycles per ROM index) to the program's function symbols; cycles
    /// at addresses no symbol covers go to `<unknown>`.
    pub fn new(program: &Program, counts: Vec<u64>) -> Self {
        let symbols = program.symbols();
        let mut per_symbol = vec![0u64; symbols.len() + 1];
        for (idx, &n) in counts.iter().enumerate() {
            if n == 0 {
                continue;
            }
            let pc = program.code_base() + 4 * idx as u32;
            // The last symbol starting at or before pc, if pc lies within its size (a size of
            // zero is taken to extend to the next symbol).
            let pos = symbols.partition_point(|s| s.addr <= pc);
            let slot = match pos.checked_sub(1) {
                Some(i) => {
                    let s = &symbols[i];
                    let inside = s.size == 0 || pc < s.addr.saturating_add(s.size);
                    if inside {
                        i
                    } else {
                        symbols.len()
                    }
                }
                None => symbols.len(),
            };
            per_symbol[slot] += n;
        }
        let mut functions: Vec<FunctionProfile> = per_symbol
            .iter()
            .enumerate()
            .filter(|(_, &n)| n > 0)
            .map(|(i, &cycles)| match symbols.get(i) {
                Some(s) => FunctionProfile {
                    name: s.name.clone(),
                    addr: s.addr,
                    cycles,
                },
                None => FunctionProfile {
                    name: "<unknown>".into(),
                    addr: 0,
                    cycles,
                },
            })
            .collect();
        functions.sort_by(|a, b| b.cycles.cmp(&a.cycles).then(a.name.cmp(&b.name)));
        Self {
            total: counts.iter().sum(),
            functions,
        }
    }
}
