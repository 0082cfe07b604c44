//! The conditions lessons added to scripts: each one is seen to hold when
//! it should and to fail when it should not, so a lesson that asserts one
//! proves what its narration says.

use raft_sim::scenario::{parse, run_script};

/// Runs a script and returns its first failure, if any.
fn failure(src: &str) -> Option<String> {
    let s = parse(src).unwrap_or_else(|e| panic!("{e}\n{src}"));
    let (_, outcome) = run_script(&s).unwrap();
    outcome.failure
}

fn passes(src: &str) {
    assert_eq!(failure(src), None, "{src}");
}

fn fails_at(src: &str, line: usize) {
    let f = failure(src).unwrap_or_else(|| panic!("should fail at line {line}:\n{src}"));
    assert!(f.starts_with(&format!("line {line}:")), "{f}");
}

#[test]
fn two_leaders_holds_while_an_isolated_leader_has_not_noticed() {
    // Without CheckQuorum the cut-off leader keeps its role until it hears
    // the new term.
    let start = "cluster members=3 seed=5 check-quorum=off pre-vote=off
wait leader within=5s
remember leader as old
";
    fails_at(&format!("{start}assert two-leaders\n"), 4);
    let isolated =
        format!("{start}isolate $old\nwait leader-not $old within=5s\nassert two-leaders\n");
    passes(&isolated);
    fails_at(
        &format!("{isolated}heal\nwait role $old follower within=5s\nassert two-leaders\n"),
        9,
    );
}

#[test]
fn minority_names_the_side_without_a_quorum() {
    let base = "cluster members=5 seed=11
wait leader within=5s
remember leader as old
partition $old n1 | rest
assert minority $old
assert minority n1
";
    passes(base);
    fails_at(&format!("{base}assert minority n2\n"), 7);
    // A crashed member is on no side at all.
    fails_at(
        "cluster members=3 seed=1\nwait leader within=5s\ncrash n1\nassert minority n1\n",
        4,
    );
}

#[test]
fn quorum_size_follows_the_committed_voters() {
    let s = "cluster members=3 seed=9
wait leader within=5s
assert quorum-size = 2
add-voter n4
wait voter n4 within=5s
assert quorum-size = 3
assert quorum-size >= 3
";
    passes(s);
    fails_at(&format!("{s}assert quorum-size <= 2\n"), 8);
}

#[test]
fn snapshot_reads_the_compacted_index() {
    let s = "cluster members=3 seed=3
wait leader within=5s
assert snapshot n1 <= 1
put leader a 1 as w
wait ok w within=2s
wait converged within=2s
compact n1
assert snapshot n1 >= 2
";
    passes(s);
    fails_at(&format!("{s}assert snapshot n2 >= 2\n"), 9);
}

#[test]
fn flags_read_the_setting_in_force() {
    let s = "cluster members=3 seed=1 pre-vote=off check-quorum=on
assert pre-vote off
assert check-quorum on
pre-vote on
assert pre-vote on
";
    passes(s);
    fails_at(&format!("{s}assert check-quorum off\n"), 6);
}

#[test]
fn request_finds_the_latest_matching_request() {
    let s = "cluster members=3 seed=5
wait leader within=5s
remember leader as l
put $l k v1
wait request any put k ok within=2s
wait converged within=2s
assert request any put k ok
assert request $l put k ok
get n1 k mode=serializable
assert request n1 get k mode=serializable done
assert request n1 get k mode=serializable = v1
assert request n1 get k = v1
put $l k v2
assert request any put k sent
";
    passes(s);
    // Not sent to that member, not in that mode, not that value, not yet done.
    fails_at(&format!("{s}assert request n2 get k\n"), 15);
    fails_at(
        &format!("{s}assert request n1 get k mode=linearizable\n"),
        15,
    );
    fails_at(&format!("{s}assert request n1 get k = v2\n"), 15);
    fails_at(&format!("{s}assert request any put k done\n"), 15);
    fails_at(&format!("{s}assert request any delete k\n"), 15);
}

#[test]
fn request_skips_the_requests_a_script_labels() {
    // A lesson's own request (labelled) must not complete a task that waits
    // for the learner's (unlabelled) one: two-leaders sends a linearizable
    // read that fails, then asks the learner for one.
    let s = "cluster members=3 seed=5
wait leader within=5s
remember leader as l
put $l k v1 as mine
wait ok mine within=2s
";
    passes(s);
    fails_at(&format!("{s}assert request any put k\n"), 6);
    passes(&format!(
        "{s}put $l k v2\nwait request any put k ok within=2s\nassert request $l put k ok\nput $l k v3 as later\nwait ok later within=2s\nassert request any put k ok\n"
    ));
}

