//! The out-of-domain check of one table, as a circuit, generated from the table's AIR.
//!
//! Plonky3's verifier evaluates every constraint of a table at `ζ` from the opened values,
//! folds them with powers of `α` in the order the AIR asserts them, and checks
//! `folded · 1/Z_H(ζ) = quotient(ζ)`, the quotient recombined from its chunks. [`check_table`]
//! emits the same computation into a [`CircuitBuilder`]: it takes the AIR's constraints as
//! symbolic expressions (`get_symbolic_constraints`, the LogUp constraints included, exactly
//! as the verifier sees them) and lowers each expression DAG to wires, sharing common
//! sub-expressions. Nothing here names a chip or a constraint: a chip added to the machine
//! later is checked by the same code.
//!
//! The selectors and the quotient's recombination are computed in the circuit from `ζ` and
//! the domains, which are constants of the circuit (the table heights are fixed when it is
//! built).

use std::collections::HashMap;

use vouch_stark::air::{Air, BaseAir};
use vouch_stark::batch::InteractionSymbolicBuilder;
use vouch_stark::field::{BasedVectorSpace, Field};
use vouch_stark::ood::{Coset, OodInstance};
use vouch_stark::symbolic::{
    get_constraint_layout, get_symbolic_constraints, AirLayout, BaseEntry, BaseLeaf, ExtEntry,
    ExtLeaf, LogUpGadget, Lookup, SymbolicExpr, SymbolicExpression, SymbolicExpressionExt,
};
use vouch_stark::{Challenge, Val};

use crate::circuit::{CircuitBuilder, Wire};

const D: usize = <Challenge as BasedVectorSpace<Val>>::DIMENSION;

/// The fixed shape of one table's proof: what the circuit is specialised to.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TableShape {
    pub trace_domain: Coset<Val>,
    pub quotient_domains: Vec<Coset<Val>>,
    pub main_width: usize,
    pub preprocessed_width: usize,
    pub permutation_width: usize,
    /// Whether the proof opens the main (preprocessed) trace at the next row: `verify_batch`
    /// opens it only for an AIR whose `main_next_row_columns` (`preprocessed_next_row_columns`)
    /// is not empty; otherwise its next row is zero.
    pub main_next: bool,
    pub preprocessed_next: bool,
    pub num_challenges: usize,
    pub num_permutation_values: usize,
    pub num_public_values: usize,
}

impl TableShape {
    /// The shape of `instance`, a table of `air`.
    pub fn of<A: BaseAir<Val>>(air: &A, instance: &OodInstance<Val, Challenge>) -> Self {
        Self {
            trace_domain: instance.trace_domain,
            quotient_domains: instance.quotient_domains.clone(),
            main_width: air.width(),
            preprocessed_width: instance.preprocessed_local.len(),
            permutation_width: instance.permutation_local.len(),
            main_next: !air.main_next_row_columns().is_empty(),
            preprocessed_next: !air.preprocessed_next_row_columns().is_empty(),
            num_challenges: instance.challenges.len(),
            num_permutation_values: instance.permutation_values.len(),
            num_public_values: air.num_public_values(),
        }
    }
}

/// The input wires of one table's check, in the order [`TableWires::values`] lays them out.
#[derive(Clone, Debug)]
pub struct TableWires {
    pub trace_local: Vec<Wire>,
    pub trace_next: Vec<Wire>,
    pub preprocessed_local: Vec<Wire>,
    pub preprocessed_next: Vec<Wire>,
    /// Recomposed from the flat openings (one extension column from `D` base columns).
    pub permutation_local: Vec<Wire>,
    pub permutation_next: Vec<Wire>,
    /// The permutation trace's openings as committed: `D` per extension column.
    pub permutation_local_flat: Vec<Wire>,
    pub permutation_next_flat: Vec<Wire>,
    /// `D` wires per chunk: its basis coefficients.
    pub quotient_chunks: Vec<[Wire; D]>,
    /// The LogUp challenges (from the transcript; not inputs).
    pub challenges: Vec<Wire>,
    pub permutation_values: Vec<Wire>,
}

