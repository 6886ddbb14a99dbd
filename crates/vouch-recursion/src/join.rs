//! The join: two recursion proofs of adjacent pieces of one run verified in one recursion
//! proof, whose public values are the statement of the two pieces together; and the
//! aggregation of a run's lifts into one proof, joining them two by two.
//!
//! A recursion proof's public values (a lift's, or a join's) are a statement, the program's
//! preprocessed commitment and a key root (`crate::node`). The join circuit verifies the left
//! and the right proof ([`BatchVerifier`] over the recursion tables, each under its key's
//! commitment, an *input* of the circuit) and asserts:
//! - each child's key is in the key tree whose root is the join's public key root, and each
//!   child carries that root ([`crate::keyset`]): so the join does not depend on its
//!   children's keys, and one join key joins lifts, joins, and a join with a lift;
//! - the left piece did not halt (`halted = 0`: nothing runs after HALT);
//! - the left's root out is the right's root in (the memory the right piece starts from is
//!   the memory the left one ended with);
//! - both are of one program (equal preprocessed commitments).
//!
//! Its public values: root in from the left; halted, exit code, journal digest and root out
//! from the right; the program commitment and key root. The left's exit code and journal
//! digest are dropped: only the run's last piece halts, and its are the run's.

use vouch_machine::public::{HALTED, NUM_PUBLIC_VALUES, ROOT_IN, ROOT_OUT};
use vouch_stark::{Challenge, Val};

use crate::air::CircuitAir;
use crate::batch::{BatchProofData, BatchVerifier};
use crate::circuit::{Circuit, CircuitBuilder, Wire};
use crate::keyset::{assert_member, KeyDigest, KeySet};
use crate::merkle::{Digest, DIGEST};
use crate::node::{
    key_digest, recursion_airs, Node, KEY_ROOT, NUM_RECURSION_PUBLIC_VALUES, PROGRAM,
    RECURSION_LOG_HEIGHTS,
};
use crate::prove::{CircuitKey, CircuitProofError, CircuitProofOod, RecursionProof};

/// Why proofs could not be joined.
#[derive(Debug, thiserror::Error)]
pub enum JoinError {
    #[error("a child proof does not verify under its key: {0}")]
    Child(CircuitProofError),
    #[error("a child's key is not in the key set")]
    UnknownKey,
    #[error("the join circuit cannot be built: {0}")]
    Circuit(String),
    #[error("the proofs do not have the recursion shape")]
    OtherShape,
    #[error("nothing to aggregate")]
    Empty,
    #[error(transparent)]
    Proof(#[from] CircuitProofError),
}

/// The table names of a recursion proof, for labels.
fn names(side: &str, airs: &[CircuitAir]) -> Vec<String> {
    airs.iter()
        .map(|a| {
            let t = match a {
                CircuitAir::Witness => "witness",
                CircuitAir::Ops { .. } => "ops",
                CircuitAir::Poseidon2Calls { .. } => "poseidon2 calls",
                CircuitAir::Poseidon2(_) => "poseidon2",
                CircuitAir::Poseidon2Wide(_) => "poseidon2 (width 24)",
                CircuitAir::Public { .. } => "public",
            };
            format!("{side} {t}")
        })
        .collect()
}

/// The circuit verifying one recursion proof under a key given as an input, in the key tree
/// of `root`: its public values' wires and verifier. Its inputs, in order: the public values,
/// the key commitment, the key's path ([`crate::keyset::KeyPath::values`]), the proof's
/// ([`BatchVerifier::values`]). `who` starts the checks' labels ("join: the left").
pub(crate) fn child(
    cb: &mut CircuitBuilder,
    who: &str,
    airs: &[CircuitAir],
    data: &CircuitProofOod,
    root: &[Wire],
) -> Result<(Vec<Wire>, BatchVerifier), String> {
    let pv = cb.inputs(NUM_RECURSION_PUBLIC_VALUES);
    let key: Digest = core::array::from_fn(|_| cb.input());
    assert_member(cb, key, root, &format!("{who} key is in the key set"));
    for i in 0..DIGEST {
        cb.assert_eq(
            pv[KEY_ROOT + i],
            root[i],
            &format!("{who} child carries the key root"),
        );
    }
    let side = who.rsplit(' ').next().unwrap_or(who);
    let public: Vec<Vec<Wire>> = airs
        .iter()
        .map(|a| match a {
            CircuitAir::Public { .. } => pv.clone(),
            _ => Vec::new(),
        })
        .collect();
    let proof = BatchProofData {
        airs,
        lookups: &data.lookups,
        names: names(side, airs),
        ood: &data.ood,
        opening: Some(&data.opening),
    };
    let v = BatchVerifier::build(cb, &proof, &public, Some(key.to_vec()))?;
    Ok((pv, v))
}

/// The join circuit and its committed tables: one key for every pair of recursion proofs.
pub struct JoinKey {
    pub circuit: Circuit,
    left: BatchVerifier,
    right: BatchVerifier,
    pub key: CircuitKey,
}

impl core::fmt::Debug for JoinKey {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("JoinKey")
            .field("wires", &self.circuit.num_wires)
            .field("key", &self.key)
            .finish()
    }
}

