//! Every script under tests/scenarios/ must pass and must tell the story
//! its golden output (`NAME.out` beside `NAME.txt`) tells: each step's
//! outcome and the trace lines it produced, in plain words. They are the
//! stories the playground teaches (and its lessons), so a change in one is
//! a change in what we tell learners: read the diff, and if the new story
//! is right, rewrite the files with
//!
//!     REWRITE=1 cargo test -p raft-sim --test scenarios

use std::path::{Path, PathBuf};

use raft_sim::scenario::{parse, run_script, transcript};

#[path = "golden/transcripts.rs"]
mod transcripts;

fn scripts() -> Vec<PathBuf> {
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/scenarios");
    let mut paths: Vec<_> = std::fs::read_dir(dir)
        .expect("scenario folder exists")
        .map(|e| e.expect("readable entry").path())
        .filter(|p| p.extension().is_some_and(|e| e == "txt"))
        .collect();
    paths.sort();
    paths
}

/// The script's transcript, after checking that it passes.
fn run(path: &Path) -> String {
    let src = std::fs::read_to_string(path).expect("readable script");
    let scenario = parse(&src).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    assert!(
        !scenario.title.is_empty(),
        "{} has no opening sentence",
        path.display()
    );
    let (runner, outcome) = run_script(&scenario).expect("cluster builds");
    let text = transcript(&scenario, &outcome);
    assert_eq!(
        outcome.failure,
        None,
        "{} failed; its transcript:\n{text}",
        path.display()
    );
    assert!(
        runner.cluster.linearizability().linearizable,
        "{}",
        path.display()
    );
    text
}

#[test]
fn every_scenario_script_passes_and_tells_its_golden_story() {
    let paths = scripts();
    assert!(
        paths.len() >= 15,
        "expected the course scenarios, found {paths:?}"
    );
    let rewrite = std::env::var_os("REWRITE").is_some_and(|v| v != "0");
    let mut stale = Vec::new();
    for path in paths {
        let got = run(&path);
        let out = path.with_extension("out");
        if rewrite {
            std::fs::write(&out, &got).expect("writable .out file");
            continue;
        }
        let want = std::fs::read_to_string(&out).unwrap_or_default();
        if want != got {
            eprintln!(
                "--- {} (- golden, + now)\n{}",
                out.display(),
                diff(&want, &got)
            );
            stale.push(out.display().to_string());
        }
    }
    assert!(
        stale.is_empty(),
        "the story changed in {stale:?} (diff above); if the new one is right, run\n  \
         REWRITE=1 cargo test -p raft-sim --test scenarios"
    );
}

#[test]
fn the_browser_test_knows_every_script() {
    let on_disk: Vec<String> = scripts()
        .iter()
        .map(|p| p.file_stem().unwrap().to_string_lossy().into_owned())
        .collect();
    let listed: Vec<String> = transcripts::SCRIPTS
        .iter()
        .map(|(n, _, _)| n.to_string())
        .collect();
    assert_eq!(
        listed, on_disk,
        "list every script in tests/golden/transcripts.rs"
    );
    // The compiled-in copy is the same text the file test reads.
    let (name, src, want) = transcripts::SCRIPTS[0];
    if std::env::var_os("REWRITE").is_none() {
        assert_eq!(transcripts::transcript_of(src), want, "{name}");
    }
}

