//! The determinism contract: a seed and a script give one trace, the same
//! natively and in the browser. Both this test and `wasm.rs` (run in
//! headless Chromium) compare against the hashes in `golden/traces.txt`, so
//! native == golden == wasm.
//!
//! A change to the core that alters behaviour changes these hashes on
//! purpose; update the golden file with the values this test prints, and
//! say why in the commit.

#[path = "golden/runs.rs"]
mod runs;

#[test]
fn native_trace_hashes_match_the_golden_file() {
    let mut mismatches = Vec::new();
    for (name, expected) in runs::golden() {
        let got = runs::hash_of(&name);
        if got != expected {
            mismatches.push(format!("{name} {got}"));
        }
    }
    assert!(
        mismatches.is_empty(),
        "trace hashes changed; if intended, put these lines in tests/golden/traces.txt:\n{}",
        mismatches.join("\n")
    );
}

#[test]
fn a_run_repeated_gives_the_same_trace() {
    for (name, _) in runs::golden() {
        assert_eq!(runs::hash_of(&name), runs::hash_of(&name), "{name}");
    }
}
