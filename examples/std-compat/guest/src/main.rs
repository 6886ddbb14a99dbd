//! Test guest: popular crates in a std guest, and the std runtime's failure modes.
//!
//! Input: a `Vec<String>` of check names (vouch's serde format). Each check uses one crate the
//! way its documentation does, compares with known answers (test vectors), and returns a short
//! summary; a wrong answer is a panic naming the check. The guest commits
//! `Vec<(String, String)>`: each check's name and summary. `docs/compat.md` is filled from
//! these checks (`examples/std-compat/host/tests/compat.rs` runs them).
//!
//! Checks whose name starts with `fault-` are not crates: they exercise what a std guest
//! cannot do (threads, clocks, files, …) or how it fails (stack overflow, heap exhaustion,
//! panics, exit codes); `examples/std-compat/host/tests/faults.rs` checks the errors.

use std::collections::HashMap;
use std::io::{Read, Write};

use serde::{Deserialize, Serialize};

fn main() {
    let names: Vec<String> = vouch_guest::read();
    let mut results = Vec::new();
    for name in names {
        let start = vouch_guest::cycle_count();
        let summary = run(&name);
        let cycles = vouch_guest::cycle_count().wrapping_sub(start);
        println!("{name}: {summary} ({cycles} cycles)");
        results.push((name, summary));
    }
    vouch_guest::commit(&results);
}

/// A check: uses a crate, compares with known answers, returns a summary.
type Check = fn() -> String;

/// Every crate check, in the order of `docs/compat.md`.
const CHECKS: &[(&str, Check)] = &[
    ("serde", serde_derive),
    ("serde_json", serde_json),
    ("regex", regex),
    ("sha2", sha2),
    ("sha3", sha3),
    ("k256", k256),
    ("ed25519-dalek", ed25519_dalek),
    ("rand", rand09),
    ("rand-0.8", rand08),
    ("bincode", bincode2),
    ("bincode-1", bincode1),
    ("hashbrown", hashbrown),
    ("num-bigint", num_bigint),
    ("getrandom-0.2", getrandom02),
    ("getrandom-0.3", getrandom03),
    ("getrandom-0.4", getrandom04),
    ("std-hashmap", std_hashmap),
    ("std-io", std_io),
    ("hex", hex),
    ("base64", base64),
    ("anyhow", anyhow),
    ("thiserror", thiserror),
    ("itertools", itertools),
    ("indexmap", indexmap),
    ("uuid", uuid),
    ("chrono", chrono),
    ("blake3", blake3),
    ("ahash", ahash),
    ("flate2", flate2),
];

fn run(name: &str) -> String {
    if name == "list" {
        return CHECKS.iter().map(|(n, _)| *n).collect::<Vec<_>>().join(",");
    }
    if let Some((_, check)) = CHECKS.iter().find(|(n, _)| *n == name) {
        return check();
    }
    if let Some(fault) = name.strip_prefix("fault-") {
        return fault_mode(fault);
    }
    panic!("unknown check {name:?}")
}

/// Compare with a known answer; a mismatch is a panic naming the check.
#[track_caller]
fn expect<T: PartialEq + std::fmt::Debug>(check: &str, got: T, want: T) {
    assert_eq!(got, want, "check {check} computed a wrong answer");
}

// ---- crates ----

#[derive(Serialize, Deserialize, PartialEq, Debug, Clone)]
struct Record {
    name: String,
    values: Vec<u32>,
    nested: Option<Box<Record>>,
    kind: Kind,
}

#[derive(Serialize, Deserialize, PartialEq, Debug, Clone)]
enum Kind {
    Leaf,
    Pair(u8, i64),
    Named { flag: bool },
}

fn sample_record() -> Record {
    Record {
        name: "root".into(),
        values: vec![1, 2, 3],
        nested: Some(Box::new(Record {
            name: "child".into(),
            values: vec![],
            nested: None,
            kind: Kind::Named { flag: true },
        })),
        kind: Kind::Pair(7, -9),
    }
}

