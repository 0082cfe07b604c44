//! In headless Chromium: the same seeded runs give the same trace hashes as
//! natively (both are pinned in `golden/traces.txt`).
//!
//! Run with `CHROMEDRIVER=/usr/bin/chromedriver cargo test -p raft-sim
//! --target wasm32-unknown-unknown --test wasm` (scripts/test.sh does).

#![cfg(target_arch = "wasm32")]

use wasm_bindgen_test::{wasm_bindgen_test, wasm_bindgen_test_configure};

#[path = "golden/runs.rs"]
mod runs;

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
