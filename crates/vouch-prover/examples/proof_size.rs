//! Break a receipt's size down by part: `proof_size <receipt>`.

fn main() {
    let bytes = std::fs::read(std::env::args().nth(1).expect("receipt path")).expect("read");
    let r = vouch_verifier::Receipt::from_bytes(&bytes).expect("decode");
    let cfg = bincode::config::standard();
    let enc = |x: &dyn Fn() -> Vec<u8>| x().len();
    match &r.proof {
        vouch_verifier::ReceiptProof::Zk(p) => {
            println!("total {}", bytes.len());
            println!(
                "commitments {}",
                enc(&|| bincode::serde::encode_to_vec(&p.commitments, cfg).unwrap())
            );
            println!(
                "opened_values {}",
                enc(&|| bincode::serde::encode_to_vec(&p.opened_values, cfg).unwrap())
            );
            println!(
                "opening_proof {}",
                enc(&|| bincode::serde::encode_to_vec(&p.opening_proof, cfg).unwrap())
            );
            println!(
                "  part0 (random opened) {}",
                enc(&|| bincode::serde::encode_to_vec(&p.opening_proof.0, cfg).unwrap())
            );
            let f = &p.opening_proof.1;
            println!(
                "  fri {}",
                enc(&|| bincode::serde::encode_to_vec(f, cfg).unwrap())
            );
            println!(
                "    input_openings {}",
                enc(&|| bincode::serde::encode_to_vec(&f.input_openings, cfg).unwrap())
            );
            println!(
                "    commit_phase_openings {}",
                enc(&|| bincode::serde::encode_to_vec(&f.commit_phase_openings, cfg).unwrap())
            );
        }
        vouch_verifier::ReceiptProof::Plain(_) => println!("plain"),
    }
}
