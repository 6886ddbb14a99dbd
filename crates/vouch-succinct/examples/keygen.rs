//! Make the constant key set and write it to `crates/vouch-succinct/keys.txt`:
//! `cargo run --release -p vouch-succinct --example keygen [-- --check]`. With `--check` it
//! writes nothing and says whether the committed file is what keygen makes.

#[cfg(all(unix, not(target_env = "musl")))]
#[global_allocator]
static ALLOC: tikv_jemallocator::Jemalloc = tikv_jemallocator::Jemalloc;

use std::time::Instant;

use vouch_succinct::keys::{generate, keyed_shapes, KeyFile};

fn main() {
    let check = std::env::args().any(|a| a == "--check");
    let t = Instant::now();
    let result = keyed_shapes().and_then(|shapes| {
        eprintln!("{} lift keys to make", shapes.len());
        generate(&shapes, |what| {
            eprintln!("{:>7.1} s  {what}", t.elapsed().as_secs_f64())
        })
    });
    let file = match result.and_then(|f| f.render().map(|text| (f, text))) {
        Ok((_, text)) => text,
        Err(e) => {
            eprintln!("error: {e}");
            std::process::exit(1);
        }
    };
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/keys.txt");
    if check {
        let committed = std::fs::read_to_string(path).unwrap_or_default();
        let same = KeyFile::parse(&committed).ok() == KeyFile::parse(&file).ok();
        println!(
            "{}",
            if same {
                "the committed keys are current"
            } else {
                "the committed keys differ"
            }
        );
        std::process::exit(if same { 0 } else { 1 });
    }
    if let Err(e) = std::fs::write(path, &file) {
        eprintln!("error: cannot write {path}: {e}");
        std::process::exit(1);
    }
    println!("wrote {path} in {:.0} s", t.elapsed().as_secs_f64());
}
