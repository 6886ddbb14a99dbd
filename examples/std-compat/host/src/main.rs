//! `cargo run --release -p std-compat-host [-- CHECK...]`: run the std-compat guest's checks
//! (default: every crate) and print each one's summary and cycle count.

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let program = std_compat_host::program()?;
    let mut checks: Vec<String> = std::env::args().skip(1).collect();
    if checks.is_empty() {
        let list = program.execute(std_compat_host::input(&["list"]))?;
        let results: Vec<(String, String)> = list.journal.decode()?;
        checks = results[0].1.split(',').map(str::to_string).collect();
    }
    for check in &checks {
        let result = program.execute(std_compat_host::input(&[check.as_str()]))?;
        print!("{}", String::from_utf8_lossy(&result.stdout));
    }
    Ok(())
}