fn serde_derive() -> String {
    // Derived impls through a self-describing format (JSON) and back.
    let record = sample_record();
    let value = serde_json::to_value(&record).expect("serializes");
    let back: Record = serde_json::from_value(value).expect("deserializes");
    expect("serde", &back, &record);
    "derive(Serialize, Deserialize): structs, enums, Option, Box round-trip".into()
}

fn serde_json() -> String {
    let text = serde_json::to_string(&sample_record()).expect("serializes");
    expect(
        "serde_json",
        text.as_str(),
        r#"{"name":"root","values":[1,2,3],"nested":{"name":"child","values":[],"nested":null,"kind":{"Named":{"flag":true}}},"kind":{"Pair":[7,-9]}}"#,
    );
    let value: serde_json::Value =
        serde_json::from_str(r#"{"a": [1, 2.5, "x", null, {"b": true}]}"#).expect("parses");
    expect("serde_json", value["a"][4]["b"].as_bool(), Some(true));
    expect(
        "serde_json",
        value.pointer("/a/1").and_then(|v| v.as_f64()),
        Some(2.5),
    );
    "to_string, from_str, Value, pointer".into()
}

fn regex() -> String {
    let re = regex::Regex::new(r"(?<year>[0-9]{4})-(?<month>[0-9]{2})-(?<day>[0-9]{2})")
        .expect("valid pattern");
    let text = "released 2024-03-15, patched 2025-11-02";
    let dates: Vec<String> = re
        .captures_iter(text)
        .map(|c| format!("{}/{}/{}", &c["day"], &c["month"], &c["year"]))
        .collect();
    expect(
        "regex",
        dates,
        vec!["15/03/2024".into(), "02/11/2025".into()],
    );
    expect(
        "regex",
        re.replace_all(text, "$day.$month.$year").as_ref(),
        "released 15.03.2024, patched 02.11.2025",
    );
    let unicode = regex::Regex::new(r"\p{Greek}+").expect("valid pattern");
    expect(
        "regex",
        unicode.find("abc αβγ def").map(|m| m.as_str()),
        Some("αβγ"),
    );
    "captures, replace_all, Unicode classes".into()
}

fn sha2() -> String {
    use sha2::{Digest, Sha256, Sha512};
    expect(
        "sha2",
        hex::encode(Sha256::digest(b"abc")),
        "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad".into(),
    );
    expect(
        "sha2",
        hex::encode(&Sha512::digest(b"abc")[..16]),
        "ddaf35a193617abacc417349ae204131".into(),
    );
    "SHA-256, SHA-512 (FIPS 180 vectors)".into()
}

fn sha3() -> String {
    use sha3::{Digest, Keccak256, Sha3_256};
    expect(
        "sha3",
        hex::encode(Sha3_256::digest(b"abc")),
        "3a985da74fe225b2045c172d6bd390bd855f086e3e9d525b46bfe24511431532".into(),
    );
    expect(
        "sha3",
        hex::encode(Keccak256::digest(b"")),
        "c5d2460186f7233c927e7db2dcc703c0e500b653ca82273b7bfad8045d85a470".into(),
    );
    "SHA3-256, Keccak-256 (known vectors)".into()
}

fn k256() -> String {
    use k256::ecdsa::signature::{Signer, Verifier};
    use k256::ecdsa::{Signature, SigningKey, VerifyingKey};
    // Secret key 1: the public key is the generator.
    let mut one = [0u8; 32];
    one[31] = 1;
    let key = SigningKey::from_slice(&one).expect("a valid scalar");
    let public = VerifyingKey::from(&key);
    expect(
        "k256",
        hex::encode(public.to_encoded_point(true).as_bytes()),
        "0279be667ef9dcbbac55a06295ce870b07029bfcdb2dce28d959f2815b16f81798".into(),
    );
    // ECDSA (RFC 6979 nonces) with a random key from getrandom.
    let key = SigningKey::random(&mut rand_core06::OsRng);
    let signature: Signature = key.sign(b"vouch");
    let public = VerifyingKey::from(&key);
    expect("k256", public.verify(b"vouch", &signature).is_ok(), true);
    expect("k256", public.verify(b"vouch!", &signature).is_ok(), false);
    "secp256k1 keys, ECDSA sign + verify (random key via getrandom)".into()
}

/// rand_core 0.6's OsRng (getrandom 0.2), through k256's re-export.
mod rand_core06 {
    pub use k256::elliptic_curve::rand_core::OsRng;
}

fn ed25519_dalek() -> String {
    use ed25519_dalek::{Signer, SigningKey, Verifier};
    // RFC 8032, test 1.
    let secret: [u8; 32] =
        hex::decode("9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60")
            .expect("hex")
            .try_into()
            .expect("32 bytes");
    let key = SigningKey::from_bytes(&secret);
    expect(
        "ed25519-dalek",
        hex::encode(key.verifying_key().as_bytes()),
        "d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a".into(),
    );
    let signature = key.sign(b"");
    expect(
        "ed25519-dalek",
        hex::encode(signature.to_bytes()),
        "e5564300c360ac729086e2cc806e828a84877f1eb8e5d974d873e065224901555fb8821590a33bacc61e39701cf9b46bd25bf5f0595bbe24655141438e7a100b".into(),
    );
    expect(
        "ed25519-dalek",
        key.verifying_key().verify(b"", &signature).is_ok(),
        true,
    );
    let random = SigningKey::generate(&mut rand_core06::OsRng);
    let signature = random.sign(b"vouch");
    expect(
        "ed25519-dalek",
        random.verify(b"vouch", &signature).is_ok(),
        true,
    );
    "RFC 8032 vector; sign + verify with a random key".into()
}

fn rand09() -> String {
    use rand::rngs::StdRng;
    use rand::seq::SliceRandom;
    use rand::{Rng, SeedableRng};
    let a: Vec<u32> = StdRng::seed_from_u64(42).random_iter().take(4).collect();
    let b: Vec<u32> = StdRng::seed_from_u64(42).random_iter().take(4).collect();
    expect("rand", &a, &b);
    let mut rng = rand::rng(); // ThreadRng, seeded through getrandom 0.3
    let x: u64 = rng.random();
    let y: u64 = rng.random();
    assert_ne!(x, y, "rand::rng() repeats itself");
    let mut deck: Vec<u32> = (0..52).collect();
    deck.shuffle(&mut rng);
    deck.sort();
    expect("rand", deck, (0..52).collect());
    expect("rand", rng.random_range(10..20) / 10, 1);
    "rand::rng() (getrandom 0.3), StdRng, shuffle, ranges".into()
}

fn rand08() -> String {
    use rand08::{Rng, SeedableRng};
    let mut seeded = rand08::rngs::StdRng::seed_from_u64(7);
    let mut again = rand08::rngs::StdRng::seed_from_u64(7);
    expect("rand-0.8", seeded.gen::<u64>(), again.gen::<u64>());
    let mut rng = rand08::thread_rng(); // seeded through getrandom 0.2
    let x: u64 = rng.gen();
    let y: u64 = rng.gen();
    assert_ne!(x, y, "rand 0.8's thread_rng repeats itself");
    "thread_rng() (getrandom 0.2), StdRng".into()
}

fn bincode2() -> String {
    let config = bincode::config::standard();
    let bytes = bincode::serde::encode_to_vec(sample_record(), config).expect("encodes");
    let (back, used): (Record, usize) =
        bincode::serde::decode_from_slice(&bytes, config).expect("decodes");
    expect("bincode", (&back, used), (&sample_record(), bytes.len()));
    let legacy = bincode::serde::encode_to_vec(7u32, bincode::config::legacy()).expect("encodes");
    expect("bincode", legacy, vec![7, 0, 0, 0]);
    "2.x serde API, standard and legacy configs".into()
}

fn bincode1() -> String {
    let bytes = bincode1::serialize(&sample_record()).expect("encodes");
    let back: Record = bincode1::deserialize(&bytes).expect("decodes");
    expect("bincode-1", back, sample_record());
    expect(
        "bincode-1",
        bincode1::serialize(&7u32).expect("encodes"),
        vec![7, 0, 0, 0],
    );
    "1.x serialize / deserialize".into()
}

fn hashbrown() -> String {
    let mut map = hashbrown::HashMap::new();
    for i in 0..1000u32 {
        map.insert(i, i * i);
    }
    expect("hashbrown", map.get(&999).copied(), Some(998_001));
    map.retain(|k, _| k % 2 == 0);
    expect("hashbrown", map.len(), 500);
    let set: hashbrown::HashSet<&str> = ["a", "b", "a"].into_iter().collect();
    expect("hashbrown", set.len(), 2);
    "HashMap, HashSet with the default hasher".into()
}

fn num_bigint() -> String {
    use num_bigint::{BigUint, RandBigInt};
    let factorial: BigUint = (1..=100u32).map(BigUint::from).product();
    expect(
        "num-bigint",
        factorial.to_string(),
        "93326215443944152681699238856266700490715968264381621468592963895217599993229915608941463976156518286253697920827223758251185210916864000000000000000000000000".into(),
    );
    // Fermat: a^(p-1) = 1 mod p for the prime p = 2^127 - 1.
    let p = (BigUint::from(1u32) << 127u32) - 1u32;
    let a = rand08::thread_rng().gen_biguint_below(&p);
    let one = BigUint::from(1u32);
    if a > one {
        expect("num-bigint", a.modpow(&(&p - 1u32), &p), one);
    }
    "100!, modpow (Fermat test mod 2^127 - 1), random bigints".into()
}

fn getrandom02() -> String {
    let mut a = [0u8; 32];
    let mut b = [0u8; 32];
    getrandom02::getrandom(&mut a).expect("getrandom 0.2 works");
    getrandom02::getrandom(&mut b).expect("getrandom 0.2 works");
    assert_ne!(a, b, "getrandom 0.2 repeats itself");
    "getrandom(&mut buf)".into()
}

fn getrandom03() -> String {
    let mut a = [0u8; 13];
    getrandom03::fill(&mut a).expect("getrandom 0.3 works");
    let x = getrandom03::u64().expect("getrandom 0.3 works");
    let y = getrandom03::u64().expect("getrandom 0.3 works");
    assert_ne!(x, y, "getrandom 0.3 repeats itself");
    "fill, u32, u64 (custom backend)".into()
}

fn getrandom04() -> String {
    let mut a = [0u8; 7];
    getrandom04::fill(&mut a).expect("getrandom 0.4 works");
    let x = getrandom04::u64().expect("getrandom 0.4 works");
    let y = getrandom04::u64().expect("getrandom 0.4 works");
    assert_ne!(x, y, "getrandom 0.4 repeats itself");
    "fill, u64 (custom backend)".into()
}

fn std_hashmap() -> String {
    // RandomState seeds from sys_rand: lookups are right whatever the seed.
    let mut map: HashMap<String, usize> = HashMap::new();
    for word in "the quick brown fox jumps over the lazy dog the end".split(' ') {
        *map.entry(word.to_string()).or_default() += 1;
    }
    expect("std-hashmap", map["the"], 3);
    // A fixed hasher gives the same iteration order on every run.
    type Fixed = std::hash::BuildHasherDefault<std::hash::DefaultHasher>;
    let fixed: HashMap<u32, u32, Fixed> = (0..8).map(|i| (i, i)).collect();
    let order: Vec<u32> = fixed.keys().copied().collect();
    let again: HashMap<u32, u32, Fixed> = (0..8).map(|i| (i, i)).collect();
    expect(
        "std-hashmap",
        order,
        again.keys().copied().collect::<Vec<_>>(),
    );
    "HashMap (RandomState seeded by the prover), fixed-hasher HashMap".into()
}

fn std_io() -> String {
    // stdin: the rest of the private input (nothing here: the names used it all).
    let mut rest = Vec::new();
    std::io::stdin()
        .read_to_end(&mut rest)
        .expect("stdin reads");
    expect("std-io", rest.len(), 0);
    writeln!(std::io::stderr(), "std-io: stderr works").expect("stderr writes");
    expect("std-io", std::env::args().count(), 0);
    expect("std-io", std::env::var("HOME").is_err(), true);
    expect(
        "std-io",
        std::fs::read("/etc/passwd").map_err(|e| e.kind()).err(),
        Some(std::io::ErrorKind::Unsupported),
    );
    expect(
        "std-io",
        std::net::TcpStream::connect("127.0.0.1:80")
            .map_err(|e| e.kind())
            .err(),
        Some(std::io::ErrorKind::Unsupported),
    );
    "stdin, stderr, env (empty), fs and net (Unsupported errors)".into()
}

fn hex() -> String {
    expect(
        "hex",
        hex::encode([0xde, 0xad, 0xbe, 0xef]),
        "deadbeef".into(),
    );
    expect(
        "hex",
        hex::decode("c0ffee").expect("hex"),
        vec![0xc0, 0xff, 0xee],
    );
    "encode, decode".into()
}

fn base64() -> String {
    use base64::Engine;
    let engine = base64::engine::general_purpose::STANDARD;
    expect("base64", engine.encode(b"vouch"), "dm91Y2g=".into());
    expect(
        "base64",
        engine.decode("dm91Y2g=").expect("base64"),
        b"vouch".to_vec(),
    );
    "STANDARD engine encode, decode".into()
}

fn anyhow() -> String {
    use anyhow::Context;
    let err = "x12"
        .parse::<u32>()
        .context("reading the count")
        .expect_err("not a number");
    expect(
        "anyhow",
        format!("{err:#}"),
        "reading the count: invalid digit found in string".into(),
    );
    "context chains, {:#} formatting".into()
}

fn thiserror() -> String {
    #[derive(Debug, thiserror::Error)]
    enum Error {
        #[error("value {0} is out of range (max {max})", max = 10)]
        Range(u32),
    }
    expect(
        "thiserror",
        Error::Range(11).to_string(),
        "value 11 is out of range (max 10)".into(),
    );
    "derive(Error) messages".into()
}

fn itertools() -> String {
    use itertools::Itertools;
    let words = ["apple", "avocado", "banana", "blueberry", "cherry"];
    let grouped: Vec<(char, usize)> = words
        .iter()
        .chunk_by(|w| w.chars().next().unwrap_or(' '))
        .into_iter()
        .map(|(k, g)| (k, g.count()))
        .collect();
    expect("itertools", grouped, vec![('a', 2), ('b', 2), ('c', 1)]);
    expect("itertools", (1..=4).combinations(2).count(), 6);
    expect("itertools", words.iter().join("+").len(), 37);
    "chunk_by, combinations, join".into()
}

fn indexmap() -> String {
    let mut map = indexmap::IndexMap::new();
    for (k, v) in [("z", 1), ("a", 2), ("m", 3)] {
        map.insert(k, v);
    }
    expect(
        "indexmap",
        map.keys().copied().collect::<Vec<_>>(),
        vec!["z", "a", "m"],
    );
    "IndexMap keeps insertion order".into()
}

fn uuid() -> String {
    let id = uuid::Uuid::new_v4();
    expect("uuid", id.get_version_num(), 4);
    assert_ne!(id, uuid::Uuid::new_v4(), "uuid v4 repeats itself");
    let parsed = uuid::Uuid::parse_str("67e55044-10b1-426f-9247-bb680e5fe0c8").expect("uuid");
    expect("uuid", parsed.get_version_num(), 4);
    "new_v4 (getrandom), parse".into()
}

fn chrono() -> String {
    use chrono::{DateTime, Datelike, Duration};
    let t = DateTime::parse_from_rfc3339("2024-02-28T23:30:00+01:00").expect("a date");
    let later = t + Duration::hours(25); // 2024 is a leap year
    expect("chrono", (later.month(), later.day()), (3, 1));
    expect(
        "chrono",
        later.to_rfc3339(),
        "2024-03-01T00:30:00+01:00".into(),
    );
    "parse, arithmetic, format (no clock: Utc::now() panics)".into()
}

fn blake3() -> String {
    expect(
        "blake3",
        blake3::hash(b"").to_hex().to_string(),
        "af1349b9f5f9a1a6a0404dea36dcc9499bcb25c9adc112b7cc9a93cae41f3262".into(),
    );
    "hash (portable implementation)".into()
}

fn ahash() -> String {
    let mut map: ahash::AHashMap<u64, u64> = ahash::AHashMap::new();
    for i in 0..100 {
        map.insert(i, i + 1);
    }
    expect("ahash", map.get(&41).copied(), Some(42));
    "AHashMap (keys seeded through getrandom)".into()
}

fn flate2() -> String {
    use flate2::read::GzDecoder;
    use flate2::write::GzEncoder;
    let text = "vouch ".repeat(200);
    let mut encoder = GzEncoder::new(Vec::new(), flate2::Compression::default());
    encoder.write_all(text.as_bytes()).expect("compresses");
    let compressed = encoder.finish().expect("compresses");
    assert!(compressed.len() < 100, "gzip did not compress");
    let mut back = String::new();
    GzDecoder::new(&compressed[..])
        .read_to_string(&mut back)
        .expect("decompresses");
    expect("flate2", back, text);
    "gzip compress + decompress (miniz_oxide)".into()
}

// ---- what a std guest cannot do, and how it fails ----

fn fault_mode(fault: &str) -> String {
    match fault {
        "stack" => format!("{}", recurse(std::hint::black_box(1))),
        "heap" => {
            // 1 GiB: more than the whole heap.
            let big = vec![1u8; 1 << 30];
            format!("{}", big[std::hint::black_box(7)])
        }
        "heap-slow" => {
            // Fill the heap a megabyte at a time.
            let mut blocks = Vec::new();
            loop {
                blocks.push(vec![1u8; 1 << 20]);
                if blocks.len() > 1 << 12 {
                    break format!("{}", blocks.len());
                }
            }
        }
        "panic" => panic!("the check failed: {} != {}", 1, 2),
        "unwrap" => {
            let parsed: Result<u32, _> = "nope".parse::<u32>();
            format!("{}", parsed.unwrap())
        }
        "exit" => vouch_guest::exit(7),
        "process-exit" => std::process::exit(7),
        "abort" => std::process::abort(),
        "thread" => {
            let handle = std::thread::spawn(|| 1);
            format!("{:?}", handle.join())
        }
        "thread-builder" => match std::thread::Builder::new().spawn(|| 1) {
            Ok(_) => "spawned".into(),
            Err(err) => format!("{:?}", err.kind()),
        },
        "clock" => format!("{:?}", std::time::Instant::now()),
        "system-time" => format!("{:?}", std::time::SystemTime::now()),
        "chrono-now" => format!("{}", chrono::Utc::now()),
        "random" => format!("{}", vouch_guest::random_u32()),
        "getrandom" => {
            let mut buf = [0u8; 4];
            format!("{:?}", getrandom03::fill(&mut buf))
        }
        "hashmap" => {
            let map: HashMap<u32, u32> = HashMap::new();
            format!("{}", map.len())
        }
        "journal-fd" => {
            extern "C" {
                fn sys_write(fd: u32, buf: *const u8, len: usize);
            }
            // RISC Zero's journal descriptor: writes to 3 are commits.
            let bytes = b"via fd 3";
            // SAFETY: `bytes` is a live buffer of `bytes.len()` bytes.
            unsafe { sys_write(3, bytes.as_ptr(), bytes.len()) };
            "ok".into()
        }
        other => panic!("unknown fault {other:?}"),
    }
}

/// Recurses until the stack runs out (the depth never reaches `u64::MAX`): the frame keeps a
/// live array so that it cannot be turned into a loop.
fn recurse(depth: u64) -> u64 {
    if depth == u64::MAX {
        return 0;
    }
    let frame = [depth; 32];
    let below = recurse(std::hint::black_box(depth + 1));
    below.wrapping_add(frame[(depth % 32) as usize])
}
