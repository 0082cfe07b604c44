//! The page's entry point (Trunk builds this binary to wasm). Natively it
//! only says where to look.

#[cfg(target_arch = "wasm32")]
fn main() {
    raft_playground::start();
}

#[cfg(not(target_arch = "wasm32"))]
fn main() {
    println!(
        "Raft Playground is a web page: run `bash scripts/run.sh` and open \
         http://127.0.0.1:8080. The simulation's CLI: cargo run --release -p raft-sim -- help"
    );
}
