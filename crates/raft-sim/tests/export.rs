//! `--history FILE` on `raft-sim run` and `raft-sim script`, and
//! `raft-sim replay`: the files are what the README's "History formats"
//! says, and a session imports back to the same run.

use std::path::PathBuf;
use std::process::Command;

fn raft_sim(args: &[&str]) -> (bool, String, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_raft-sim"))
        .args(args)
        .output()
        .unwrap();
    (
        out.status.success(),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

fn temp(name: &str) -> PathBuf {
    std::env::temp_dir().join(format!("raft-sim-export-{}-{name}", std::process::id()))
}

/// The trace hash `raft-sim run` printed.
fn trace(stdout: &str) -> String {
    stdout.rsplit("trace ").next().unwrap().trim().to_string()
}

#[test]
fn a_chaos_run_writes_its_history_as_jepsen_lines_and_porcupine_operations() {
    let run = ["run", "--secs", "8", "--faults", "chaos", "--seed", "4"];
    let jepsen = temp("h.jsonl");
    let (ok, out, err) = raft_sim(&[&run[..], &["--history", jepsen.to_str().unwrap()]].concat());
    assert!(ok, "{out}{err}");
    let text = std::fs::read_to_string(&jepsen).unwrap();
    let lines: Vec<serde_json::Value> = text
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    let invokes = lines.iter().filter(|l| l["type"] == "invoke").count();
    assert!(invokes > 20, "{invokes} invocations");
    assert_eq!(
        lines.len(),
        2 * invokes,
        "every invocation completes (ok, fail or info)"
    );
    for (i, l) in lines.iter().enumerate() {
        assert_eq!(l["index"], i as u64);
        for field in ["type", "process", "f", "value", "time", "node"] {
            assert!(l.get(field).is_some(), "line {i} has no {field}: {l}");
        }
    }
    let times: Vec<u64> = lines.iter().map(|l| l["time"].as_u64().unwrap()).collect();
    assert!(times.windows(2).all(|w| w[0] <= w[1]), "in time order");

    let porcupine = temp("h.json");
    let args = [
        "--history",
        porcupine.to_str().unwrap(),
        "--history-format",
        "porcupine",
    ];
    let (ok, out2, _) = raft_sim(&[&run[..], &args].concat());
    assert!(ok);
    assert_eq!(
        trace(&out2),
        trace(&out),
        "exporting does not change the run"
    );
    let ops: Vec<serde_json::Value> =
        serde_json::from_str(&std::fs::read_to_string(&porcupine).unwrap()).unwrap();
    assert!(ops.len() > 20);
    for op in &ops {
        let (call, ret) = (op["Call"].as_i64().unwrap(), op["Return"].as_i64().unwrap());
        assert!(call <= ret, "{op}");
        assert!(
            op["ClientId"].is_u64() && op["Input"]["f"].is_string(),
            "{op}"
        );
    }
    let _ = std::fs::remove_file(jepsen);
    let _ = std::fs::remove_file(porcupine);
}

#[test]
fn a_session_from_run_or_script_replays_to_the_same_trace() {
    let session = temp("run-session.json");
    let (ok, out, _) = raft_sim(&[
        "run",
        "--secs",
        "8",
        "--faults",
        "chaos",
        "--seed",
        "4",
        "--history",
        session.to_str().unwrap(),
        "--history-format",
        "session",
    ]);
    assert!(ok, "{out}");
    let (ok, replayed, err) = raft_sim(&["replay", session.to_str().unwrap()]);
    assert!(ok, "{err}");
    assert!(
        replayed.contains(&format!("trace {} (the same run)", trace(&out))),
        "{replayed}"
    );

    let script = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/scenarios/checkquorum.txt"
    );
    let (ok, _, err) = raft_sim(&[
        "script",
        script,
        "--history",
        session.to_str().unwrap(),
        "--history-format",
        "session",
    ]);
    assert!(ok, "{err}");
    let (ok, replayed, err) = raft_sim(&["replay", session.to_str().unwrap()]);
    assert!(ok && replayed.contains("(the same run)"), "{replayed}{err}");

    // A session edited by hand: refused, saying where or why.
    let text = std::fs::read_to_string(&session).unwrap();
    std::fs::write(&session, text.replacen("\"at_ms\": ", "\"at_ms\": x", 1)).unwrap();
    let (ok, _, err) = raft_sim(&["replay", session.to_str().unwrap()]);
    assert!(
        !ok && err.contains("line ") && err.contains("column "),
        "{err}"
    );
    let _ = std::fs::remove_file(session);

    let (ok, _, err) = raft_sim(&["run", "--history-format", "session"]);
    assert!(
        !ok && err.contains("--history-format needs --history FILE"),
        "{err}"
    );
}