/// A line diff (longest common subsequence) showing changed lines with two
/// lines of context; enough for transcripts of a few thousand lines.
fn diff(a: &str, b: &str) -> String {
    let a: Vec<&str> = a.lines().collect();
    let b: Vec<&str> = b.lines().collect();
    let (n, m) = (a.len(), b.len());
    // lcs[i][j]: the longest common subsequence of a[i..] and b[j..].
    let mut lcs = vec![vec![0u32; m + 1]; n + 1];
    for i in (0..n).rev() {
        for j in (0..m).rev() {
            lcs[i][j] = if a[i] == b[j] {
                lcs[i + 1][j + 1] + 1
            } else {
                lcs[i + 1][j].max(lcs[i][j + 1])
            };
        }
    }
    let mut ops: Vec<(char, usize, &str)> = Vec::new();
    let (mut i, mut j) = (0, 0);
    while i < n || j < m {
        if i < n && j < m && a[i] == b[j] {
            ops.push((' ', i + 1, a[i]));
            i += 1;
            j += 1;
        } else if i < n && (j == m || lcs[i + 1][j] >= lcs[i][j + 1]) {
            ops.push(('-', i + 1, a[i]));
            i += 1;
        } else {
            ops.push(('+', j + 1, b[j]));
            j += 1;
        }
    }
    let near = |k: usize| {
        ops[k.saturating_sub(2)..(k + 3).min(ops.len())]
            .iter()
            .any(|o| o.0 != ' ')
    };
    let mut out = String::new();
    let mut gap = false;
    for (k, (op, line, text)) in ops.iter().enumerate() {
        if near(k) {
            out.push_str(&format!("{op}{line:>5} {text}\n"));
            gap = false;
        } else if !gap {
            out.push_str("   ...\n");
            gap = true;
        }
    }
    out
}

#[test]
fn the_diff_shows_what_changed_with_context() {
    let d = diff("a\nb\nc\nd\ne\nf\ng\n", "a\nb\nc\nD\ne\nf\ng\n");
    assert_eq!(
        d,
        "   ...\n     2 b\n     3 c\n-    4 d\n+    4 D\n     5 e\n     6 f\n   ...\n"
    );
}

#[test]
fn narration_attaches_to_the_next_step_in_both_languages() {
    let s =
        parse("# Intent.\ncluster voters=3\nsay en: Elect.\nsay zh: 选举。\nwait leader\nrun 1s\n")
            .unwrap();
    assert_eq!(s.title, "Intent.");
    assert_eq!(s.steps[0].say_en.as_deref(), Some("Elect."));
    assert_eq!(s.steps[0].say_zh.as_deref(), Some("选举。"));
    assert_eq!(s.steps[1].say_en, None);
}

#[test]
fn errors_name_line_and_column() {
    let cases = [
        ("run 1s\n", 1, 1, "starts with 'cluster'"),
        (
            "cluster voters=3\nwait leadr\n",
            2,
            6,
            "unknown condition 'leadr'",
        ),
        ("cluster voters=3\n  crash x7\n", 2, 9, "expected a member"),
        ("cluster voters=12\n", 1, 1, "1 to 9 voters"),
        (
            "cluster voters=3 color=red\n",
            1,
            18,
            "unknown cluster setting",
        ),
        ("cluster voters=3\nrun soon\n", 2, 5, "duration"),
        (
            "cluster voters=3\nput n1 \"\" v\n",
            2,
            8,
            "key must not be empty",
        ),
        (
            "cluster voters=3\nget n1 k mode=fast\n",
            2,
            10,
            "unknown read mode",
        ),
        (
            "cluster voters=3\nput n1 \"k v\n",
            2,
            8,
            "unterminated quote",
        ),
        ("cluster voters=3\nsay fr: bonjour\n", 2, 5, "say en"),
        ("cluster voters=3\nwait commit n1 > 3\n", 2, 16, "'>='"),
        ("cluster members=3\nloss 0.2.1\n", 2, 6, "percentage"),
        ("cluster members=3 loss=120\n", 1, 19, "percentage"),
        ("cluster members=3\nlatency soon\n", 2, 9, "milliseconds"),
        ("cluster members=3\ncrash\n", 2, 6, "(usage: crash N)"),
        (
            "cluster members=3\nhold-msg kind=append\n",
            2,
            21,
            "expected 'as M'",
        ),
        (
            "cluster members=3\nhold-msg kind=gossip as m\n",
            2,
            10,
            "unknown message kind",
        ),
        (
            "cluster members=3\nwatch n1 /a prefix\n",
            2,
            19,
            "(usage: watch N KEY [prefix] [rev=R] as L)",
        ),
        (
            "cluster members=3\nexpect-error\n",
            2,
            13,
            "expected a command",
        ),
        (
            "cluster members=3\nexpect-error crash n0\n",
            2,
            20,
            "expected a member",
        ),
        (
            "cluster members=3\nwait msg m gone\n",
            2,
            12,
            "unknown message state",
        ),
        ("cluster members=3\nfly n1\n", 2, 1, "unknown command 'fly'"),
    ];
    for (src, line, column, needle) in cases {
        let e = parse(src).expect_err(src);
        assert_eq!((e.line, e.column), (line, column), "{src:?}: {e}");
        assert!(e.message.contains(needle), "{src:?}: {e}");
    }
}