impl TableWires {
    /// Allocate the inputs of a table of `shape`.
    pub fn alloc(cb: &mut CircuitBuilder, shape: &TableShape) -> Self {
        let next = |cb: &mut CircuitBuilder, opened: bool, width: usize| {
            if opened {
                cb.inputs(width)
            } else {
                vec![cb.zero(); width]
            }
        };
        let trace_local = cb.inputs(shape.main_width);
        let trace_next = next(cb, shape.main_next, shape.main_width);
        let preprocessed_local = cb.inputs(shape.preprocessed_width);
        let preprocessed_next = next(cb, shape.preprocessed_next, shape.preprocessed_width);
        let permutation_local_flat = cb.inputs(shape.permutation_width * D);
        let permutation_next_flat = cb.inputs(shape.permutation_width * D);
        let permutation_local = recompose(cb, &permutation_local_flat);
        let permutation_next = recompose(cb, &permutation_next_flat);
        Self {
            trace_local,
            trace_next,
            preprocessed_local,
            preprocessed_next,
            permutation_local,
            permutation_next,
            permutation_local_flat,
            permutation_next_flat,
            quotient_chunks: (0..shape.quotient_domains.len())
                .map(|_| core::array::from_fn(|_| cb.input()))
                .collect(),
            // Drawn by the transcript, not chosen by the prover: the caller sets them.
            challenges: Vec::new(),
            permutation_values: cb.inputs(shape.num_permutation_values),
        }
    }

    /// The input values for these wires, from a table's openings (in allocation order).
    pub fn values(shape: &TableShape, instance: &OodInstance<Val, Challenge>) -> Vec<Challenge> {
        let i = instance;
        let mut v = Vec::new();
        v.extend(&i.trace_local);
        if shape.main_next {
            v.extend(&i.trace_next);
        }
        v.extend(&i.preprocessed_local);
        if shape.preprocessed_next {
            v.extend(&i.preprocessed_next);
        }
        v.extend(&i.permutation_local_flat);
        v.extend(&i.permutation_next_flat);
        for chunk in &i.quotient_chunks {
            v.extend(chunk);
        }
        v.extend(&i.permutation_values);
        v
    }
}

/// Extension columns from their committed base columns: `Σ_k e_k · flat[D·i + k]`.
fn recompose(cb: &mut CircuitBuilder, flat: &[Wire]) -> Vec<Wire> {
    flat.chunks_exact(D)
        .map(|chunk| cb.from_coefficients(chunk))
        .collect()
}

/// Lowers symbolic expressions to wires, one wire per distinct sub-expression.
struct Lowering<'a> {
    cb: &'a mut CircuitBuilder,
    w: &'a TableWires,
    public_values: &'a [Wire],
    first: Wire,
    last: Wire,
    transition: Wire,
    base_memo: Memo<BaseLeaf<Val>>,
    ext_memo: Memo<ExtLeaf<Val, Challenge>>,
}

/// A memo from expression node (by address: the DAG shares `Arc` children) to its wire.
type Memo<A> = HashMap<*const SymbolicExpr<A>, Wire>;