#[test]
fn sides_match_the_partition_exactly() {
    let s = "cluster members=5 seed=11
wait leader within=5s
assert not sides n1 n2 | rest
partition n1 n2 | rest
assert sides n1 n2 | rest
assert sides n3 n4 n5 | n2 n1
wait sides n1 n2 | n3 n4 n5 within=1s
";
    passes(s);
    // n2 alone is a minority too, but not this partition.
    fails_at(&format!("{s}assert sides n2 | rest\n"), 8);
    fails_at(&format!("{s}assert sides n1 | n2 | rest\n"), 8);
    // A down member is on no side.
    passes(&format!(
        "{s}crash n1\nassert sides n1 n2 | rest\nassert sides n2 | rest\n"
    ));
    let e = parse("cluster members=3\nassert sides n1 n2\n").unwrap_err();
    assert!(e.message.contains("expected groups"), "{e}");
}

#[test]
fn request_conditions_parse_with_wait_options() {
    passes(
        "cluster members=3 seed=5
wait leader within=5s
get leader missing mode=linearizable
wait request any get missing mode=linearizable absent within=3s
",
    );
    let e = parse("cluster members=3\nassert request n1 fetch k\n").unwrap_err();
    assert!(e.message.contains("put, get, delete or range"), "{e}");
    let e = parse("cluster members=3\nassert request n1 get k mode=fast\n").unwrap_err();
    assert!(e.message.contains("unknown read mode"), "{e}");
    let e = parse("cluster members=3\nassert quorum-size 3\n").unwrap_err();
    assert!(e.message.contains("'>=', '=' or '<='"), "{e}");
}

#[test]
fn not_negates_any_condition() {
    let s = "cluster members=3 seed=5 check-quorum=off pre-vote=off
wait leader within=5s
assert not two-leaders
assert not no-leader
assert not request any put k
";
    passes(s);
    fails_at(&format!("{s}assert not leader\n"), 6);
    let e = parse("cluster members=3\nassert not not leader\n").unwrap_err();
    assert!(e.message.contains("'not not'"), "{e}");
}

#[test]
fn watching_finds_running_watches_by_what_they_watch() {
    let s = "cluster members=3 seed=31
wait leader within=5s
assert not watching /registry/pods/ prefix
watch n1 /registry/pods/ prefix as pods
assert watching /registry/pods/ prefix = 0
put leader /registry/pods/default/nginx Pending as p1
wait watching /registry/pods/ prefix >= 1 within=2s
put leader /registry/configmaps/default/x 1 as c1
wait ok c1 within=2s
run 500ms
assert watching /registry/pods/ prefix = 1
watch n2 /registry/pods/ prefix as later
assert watching /registry/pods/ prefix = 0
assert watching /registry/pods/ prefix = 1
";
    passes(s);
    // Not the key alone. A watch whose member goes down moves to another
    // (as an etcd client's does), so it is still watching; with every
    // member down it waits, and is not.
    fails_at(&format!("{s}assert watching /registry/pods/\n"), 15);
    passes(&format!(
        "{s}crash n1\ncrash n2\nassert watching /registry/pods/ prefix = 1\n"
    ));
    fails_at(
        &format!("{s}crash n1\ncrash n2\ncrash n3\nassert watching /registry/pods/ prefix\n"),
        18,
    );
}

#[test]
fn same_term_compares_two_members() {
    // Without PreVote a cut-off follower raises its term at every timeout.
    let s = "cluster members=3 seed=7 pre-vote=off check-quorum=off
wait leader within=5s
remember leader as l
assert same-term n3 $l
isolate n3
run 3s
";
    passes(s);
    fails_at(&format!("{s}assert same-term n3 $l\n"), 7);
    fails_at(&format!("{s}crash n2\nassert same-term n2 $l\n"), 8);
}

#[test]
fn request_says_whether_a_learner_read_was_stale() {
    // stale-read.txt's story: a serializable read on a cut-off old leader.
    let s = "cluster members=3 seed=5 check-quorum=off pre-vote=off
wait leader within=5s
remember leader as old
put $old k v1 as w1
wait ok w1 within=2s
wait converged within=2s
isolate $old
wait leader-not $old within=5s
put leader k v2 as w2
wait ok w2 within=2s
get $old k mode=serializable
wait request $old get k done within=1s
assert request $old get k stale
get leader k mode=linearizable
wait request leader get k mode=linearizable done within=2s
assert request leader get k mode=linearizable fresh
";
    passes(s);
    fails_at(&format!("{s}assert request $old get k fresh\n"), 17);
    fails_at(&format!("{s}assert request leader get k stale\n"), 17);
}