impl JoinKey {
    /// Build the join circuit. Its shape is that of every recursion proof, so any one proof
    /// (`template`, which must verify under its own key) serves to lay it out.
    pub fn new(template: &Node) -> Result<Self, JoinError> {
        let data = template.ood().map_err(JoinError::Child)?;
        let airs = recursion_airs();
        let mut cb = CircuitBuilder::new();
        let out: Vec<Wire> = (0..NUM_RECURSION_PUBLIC_VALUES)
            .map(|_| cb.public_input())
            .collect();
        let root = &out[KEY_ROOT..KEY_ROOT + DIGEST];
        let (pl, vl) =
            child(&mut cb, "join: the left", &airs, &data, root).map_err(JoinError::Circuit)?;
        let (pr, vr) =
            child(&mut cb, "join: the right", &airs, &data, root).map_err(JoinError::Circuit)?;
        cb.assert_zero(pl[HALTED], "join: the left piece does not halt");
        for i in 0..DIGEST {
            cb.assert_eq(
                pl[ROOT_OUT + i],
                pr[ROOT_IN + i],
                "join: the left's root out is the right's root in",
            );
            cb.assert_eq(pl[PROGRAM + i], pr[PROGRAM + i], "join: one program");
        }
        for (i, &o) in out.iter().enumerate() {
            let from = if takes_left(i) { pl[i] } else { pr[i] };
            cb.assert_eq(o, from, "join: the joined statement");
        }
        let mut circuit = cb.build();
        circuit.pad_to(&RECURSION_LOG_HEIGHTS).map_err(|e| {
            JoinError::Circuit(format!("the join does not fit the recursion shape: {e}"))
        })?;
        let key = CircuitKey::new(&circuit)?;
        Ok(Self {
            circuit,
            left: vl,
            right: vr,
            key,
        })
    }

    /// The key's commitment, as a key-tree leaf.
    pub fn digest(&self) -> KeyDigest {
        key_digest(&self.key.commitment())
    }

    /// The joined statement of two chaining pieces (what the join proof's public values are).
    pub fn joined(l: &[Val], r: &[Val]) -> Vec<Val> {
        (0..NUM_RECURSION_PUBLIC_VALUES)
            .map(|i| if takes_left(i) { l[i] } else { r[i] })
            .collect()
    }

    /// The circuit's inputs for children `l` and `r` under the keys of `set`.
    pub fn inputs(&self, set: &KeySet, l: &Node, r: &Node) -> Result<Vec<Challenge>, JoinError> {
        let base = |v: &[Val]| v.iter().map(|&x| Challenge::from(x)).collect::<Vec<_>>();
        if l.proof.public_values.len() != NUM_RECURSION_PUBLIC_VALUES
            || r.proof.public_values.len() != NUM_RECURSION_PUBLIC_VALUES
        {
            return Err(JoinError::OtherShape);
        }
        let mut v = base(&Self::joined(
            &l.proof.public_values,
            &r.proof.public_values,
        ));
        for (node, verifier) in [(l, &self.left), (r, &self.right)] {
            v.extend(child_inputs(set, node, verifier)?);
        }
        if v.len() != self.circuit.num_inputs {
            return Err(JoinError::OtherShape);
        }
        Ok(v)
    }

    /// Join `l` and `r`, children under keys of `set`: errors when a child does not verify,
    /// its key is not in the set, or they do not chain (the circuit is unsatisfied).
    pub fn join(&self, set: &KeySet, l: &Node, r: &Node) -> Result<Node, JoinError> {
        let inputs = self.inputs(set, l, r)?;
        let proof = self.key.prove(&self.circuit, &inputs)?;
        Ok(Node {
            key: self.digest(),
            proof: RecursionProof {
                public_values: Self::joined(&l.proof.public_values, &r.proof.public_values),
                proof,
            },
        })
    }

    /// Join the proofs of a run's pieces, in order, into one: two by two, level by level, an
    /// odd last proof carried up to the next level (`⌈log2 n⌉` levels, `n - 1` joins). Each
    /// level's joins are independent of each other.
    pub fn aggregate(&self, set: &KeySet, nodes: Vec<Node>) -> Result<Node, JoinError> {
        let mut level = nodes;
        while level.len() > 1 {
            let mut next = Vec::with_capacity(level.len().div_ceil(2));
            let mut it = level.into_iter();
            while let Some(l) = it.next() {
                match it.next() {
                    Some(r) => next.push(self.join(set, &l, &r)?),
                    None => next.push(l),
                }
            }
            level = next;
        }
        level.pop().ok_or(JoinError::Empty)
    }
}

/// The inputs of [`child`] for `node` under the keys of `set`.
pub(crate) fn child_inputs(
    set: &KeySet,
    node: &Node,
    verifier: &BatchVerifier,
) -> Result<Vec<Challenge>, JoinError> {
    let data = node.ood().map_err(JoinError::Child)?;
    let path = set.path(&node.key).ok_or(JoinError::UnknownKey)?;
    let mut v: Vec<Val> = node.proof.public_values.clone();
    v.extend(node.key);
    v.extend(path.values());
    let mut v: Vec<Challenge> = v.into_iter().map(Challenge::from).collect();
    v.extend(verifier.values(&data.ood, Some(&data.opening)));
    Ok(v)
}

/// Whether the joined statement takes public value `i` from the left piece: its root in, its
/// program commitment and key root (equal to the right's); the rest is the right's.
fn takes_left(i: usize) -> bool {
    (ROOT_IN..ROOT_IN + DIGEST).contains(&i) || i >= NUM_PUBLIC_VALUES
}
