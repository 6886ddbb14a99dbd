//! Break a receipt's size down by part: `proof_size <receipt>`.

use vouch_verifier::ReceiptProof;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let path = std::env::args()
        .nth(1)
        .ok_or("usage: proof_size <receipt>")?;
    let bytes = std::fs::read(path)?;
    let receipt = vouch_verifier::Receipt::from_bytes(&bytes)?;
    println!("total {}", bytes.len());
    if let Some(key) = &receipt.proof.zk_key {
        println!("zk key {}", size(key)?);
    }
    for (i, segment) in receipt.proof.segments.iter().enumerate() {
        println!("segment {i}");
        breakdown(&segment.proof)?;
    }
    Ok(())
}

fn breakdown(proof: &ReceiptProof) -> Result<(), bincode::error::EncodeError> {
    let ReceiptProof::Zk(p) = proof else {
        println!("  plain (not zero-knowledge)");
        return Ok(());
    };
    let f = &p.opening_proof.1;
    println!("  commitments {}", size(&p.commitments)?);
    println!("  opened_values {}", size(&p.opened_values)?);
    println!("  opening_proof {}", size(&p.opening_proof)?);
    println!("    random codewords opened {}", size(&p.opening_proof.0)?);
    println!("    fri {}", size(f)?);
    println!("      input_openings {}", size(&f.input_openings)?);
    println!(
        "      commit_phase_openings {}",
        size(&f.commit_phase_openings)?
    );
    Ok(())
}

/// The encoded size of a serde value.
fn size(value: &impl serde::Serialize) -> Result<usize, bincode::error::EncodeError> {
    Ok(bincode::serde::encode_to_vec(value, bincode::config::standard())?.len())
}
