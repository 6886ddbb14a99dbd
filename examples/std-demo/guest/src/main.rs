//! Example guest with the Rust standard library: an order report.
//!
//! Reads a JSON document of orders from stdin (the private input), keeps the orders whose id
//! matches `^([A-Z]{2})-[0-9]{4}$`, totals the amounts per region (the id's two letters) in a
//! `HashMap`, finds the median amount with a randomized quickselect (`rand`, seeded by the prover), and
//! commits a [`Report`] to the journal.
//!
//! The randomness only changes how fast the median is found, never the answer, so the proof
//! means the same whatever random words the prover chose. Likewise the `HashMap`'s iteration
//! order (std seeds its hasher from the prover's randomness) never reaches the journal: the
//! totals are sorted first.

use std::collections::HashMap;
use std::io::Read;

use rand::Rng;
use regex::Regex;
use serde::{Deserialize, Serialize};

/// One order of the input document.
#[derive(Deserialize)]
struct Order {
    id: String,
    amount: u64,
}

/// The input document: `{"orders": [...]}`.
#[derive(Deserialize)]
struct Document {
    orders: Vec<Order>,
}

/// What the guest commits.
#[derive(Serialize)]
struct Report {
    /// Orders with a well-formed id.
    valid: u32,
    /// Ids that are not well-formed, in input order.
    rejected: Vec<String>,
    /// Total amount per region, sorted by region.
    totals: Vec<(String, u64)>,
    /// Median amount of the valid orders (the lower median for an even count); 0 when none.
    median: u64,
}

fn main() {
    let mut text = String::new();
    std::io::stdin()
        .read_to_string(&mut text)
        .expect("the input is UTF-8 text");
    let document: Document = match serde_json::from_str(&text) {
        Ok(document) => document,
        Err(err) => panic!("the input is not an order document: {err}"),
    };

    // ASCII classes: `\d` would be every Unicode digit, a much larger automaton to build.
    let id_pattern = Regex::new(r"^([A-Z]{2})-[0-9]{4}$").expect("a valid pattern");
    let mut totals: HashMap<&str, u64> = HashMap::new();
    let mut rejected = Vec::new();
    let mut amounts = Vec::new();
    for order in &document.orders {
        let Some(region) = id_pattern.captures(&order.id).and_then(|c| c.get(1)) else {
            rejected.push(order.id.clone());
            continue;
        };
        *totals.entry(region.as_str()).or_default() += order.amount;
        amounts.push(order.amount);
    }
    let mut totals: Vec<(String, u64)> = totals
        .into_iter()
        .map(|(region, total)| (region.to_string(), total))
        .collect();
    totals.sort();

    let median = if amounts.is_empty() {
        0
    } else {
        let k = (amounts.len() - 1) / 2;
        quickselect(&mut amounts, k, &mut rand::rng())
    };
    let report = Report {
        valid: amounts.len() as u32,
        rejected,
        totals,
        median,
    };
    println!(
        "{} orders: {} valid, {} rejected, {} regions, median amount {}",
        document.orders.len(),
        report.valid,
        report.rejected.len(),
        report.totals.len(),
        report.median
    );
    vouch_guest::commit(&report);
}

/// The `k`-th smallest element of `values` (0-based), reordering `values`: quickselect with
/// random pivots, expected linear time whatever the input order.
fn quickselect(values: &mut [u64], k: usize, rng: &mut impl Rng) -> u64 {
    let (mut lo, mut hi) = (0, values.len());
    loop {
        if hi - lo == 1 {
            return values[lo];
        }
        let pivot = values[rng.random_range(lo..hi)];
        // Three-way partition of values[lo..hi]: < pivot, == pivot, > pivot.
        let (mut lt, mut i, mut gt) = (lo, lo, hi);
        while i < gt {
            if values[i] < pivot {
                values.swap(lt, i);
                lt += 1;
                i += 1;
            } else if values[i] > pivot {
                gt -= 1;
                values.swap(i, gt);
            } else {
                i += 1;
            }
        }
        if k < lt {
            hi = lt;
        } else if k < gt {
            return pivot;
        } else {
            lo = gt;
        }
    }
}
