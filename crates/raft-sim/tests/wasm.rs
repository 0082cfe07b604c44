//! In headless Chromium: the same seeded runs give the same trace hashes as
//! natively (both are pinned in `golden/traces.txt`), and every script the
//! same transcript (its `.out` file).
//!
//! Run with `CHROMEDRIVER=/usr/bin/chromedriver cargo test -p raft-sim
//! --target wasm32-unknown-unknown --test wasm` (scripts/test.sh does).

#![cfg(target_arch = "wasm32")]

use wasm_bindgen_test::{wasm_bindgen_test, wasm_bindgen_test_configure};

#[path = "golden/runs.rs"]
mod runs;

#[path = "golden/transcripts.rs"]
mod transcripts;

wasm_bindgen_test_configure!(run_in_browser);

#[wasm_bindgen_test]
fn browser_trace_hashes_equal_the_native_ones() {
    let golden = runs::golden();
    assert!(golden.len() >= 3);
    for (name, expected) in golden {
        assert_eq!(
            runs::hash_of(&name),
            expected,
            "{name} differs in the browser"
        );
    }
}

#[wasm_bindgen_test]
fn browser_transcripts_equal_the_golden_ones() {
    for (name, src, want) in transcripts::SCRIPTS {
        assert!(
            transcripts::transcript_of(src) == *want,
            "{name}: the transcript differs in the browser"
        );
    }
}
