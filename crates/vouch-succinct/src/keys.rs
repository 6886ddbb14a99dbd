//! The constant key set: which keys there are, how they are made, and the committed copy.
//!
//! The set holds one lift key per menu shape for every keyed ROM height
//! ([`KEYED_ROM_LOG_HEIGHTS`]) and segment size up to 2^[`KEYED_LOG_CYCLES`], and the join key;
//! the final circuit is built over the set's root, and a verifier holds only its verifying
//! key. [`generate`] makes all of it from the template program (deterministically: every key
//! is a commitment to a circuit fixed by its shape); `keys.txt` in this crate is its output,
//! [`committed`] reads it. Programs whose ROM is taller, or segments larger, have no key:
//! proving them succinctly fails with a message, composite receipts still work.

use std::sync::OnceLock;

use vouch_machine::trace::menu::Menu;
use vouch_machine::Machine;
use vouch_recursion::final_layer::{FinalKey, FinalVerifyingKey};
use vouch_recursion::join::JoinKey;
use vouch_recursion::keyset::{KeyDigest, KeySet};
use vouch_recursion::lift::LiftKey;
use vouch_stark::field::{PrimeCharacteristicRing, PrimeField32};
use vouch_stark::Val;

use crate::template::template_segment;
use crate::SuccinctError;

/// The ROM heights (log2) the set has lift keys for: programs of up to 2^16 instructions.
pub const KEYED_ROM_LOG_HEIGHTS: [usize; 2] = [14, 16];

/// The largest segment size (log2 cycles) the set has lift keys for.
pub const KEYED_LOG_CYCLES: usize = 20;

/// Every shape the set has a lift key for, in the set's order.
pub fn keyed_shapes() -> Result<Vec<Vec<usize>>, SuccinctError> {
    let mut shapes = Vec::new();
    for rom in KEYED_ROM_LOG_HEIGHTS {
        let machine = Machine::for_verifier(1 << rom);
        let menu = Menu::new(&machine, 1 << KEYED_LOG_CYCLES)
            .map_err(|e| SuccinctError::Keys(e.to_string()))?;
        shapes.extend(menu.shapes());
    }
    Ok(shapes)
}

/// The lift key of `shape`, laid out from the template program proven at that shape.
pub fn lift_key(shape: &[usize]) -> Result<LiftKey, SuccinctError> {
    let seg = template_segment(shape)?;
    Ok(LiftKey::for_segment(&seg)?)
}

/// The key set's content: each shape's lift key digest, the join key's, and the final
/// circuit's verifying key.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct KeyFile {
    pub lifts: Vec<(Vec<usize>, KeyDigest)>,
    pub join: KeyDigest,
    pub final_key: FinalVerifyingKey,
}

/// The first line of the key file.
const HEADER: &str = "# vouch constant recursion key set: `cargo run --release -p vouch-succinct --example keygen` writes it";

fn digest_text(d: &KeyDigest) -> String {
    d.iter()
        .map(|v| format!("{:08x}", v.as_canonical_u32()))
        .collect()
}

fn parse_digest(s: &str) -> Result<KeyDigest, String> {
    if s.len() != 64 || !s.is_ascii() {
        return Err(format!("a digest of {} characters", s.len()));
    }
    let mut d = [Val::ZERO; 8];
    for (i, v) in d.iter_mut().enumerate() {
        let x = u32::from_str_radix(&s[8 * i..8 * i + 8], 16).map_err(|e| e.to_string())?;
        if x >= Val::ORDER_U32 {
            return Err(format!("{x:#x} is not a canonical field element"));
        }
        *v = Val::from_u32(x);
    }
    Ok(d)
}

fn parse_list(s: &str) -> Result<Vec<usize>, String> {
    s.split(',')
        .map(|x| x.parse::<usize>().map_err(|e| format!("{x:?}: {e}")))
        .collect()
}

fn list_text(v: &[usize]) -> String {
    v.iter().map(usize::to_string).collect::<Vec<_>>().join(",")
}

impl KeyFile {
    /// The set the join and final circuits trust: the lift keys, then the join key.
    pub fn set(&self) -> Result<KeySet, SuccinctError> {
        let mut keys: Vec<KeyDigest> = self.lifts.iter().map(|(_, d)| *d).collect();
        keys.push(self.join);
        KeySet::new(&keys).map_err(SuccinctError::Keys)
    }

