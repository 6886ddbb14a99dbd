//! The lift circuit's size for each keyed shape (a diagnostic for the menu):
//! `cargo run --release -p vouch-succinct --example lift_sizes [-- first [count]]`.

use vouch_recursion::air::CircuitAir;
use vouch_recursion::merkle::DIGEST;
use vouch_recursion::segment::SegmentCircuit;
use vouch_succinct::keys::keyed_shapes;
use vouch_succinct::template::template_segment;

fn main() {
    let mut args = std::env::args().skip(1);
    let first: usize = args.next().map_or(0, |a| a.parse().expect("a number"));
    let count: usize = args
        .next()
        .map_or(usize::MAX, |a| a.parse().expect("a number"));
    let shapes = keyed_shapes().expect("the keyed shapes");
    for (i, shape) in shapes.iter().enumerate().skip(first).take(count) {
        let seg = template_segment(shape).expect("the template at the shape");
        let t = std::time::Instant::now();
        let c = SegmentCircuit::build_with(&seg, DIGEST).expect("the lift circuit");
        let built = t.elapsed();
        if std::env::var_os("KEYS").is_some() {
            let t = std::time::Instant::now();
            let key = vouch_recursion::lift::LiftKey::for_segment(&seg).expect("the lift key");
            println!(
                "key {:?} in {:.1?} (circuit {built:.1?})",
                key.digest(),
                t.elapsed()
            );
        }
        let distinct = {
            let mut h = shape.clone();
            h.sort_unstable();
            h.dedup();
            h.len()
        };
        println!(
            "{i:>3} {shape:?} distinct heights {distinct}: {} wires, tables 2^{:?}",
            c.circuit.num_wires,
            CircuitAir::natural_log_heights(&c.circuit)
        );
    }
}
