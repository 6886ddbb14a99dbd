//! The conjectured security level of the machine the verifier accepts, computed from its real
//! shape (every table, its constraints, its buses' widest tuple, at the largest height the
//! verifier accepts), in both proof modes.

use vouch_machine::Machine;
use vouch_stark::{plain_config, zk_keygen_config, SecurityReport, StarkShape, PARAMS};
use vouch_verifier::MAX_LOG_HEIGHT;

#[test]
fn the_machine_reaches_100_bits_in_every_mode() {
    let machine = Machine::for_verifier(1 << MAX_LOG_HEIGHT);
    let max = MAX_LOG_HEIGHT as usize;
    for zk in [false, true] {
        let shape = if zk {
            StarkShape::of_airs(&zk_keygen_config(&PARAMS), machine.airs(), max)
        } else {
            StarkShape::of_airs(&plain_config(&PARAMS), machine.airs(), max)
        };
        let report = SecurityReport::for_shape(&shape);
        eprintln!("zk={zk}: {shape:?}\n  -> {report:?}");
        // The shape is the real one: the memory-tree buses carry 32-element tuples.
        assert!(shape.max_tuple_width > 32, "{shape:?}");
        assert!(report.bits >= 100, "zk={zk}: {report:?}");
    }
}
