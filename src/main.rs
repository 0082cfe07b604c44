//! Raft Playground, the web app. The page (Yew, built by Trunk) is the next
//! piece of work; until it lands this binary only points to the simulation
//! core and its CLI, which the page will drive.

fn main() {
    println!(
        "Raft Playground: the page is not built yet. Try the simulation core: \
         cargo run --release -p raft-sim -- help"
    );
}
