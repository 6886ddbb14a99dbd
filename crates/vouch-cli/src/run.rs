//! `vouch run`: execute without proving.

use std::io::Write;
use std::path::PathBuf;

use clap::Args;
use vouch_sdk::{ExecuteOptions, Program};

use crate::input::InputArgs;
use crate::Failure;

#[derive(Args)]
pub struct RunArgs {
    /// The guest ELF executable.
    elf: PathBuf,
    #[command(flatten)]
    input: InputArgs,
    /// Print one JSON object: exit_code, cycles, journal_hex, stdout, stderr.
    #[arg(long)]
    json: bool,
    /// Print cycles per guest function, most expensive first.
    #[arg(long)]
    profile: bool,
    /// Stop after this many cycles.
    #[arg(long, default_value_t = vouch_sdk::ExecuteOptions::default().cycle_limit)]
    cycle_limit: u64,
    /// Refuse the guest random words: a guest that asks for randomness (getrandom, std's
    /// HashMap::new) stops with an error.
    #[arg(long)]
    no_random: bool,
}

pub fn run(args: RunArgs) -> Result<(), Failure> {
    let program = Program::load(&args.elf)?;
    let input = args.input.read()?;
    let opts = ExecuteOptions {
        cycle_limit: args.cycle_limit,
        profile: args.profile,
        // Guest prints go straight to the terminal, except in JSON mode where they are
        // captured into the object.
        echo: !args.json,
        random: !args.no_random,
    };
    let result = program.execute_with(&input, &opts)?;
    let journal_hex = hex::encode(&result.journal.bytes);
    if args.json {
        let mut obj = serde_json::json!({
            "exit_code": result.exit_code,
            "cycles": result.cycles,
            "journal_hex": journal_hex,
            "stdout": String::from_utf8_lossy(&result.stdout),
            "stderr": String::from_utf8_lossy(&result.stderr),
        });
        if let Some(profile) = &result.profile {
            obj["profile"] = profile
                .functions
                .iter()
                .map(|f| serde_json::json!({"function": demangle(&f.name), "cycles": f.cycles}))
                .collect();
        }
        println!("{obj}");
        return Ok(());
    }
    let _ = std::io::stdout().flush();
    println!("journal: {journal_hex}");
    println!("exit code: {}", result.exit_code);
    println!("cycles: {}", result.cycles);
    if let Some(profile) = &result.profile {
        print_profile(profile);
    }
    Ok(())
}

fn demangle(name: &str) -> String {
    format!("{:#}", rustc_demangle::demangle(name))
}

fn print_profile(profile: &vouch_sdk::Profile) {
    println!();
    println!("{:>12}  {:>6}  function", "cycles", "share");
    for f in profile.functions.iter().take(40) {
        let share = 100.0 * f.cycles as f64 / profile.total.max(1) as f64;
        println!("{:>12}  {:>5.1}%  {}", f.cycles, share, demangle(&f.name));
    }
    if profile.functions.len() > 40 {
        println!("  ({} more functions)", profile.functions.len() - 40);
    }
}