impl Lowering<'_> {
    /// Lower one node: its leaf through `leaf`, its children recursively, each distinct node
    /// once (`memo` selects the memo of `A`'s expressions).
    fn node<A>(
        &mut self,
        e: &SymbolicExpr<A>,
        memo: fn(&mut Self) -> &mut Memo<A>,
        leaf: fn(&mut Self, &A) -> Result<Wire, String>,
    ) -> Result<Wire, String> {
        let key: *const SymbolicExpr<A> = e;
        if let Some(&w) = memo(self).get(&key) {
            return Ok(w);
        }
        let w = match e {
            SymbolicExpr::Leaf(l) => leaf(self, l)?,
            SymbolicExpr::Add { x, y, .. } => {
                let (x, y) = (self.node(x, memo, leaf)?, self.node(y, memo, leaf)?);
                self.cb.add(x, y)
            }
            SymbolicExpr::Sub { x, y, .. } => {
                let (x, y) = (self.node(x, memo, leaf)?, self.node(y, memo, leaf)?);
                self.cb.sub(x, y)
            }
            SymbolicExpr::Neg { x, .. } => {
                let x = self.node(x, memo, leaf)?;
                self.cb.neg(x)
            }
            SymbolicExpr::Mul { x, y, .. } => {
                let (x, y) = (self.node(x, memo, leaf)?, self.node(y, memo, leaf)?);
                self.cb.mul(x, y)
            }
        };
        memo(self).insert(key, w);
        Ok(w)
    }

    fn base(&mut self, e: &SymbolicExpression<Val>) -> Result<Wire, String> {
        self.node(e, |s| &mut s.base_memo, Self::base_leaf)
    }

    fn ext(&mut self, e: &SymbolicExpressionExt<Val, Challenge>) -> Result<Wire, String> {
        self.node(e, |s| &mut s.ext_memo, Self::ext_leaf)
    }

    fn base_leaf(&mut self, leaf: &BaseLeaf<Val>) -> Result<Wire, String> {
        Ok(match leaf {
            BaseLeaf::Variable(v) => {
                let pick = |cols: &[Wire], next: &[Wire], offset: usize| match offset {
                    0 => cols.get(v.index).copied(),
                    1 => next.get(v.index).copied(),
                    _ => None,
                };
                match v.entry {
                    BaseEntry::Main { offset } => {
                        pick(&self.w.trace_local, &self.w.trace_next, offset)
                    }
                    BaseEntry::Preprocessed { offset } => pick(
                        &self.w.preprocessed_local,
                        &self.w.preprocessed_next,
                        offset,
                    ),
                    BaseEntry::Public => self.public_values.get(v.index).copied(),
                    BaseEntry::Periodic => None,
                }
                .ok_or_else(|| format!("unsupported variable {v:?}"))?
            }
            BaseLeaf::IsFirstRow => self.first,
            BaseLeaf::IsLastRow => self.last,
            BaseLeaf::IsTransition => self.transition,
            BaseLeaf::Constant(c) => self.cb.base_constant(*c),
        })
    }

    fn ext_leaf(&mut self, leaf: &ExtLeaf<Val, Challenge>) -> Result<Wire, String> {
        Ok(match leaf {
            ExtLeaf::Base(b) => self.base(b)?,
            ExtLeaf::ExtConstant(c) => self.cb.constant(*c),
            ExtLeaf::ExtVariable(v) => match v.entry {
                ExtEntry::Permutation { offset: 0 } => {
                    self.w.permutation_local.get(v.index).copied()
                }
                ExtEntry::Permutation { offset: 1 } => {
                    self.w.permutation_next.get(v.index).copied()
                }
                ExtEntry::Permutation { .. } => None,
                ExtEntry::Challenge => self.w.challenges.get(v.index).copied(),
                ExtEntry::PermutationValue => self.w.permutation_values.get(v.index).copied(),
            }
            .ok_or_else(|| format!("unsupported extension variable {v:?}"))?,
        })
    }
}

