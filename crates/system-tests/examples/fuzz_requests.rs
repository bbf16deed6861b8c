//! Fuzzes the decode and validation layer for as many inputs as asked
//! (see `readout_system_tests::fuzz`).
//!
//!     cargo run --release -p readout-system-tests --example fuzz_requests -- [INPUTS] [SEED]
//!
//! (default 1,000,000 inputs, seed 1).

fn main() {
    let args: Vec<u64> = std::env::args()
        .skip(1)
        .filter_map(|arg| arg.parse().ok())
        .collect();
    let inputs = args.first().copied().unwrap_or(1_000_000);
    let seed = args.get(1).copied().unwrap_or(1);
    // Panics are caught and reported per input; keep their messages quiet.
    std::panic::set_hook(Box::new(|_| {}));
    if let Err(problem) = readout_system_tests::fuzz::fuzz(inputs, seed) {
        eprintln!("fuzz_requests: {problem}");
        std::process::exit(1);
    }
}