#[test]
fn no_input_makes_the_parser_panic() {
    // A small deterministic fuzz over pieces of real scripts.
    let pieces = [
        "cluster",
        "voters=3",
        "wait",
        "leader",
        "within=",
        "1s",
        "ms",
        "put",
        "n1",
        "n0",
        "n",
        "$",
        "$x",
        "\"",
        "=",
        "absent",
        "|",
        "rest",
        "->",
        "<->",
        "joint",
        "remove",
        "say",
        "en:",
        "zh:",
        "中文",
        "#",
        "drop",
        "kind=append",
        "from=",
        "result",
        "commit",
        ">=",
        "99999999999999999999999",
        "-1",
        "\n",
        " ",
        "\t",
        "partition",
        "remember",
        "as",
        "members=5",
        "loss",
        "10%",
        "1.5",
        "watch",
        "prefix",
        "events",
        "hold-msg",
        "release-msg",
        "drop-msg",
        "msg",
        "held",
        "expect-error",
        "joint",
        "term",
        "<=",
        "%",
    ];
    let mut rng = raft_sim::SimRng::new(42);
    for _ in 0..20_000 {
        let n = rng.range_inclusive(1, 12);
        let mut src = String::new();
        for _ in 0..n {
            src.push_str(rng.pick(&pieces).unwrap());
            if rng.chance(0.6) {
                src.push(' ');
            }
        }
        let _ = parse(&src);
    }
}

#[test]
fn every_command_has_a_usage_line_starting_with_its_name() {
    let help = raft_sim::scenario::help();
    let mut names = Vec::new();
    for u in raft_sim::scenario::usage() {
        assert!(u.usage.starts_with(u.name), "{u:?}");
        assert!(!u.about.is_empty(), "{u:?}");
        assert!(help.contains(u.usage), "{u:?}");
        names.push(u.name);
    }
    let mut unique = names.clone();
    unique.sort();
    unique.dedup();
    assert_eq!(unique.len(), names.len(), "{names:?}");
    for name in [
        "watch",
        "hold-msg",
        "release-msg",
        "drop-msg",
        "partition",
        "joint",
    ] {
        assert!(names.contains(&name), "{name}");
    }
}

#[test]
fn an_expected_error_that_does_not_come_fails_the_script() {
    let s =
        parse("cluster members=3 seed=1\nwait leader within=5s\nexpect-error crash n1\n").unwrap();
    let (_, outcome) = run_script(&s).unwrap();
    let failure = outcome.failure.expect("crashing a running member works");
    assert!(failure.contains("expected an error"), "{failure}");
}

#[test]
fn a_failing_assertion_reports_its_line() {
    let s = parse("cluster voters=3 seed=1\nwait leader within=5s\nassert no-leader\n").unwrap();
    let (_, outcome) = run_script(&s).unwrap();
    let failure = outcome.failure.expect("the assertion fails");
    assert!(failure.starts_with("line 3: assertion failed"), "{failure}");
}

#[test]
fn a_network_command_changes_only_its_own_setting() {
    let s = parse("cluster voters=3 latency=30 jitter=4\nloss 20\ndup 10%\n").unwrap();
    let (runner, outcome) = run_script(&s).unwrap();
    assert_eq!(outcome.failure, None);
    let net = &runner.cluster.config().net;
    assert_eq!((net.latency_ms, net.jitter_ms), (30, 4));
    assert_eq!((net.loss, net.duplicate), (0.2, 0.1));
}
