//! The `civimg` binary: parse arguments, run, map the outcome to an exit code.
fn main() {}