/// Emit the out-of-domain check of one table of `air` into `cb`: its constraints at `zeta`,
/// folded with `alpha`, against the quotient recombined from its chunks. `label` names the
/// table in the circuit's assertions. Fails (at build time) for an AIR the circuit cannot
/// express (periodic columns) or a shape whose domains are degenerate.
#[allow(clippy::too_many_arguments)]
pub fn check_table<A>(
    cb: &mut CircuitBuilder,
    air: &A,
    lookups: &[Lookup<Val>],
    shape: &TableShape,
    wires: &TableWires,
    public_values: &[Wire],
    zeta: Wire,
    alpha: Wire,
    label: &str,
) -> Result<(), String>
where
    A: Air<InteractionSymbolicBuilder<Val, Challenge>>,
{
    if wires.challenges.len() != shape.num_challenges {
        return Err(format!(
            "{label}: {} LogUp challenges wired",
            wires.challenges.len()
        ));
    }
    if air.num_periodic_columns() != 0 {
        return Err(format!("{label}: periodic columns are not supported"));
    }
    if public_values.len() != shape.num_public_values {
        return Err(format!(
            "{label}: {} public values wired",
            public_values.len()
        ));
    }
    let layout = AirLayout {
        preprocessed_width: shape.preprocessed_width,
        main_width: shape.main_width,
        num_public_values: shape.num_public_values,
        num_periodic_columns: 0,
        ..Default::default()
    };
    let gadget = LogUpGadget::new();
    let (base, ext) =
        get_symbolic_constraints::<Val, Challenge, A, _>(air, layout, lookups, &gadget);
    let order = get_constraint_layout::<Val, Challenge, A, _>(air, layout, lookups, &gadget);
    if order.base_indices.len() != base.len() || order.ext_indices.len() != ext.len() {
        return Err(format!(
            "{label}: constraint layout disagrees with the constraints"
        ));
    }

    // Selectors at ζ over the trace domain shift·<g>: u = ζ/shift, Z_H = u^n - 1.
    let td = shape.trace_domain;
    let shift_inv = cb.base_constant(td.shift.inverse());
    let u = cb.mul(zeta, shift_inv);
    let un = cb.exp_power_of_2(u, td.log_size);
    let one = cb.one();
    let z_h = cb.sub(un, one);
    let g_inv = cb.base_constant(td.generator().inverse());
    let u_minus_one = cb.sub(u, one);
    let transition = cb.sub(u, g_inv);
    let first = cb.div(
        z_h,
        u_minus_one,
        &format!("{label}: ζ is not the first point"),
    );
    let last = cb.div(
        z_h,
        transition,
        &format!("{label}: ζ is not the last point"),
    );
    let inv_vanishing = cb.inverse(z_h, &format!("{label}: ζ outside the trace domain"));

    // Every constraint, in the order the AIR asserts it.
    let total = base.len() + ext.len();
    let mut slots: Vec<Option<Wire>> = vec![None; total];
    let mut lower = Lowering {
        cb,
        w: wires,
        public_values,
        first,
        last,
        transition,
        base_memo: HashMap::new(),
        ext_memo: HashMap::new(),
    };
    for (c, &at) in base.iter().zip(&order.base_indices) {
        *slots.get_mut(at).ok_or("constraint index out of range")? = Some(lower.base(c)?);
    }
    for (c, &at) in ext.iter().zip(&order.ext_indices) {
        *slots.get_mut(at).ok_or("constraint index out of range")? = Some(lower.ext(c)?);
    }
    // Horner: acc ← acc·α + c, as the verifier's folder.
    let mut acc = cb.zero();
    for slot in slots {
        let c = slot.ok_or_else(|| format!("{label}: a constraint position is unfilled"))?;
        let scaled = cb.mul(acc, alpha);
        acc = cb.add(scaled, c);
    }

    // quotient(ζ) = Σ_i zp_i(ζ) · chunk_i, zp_i = Π_{j≠i} Z_j(ζ) / Z_j(shift_i).
    let qds = &shape.quotient_domains;
    if wires.quotient_chunks.len() != qds.len() {
        return Err(format!("{label}: quotient chunks and domains disagree"));
    }
    let z_at_zeta: Vec<Wire> = qds
        .iter()
        .map(|d| {
            let s = cb.base_constant(d.shift.inverse());
            let x = cb.mul(zeta, s);
            let xn = cb.exp_power_of_2(x, d.log_size);
            cb.sub(xn, one)
        })
        .collect();
    let basis: Vec<Wire> = (0..D)
        .map(|k| {
            let e = <Challenge as BasedVectorSpace<Val>>::ith_basis_element(k)
                .ok_or("no basis element")?;
            Ok(cb.constant(e))
        })
        .collect::<Result<_, String>>()?;
    let mut quotient = cb.zero();
    for (i, di) in qds.iter().enumerate() {
        let mut zp = cb.one();
        for (j, dj) in qds.iter().enumerate() {
            if i == j {
                continue;
            }
            let denom = dj.vanishing_at(Challenge::from(di.shift));
            let denom_inv = denom
                .try_inverse()
                .ok_or_else(|| format!("{label}: quotient domains {i} and {j} overlap"))?;
            let c = cb.constant(denom_inv);
            let t = cb.mul(z_at_zeta[j], c);
            zp = cb.mul(zp, t);
        }
        let mut chunk = cb.zero();
        for (coeff, &e) in wires.quotient_chunks[i].iter().zip(&basis) {
            let t = cb.mul(*coeff, e);
            chunk = cb.add(chunk, t);
        }
        let t = cb.mul(zp, chunk);
        quotient = cb.add(quotient, t);
    }

    let lhs = cb.mul(acc, inv_vanishing);
    cb.assert_eq(
        lhs,
        quotient,
        &format!("{label}: constraints match the quotient at ζ"),
    );
    Ok(())
}