    /// The lift key digest of `shape`, if the set has one.
    pub fn lift(&self, shape: &[usize]) -> Option<KeyDigest> {
        self.lifts.iter().find(|(s, _)| s == shape).map(|(_, d)| *d)
    }

    /// The file's text.
    pub fn render(&self) -> Result<String, SuccinctError> {
        let mut out = format!("{HEADER}\n");
        for (shape, d) in &self.lifts {
            out += &format!("lift {} {}\n", list_text(shape), digest_text(d));
        }
        out += &format!("join {}\n", digest_text(&self.join));
        out += &format!(
            "final {} {}\n",
            list_text(&self.final_key.log_heights),
            digest_text(&self.final_key.commitment)
        );
        out += &format!("root {}\n", digest_text(&self.set()?.root()));
        Ok(out)
    }

    /// Read a key file; its `root` line must be the root of its keys.
    pub fn parse(text: &str) -> Result<Self, SuccinctError> {
        let bad = |line: usize, why: String| SuccinctError::KeyFile(format!("line {line}: {why}"));
        let (mut lifts, mut join, mut final_key, mut root) = (Vec::new(), None, None, None);
        for (n, line) in text.lines().enumerate().map(|(i, l)| (i + 1, l.trim())) {
            if line.is_empty() || line.starts_with('#') {
                continue;
            }
            let fields: Vec<&str> = line.split_whitespace().collect();
            match fields.as_slice() {
                ["lift", shape, d] => lifts.push((
                    parse_list(shape).map_err(|e| bad(n, e))?,
                    parse_digest(d).map_err(|e| bad(n, e))?,
                )),
                ["join", d] => join = Some(parse_digest(d).map_err(|e| bad(n, e))?),
                ["final", heights, d] => {
                    final_key = Some(FinalVerifyingKey {
                        log_heights: parse_list(heights).map_err(|e| bad(n, e))?,
                        commitment: parse_digest(d).map_err(|e| bad(n, e))?,
                    })
                }
                ["root", d] => root = Some(parse_digest(d).map_err(|e| bad(n, e))?),
                _ => return Err(bad(n, format!("unknown line {line:?}"))),
            }
        }
        let missing = |what: &str| SuccinctError::KeyFile(format!("no {what} line"));
        let file = Self {
            lifts,
            join: join.ok_or_else(|| missing("join"))?,
            final_key: final_key.ok_or_else(|| missing("final"))?,
        };
        if Some(file.set()?.root()) != root {
            return Err(SuccinctError::KeyFile(
                "the root is not the root of the keys".into(),
            ));
        }
        Ok(file)
    }
}

/// The committed key set (`keys.txt`).
pub fn committed() -> Result<&'static KeyFile, SuccinctError> {
    static FILE: OnceLock<Result<KeyFile, String>> = OnceLock::new();
    FILE.get_or_init(|| KeyFile::parse(include_str!("../keys.txt")).map_err(|e| e.to_string()))
        .as_ref()
        .map_err(|e| SuccinctError::KeyFile(e.clone()))
}

/// Make the whole key set: every keyed shape's lift key, the join key (laid out from a lift of
/// the first shape), and the final circuit over the set. `progress` hears of each key.
pub fn generate(
    shapes: &[Vec<usize>],
    mut progress: impl FnMut(&str),
) -> Result<KeyFile, SuccinctError> {
    let mut lifts = Vec::with_capacity(shapes.len());
    let mut template = None;
    for (i, shape) in shapes.iter().enumerate() {
        let seg = template_segment(shape)?;
        let key = LiftKey::for_segment(&seg)?;
        lifts.push((shape.clone(), key.digest()));
        progress(&format!("lift key {}/{}: {shape:?}", i + 1, shapes.len()));
        if template.is_none() {
            template = Some(key.lift(&seg, &[Val::ZERO; 8])?);
        }
    }
    let template = template.ok_or_else(|| SuccinctError::Keys("a key set needs a shape".into()))?;
    let join = JoinKey::new(&template)?.digest();
    progress("join key");
    let mut file = KeyFile {
        lifts,
        join,
        final_key: FinalVerifyingKey {
            log_heights: Vec::new(),
            commitment: [Val::ZERO; 8],
        },
    };
    file.final_key = FinalKey::new(&file.set()?, &template)?.verifying_key();
    progress("final key");
    Ok(file)
}
