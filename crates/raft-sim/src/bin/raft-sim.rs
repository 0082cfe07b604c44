//! `raft-sim`: run a simulated Raft cluster from the command line.

use std::process::ExitCode;
use std::time::Instant;

use raft_sim::export::{jepsen, porcupine, session::Session, HistoryFormat};
use raft_sim::network::NetConfig;
use raft_sim::scenario::{parse, run_script};
use raft_sim::vocabulary::canonical_setting;
use raft_sim::workload::{run, run_recorded, Faults, RunConfig};
use raft_sim::Cluster;

const USAGE: &str = "\
usage:
  raft-sim run [--seed S] [--members N] [--secs T] [--faults none|chaos]
               [--pre-vote on|off] [--check-quorum on|off] [--clients C]
               [--latency MS] [--jitter MS] [--loss P] [--duplicate P]
               [--events K] [--json] [--history FILE [--history-format F]]
  raft-sim script FILE [--json | --transcript] [--history FILE [--history-format F]]
  raft-sim replay SESSION-FILE
  raft-sim script --help
  raft-sim sweep [--seeds K] [--from S] [--members N] [--secs T] [--faults none|chaos]
                 [--pre-vote on|off] [--check-quorum on|off] [--clients C]
                 [--latency MS] [--jitter MS] [--loss P] [--duplicate P]
  raft-sim bench [--secs T] [--repeat R]
  raft-sim lesson ID|FILE [--lang en|zh]
  raft-sim lesson --all | --list | --help
  raft-sim console [--members N] [--seed S] [--command-timeout 5s]
                   [--client-urls U1,U2,.. --peer-urls P1,P2,..]
  raft-sim help

run    runs a cluster of N voting members (1-9, default 3) for T virtual seconds
       (default 30) under a steady client workload of writes and reads in every
       read mode, on links of the given latency and jitter (ms) and loss and
       duplication (percent, e.g. 5 or 5%).
       Old spellings still accepted: --nodes, --dup.
       chaos: random crashes, restarts, partitions (also one-way), loss,
       duplication and membership changes, all healed for the last 40%.
script runs a scenario script (see crates/raft-sim/tests/scenarios/); --help lists
       its commands, --transcript prints the golden output kept beside each test script.
sweep  runs seeds S..S+K (default 1..200) and lists any that fail.
bench  measures virtual seconds simulated per wall second for 3, 5 and 7
       voters under a steady write load (best of R runs), and the wall time
       per delivered message.
lesson runs a guided lesson without a learner, doing each task through its
       solve commands: ID prints its narration, tasks, hints and what each
       command found (in English or Chinese); FILE runs a lesson file being
       written; --all runs every built-in lesson, one line each, and exits 1
       if one fails; --list lists them.
console reads etcdctl 3.4 command lines from stdin (with or without the leading
       `etcdctl`; # comments and blank lines skipped) and answers each as etcdctl
       does, on stdout and stderr, after running the virtual clock until it is done
       or timed out. Member nK is etcd-K, by default at http://192.168.0.(99+K):2379;
       --client-urls and --peer-urls give every member's URLs instead (etcd's ids
       follow from the peer URLs). `.help` lists the console's own commands for
       faults (.crash etcd-2, .restart, .isolate, .heal, .wait 2s). Its exit status
       is etcdctl's for the last command that failed, 0 if none did.
replay imports a session written by --history-format session: it runs the same
       actions at the same places and checks the run ends with the same trace hash.
--history FILE writes the client history when the run ends, as F: jepsen (JSON
       lines, the default), porcupine (Porcupine's operations) or session (setup,
       actions with virtual times and history; `raft-sim replay` reads it back).
       The README's section History formats describes each field.
--events K prints the last K trace events in plain words (heartbeats left out).
--json prints one JSON object as the last line of output.
Exit status: 0 ok, 1 a violation was found, 2 bad arguments.";

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    match dispatch(&args) {
        Ok(code) => code,
        Err(msg) => {
            eprintln!("raft-sim: {msg}\n\n{USAGE}");
            ExitCode::from(2)
        }
    }
}

fn dispatch(args: &[String]) -> Result<ExitCode, String> {
    let Some(cmd) = args.first() else {
        return Err("no command given".into());
    };
    let rest = &args[1..];
    match cmd.as_str() {
        "run" => cmd_run(rest),
        "sweep" => cmd_sweep(rest),
        "script" => cmd_script(rest),
        "bench" => cmd_bench(rest),
        "lesson" => cmd_lesson(rest),
        "console" => cmd_console(rest),
        "replay" => cmd_replay(rest),
        "help" | "--help" | "-h" => {
            println!("{USAGE}");
            Ok(ExitCode::SUCCESS)
        }
        other => Err(format!("unknown command '{other}'")),
    }
}

/// Parsed `--flag value` pairs and bare `--switch`es.
struct Flags<'a> {
    pairs: Vec<(&'a str, &'a str)>,
    switches: Vec<&'a str>,
}

impl<'a> Flags<'a> {
    fn parse(args: &'a [String], switches: &[&'a str], valued: &[&'a str]) -> Result<Self, String> {
        let mut flags = Flags {
            pairs: Vec::new(),
            switches: Vec::new(),
        };
        let mut it = args.iter();
        while let Some(a) = it.next() {
            // `--nodes` is `--members`: the names the page and scripts use.
            let wanted = a.strip_prefix("--").map(canonical_setting);
            let name = (switches.iter().chain(valued).copied())
                .find(|n| n.strip_prefix("--") == wanted)
                .unwrap_or(a.as_str());
            if switches.contains(&name) {
                flags.switches.push(name);
            } else if valued.contains(&name) {
                let v = it.next().ok_or_else(|| format!("{a} needs a value"))?;
                flags.pairs.push((name, v));
            } else {
                return Err(format!("unknown argument '{a}'"));
            }
        }
        Ok(flags)
    }

    fn has(&self, s: &str) -> bool {
        self.switches.contains(&s)
    }

    fn get(&self, name: &str) -> Option<&'a str> {
        self.pairs
            .iter()
            .rev()
            .find(|(k, _)| *k == name)
            .map(|(_, v)| *v)
    }

    fn num(&self, name: &str, default: u64) -> Result<u64, String> {
        match self.get(name) {
            None => Ok(default),
            Some(v) => v
                .parse()
                .map_err(|_| format!("{name} takes a whole number, not '{v}'")),
        }
    }

    /// A percentage (0 to 100, a trailing `%` allowed) as a fraction.
    fn percent(&self, name: &str, default: f64) -> Result<f64, String> {
        let Some(v) = self.get(name) else {
            return Ok(default);
        };
        let p: f64 = v
            .strip_suffix('%')
            .unwrap_or(v)
            .trim()
            .parse()
            .map_err(|_| format!("{name} takes a percentage, not '{v}'"))?;
        if !(0.0..=100.0).contains(&p) {
            return Err(format!("{name} takes 0 to 100 (percent), not '{v}'"));
        }
        Ok(p / 100.0)
    }

    fn on_off(&self, name: &str, default: bool) -> Result<bool, String> {
        match self.get(name) {
            None => Ok(default),
            Some("on") => Ok(true),
            Some("off") => Ok(false),
            Some(v) => Err(format!("{name} takes on or off, not '{v}'")),
        }
    }

    fn faults(&self) -> Result<Faults, String> {
        match self.get("--faults") {
            None | Some("none") => Ok(Faults::None),
            Some("chaos") => Ok(Faults::Chaos),
            Some(v) => Err(format!("--faults takes none or chaos, not '{v}'")),
        }
    }
}

fn run_config(f: &Flags) -> Result<RunConfig, String> {
    let defaults = NetConfig::default();
    let net = NetConfig {
        latency_ms: f.num("--latency", defaults.latency_ms)?,
        jitter_ms: f.num("--jitter", defaults.jitter_ms)?,
        loss: f.percent("--loss", defaults.loss)?,
        duplicate: f.percent("--duplicate", defaults.duplicate)?,
    };
    net.validate()?;
    let cfg = RunConfig {
        seed: f.num("--seed", 1)?,
        members: f.num("--members", 3)?,
        secs: f.num("--secs", 30)?,
        faults: f.faults()?,
        pre_vote: f.on_off("--pre-vote", true)?,
        check_quorum: f.on_off("--check-quorum", true)?,
        clients: f.num("--clients", 3)?,
        writes_only: false,
        keep_events: f.num("--events", 0)? as usize,
        net,
    };
    if !(1..=9).contains(&cfg.members) {
        return Err(format!("--members takes 1 to 9, not {}", cfg.members));
    }
    if cfg.secs == 0 || cfg.secs > 86_400 {
        return Err("--secs takes 1 to 86400".into());
    }
    Ok(cfg)
}

/// Flags `run` and `sweep` share (read by [`run_config`]).
const CLUSTER_FLAGS: &[&str] = &[
    "--members",
    "--secs",
    "--faults",
    "--pre-vote",
    "--check-quorum",
    "--clients",
    "--latency",
    "--jitter",
    "--loss",
    "--duplicate",
];

fn cmd_run(args: &[String]) -> Result<ExitCode, String> {
    let f = Flags::parse(
        args,
        &["--json"],
        &[CLUSTER_FLAGS, &["--seed", "--events"], HISTORY_FLAGS].concat(),
    )?;
    let cfg = run_config(&f)?;
    let history = history_flags(&f)?;
    let started = Instant::now();
    let (report, cluster) = run_recorded(
        &cfg,
        history.as_ref().map(|h| h.1) == Some(HistoryFormat::Session),
    )?;
    let wall_ms = started.elapsed().as_millis() as u64;
    if let Some((file, format)) = history {
        write_history(&cluster, &file, format)?;
    }

    if cfg.keep_events > 0 {
        println!("last {} events:", report.last_events.len());
        for line in &report.last_events {
            println!("  {line}");
        }
    }
    println!(
        "seed {} | {} members | {:.1} virtual s in {} ms wall | faults {:?}",
        report.seed,
        report.members,
        report.virtual_ms as f64 / 1000.0,
        wall_ms,
        cfg.faults
    );
    println!(
        "messages: {} sent, {} delivered, {} dropped",
        report.messages_sent, report.messages_delivered, report.messages_dropped
    );
    println!(
        "elections won: {} | highest term: {} | commit index: {}",
        report.leader_changes, report.max_term, report.committed_index
    );
    println!(
        "client requests: {} ok, {} failed",
        report.client_ops_ok, report.client_ops_failed
    );
    for v in &report.safety_violations {
        println!(
            "VIOLATION {}: {} (seed {}, step {}, at {} ms)",
            v.property, v.detail, report.seed, v.step, v.time
        );
    }
    for l in &report.linearizability_failures {
        println!("NOT LINEARIZABLE: {l} (seed {})", report.seed);
    }
    if !report.linearizability_undecided.is_empty() {
        println!(
            "linearizability undecided (search budget) for: {}",
            report.linearizability_undecided.join(", ")
        );
    }
    if !report.lease_reads_linearizable {
        println!(
            "note: some lease reads were stale (a deposed leader had not noticed yet); \
             lease reads are not part of the linearizability verdict"
        );
    }
    println!(
        "linearizable: {} | safety violations: {} | trace {}",
        report.linearizable,
        report.safety_violations.len(),
        report.trace_hash
    );
    if f.has("--json") {
        let mut json = serde_json::to_value(&report).map_err(|e| e.to_string())?;
        json["wall_ms"] = wall_ms.into();
        println!("{json}");
    }
    Ok(if report.passed() {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    })
}

fn cmd_sweep(args: &[String]) -> Result<ExitCode, String> {
    let f = Flags::parse(
        args,
        &["--json"],
        &[CLUSTER_FLAGS, &["--seeds", "--from"]].concat(),
    )?;
    let mut cfg = run_config(&f)?;
    let seeds = f.num("--seeds", 200)?;
    let from = f.num("--from", 1)?;
    let started = Instant::now();
    let mut failed = Vec::new();
    let mut undecided = 0;
    for seed in from..from + seeds {
        cfg.seed = seed;
        let report = run(&cfg)?;
        if !report.linearizability_undecided.is_empty() {
            undecided += 1;
        }
        if !report.passed() {
            let why: Vec<String> = report
                .safety_violations
                .iter()
                .map(|v| format!("{}: {}", v.property, v.detail))
                .chain(report.linearizability_failures.iter().cloned())
                .collect();
            println!("seed {seed} FAILED: {}", why.join("; "));
            failed.push(seed);
        }
    }
    println!(
        "{} seeds ({}..{}), {} failed, {} with an undecided key, {} ms wall",
        seeds,
        from,
        from + seeds - 1,
        failed.len(),
        undecided,
        started.elapsed().as_millis()
    );
    if f.has("--json") {
        println!(
            "{}",
            serde_json::json!({"seeds": seeds, "from": from, "failed": failed})
        );
    }
    Ok(if failed.is_empty() {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    })
}

fn cmd_script(args: &[String]) -> Result<ExitCode, String> {
    let (path, rest) = args.split_first().ok_or("script needs a FILE")?;
    if path == "--help" || path == "help" {
        print!("{}", raft_sim::scenario::help());
        return Ok(ExitCode::SUCCESS);
    }
    if path.starts_with("--") {
        return Err("script needs a FILE before its options".into());
    }
    let f = Flags::parse(rest, &["--json", "--transcript"], HISTORY_FLAGS)?;
    let history = history_flags(&f)?;
    let src = match std::fs::read_to_string(path) {
        Ok(src) => src,
        Err(e) => {
            eprintln!("raft-sim: cannot read {path}: {e}");
            return Ok(ExitCode::from(2));
        }
    };
    let scenario = match parse(&src) {
        Ok(s) => s,
        Err(e) => {
            // A script error is the user's input, not a usage error: name
            // the place and fail like a failed assertion.
            eprintln!("{path}: {e}");
            return Ok(ExitCode::from(1));
        }
    };
    let started = Instant::now();
    let (runner, outcome) = run_script(&scenario)?;
    let wall_ms = started.elapsed().as_millis() as u64;
    if let Some((file, format)) = history {
        write_history(&runner.cluster, &file, format)?;
    }
    if f.has("--transcript") {
        // The golden form kept beside each test script (NAME.out).
        print!("{}", raft_sim::scenario::transcript(&scenario, &outcome));
        return Ok(if outcome.failure.is_none() {
            ExitCode::SUCCESS
        } else {
            ExitCode::from(1)
        });
    }
    if !scenario.title.is_empty() {
        println!("{}", scenario.title);
    }
    let steps: std::collections::BTreeMap<usize, &raft_sim::scenario::Step> =
        scenario.steps.iter().map(|s| (s.line, s)).collect();
    for r in &outcome.steps {
        if let Some(say) = steps.get(&r.line).and_then(|s| s.say_en.as_ref()) {
            println!("  -- {say}");
        }
        println!(
            "{:>4} {:>8} ms  {:<44} {}",
            r.line, r.time, r.text, r.outcome
        );
    }
    let c = &runner.cluster;
    let lin = c.linearizability();
    let stats = c.stats();
    let ok = c.history().iter().filter(|h| h.is_ok()).count();
    let failed = c
        .history()
        .iter()
        .filter(|h| h.result.is_some() && !h.is_ok())
        .count();
    match &outcome.failure {
        Some(f) => println!("{path}: FAILED at {f}"),
        None => println!("{path}: passed"),
    }
    if f.has("--json") {
        let json = serde_json::json!({
            "script": path,
            "passed": outcome.failure.is_none(),
            "failure": outcome.failure,
            "seed": c.config().seed,
            "members": c.config().members,
            "virtual_ms": c.now(),
            "wall_ms": wall_ms,
            "trace_hash": c.trace().hash_hex(),
            "messages_sent": stats.messages_sent,
            "messages_delivered": stats.messages_delivered,
            "messages_dropped": stats.messages_dropped,
            "leader_changes": stats.leader_changes,
            "max_term": stats.max_term,
            "committed_index": c.max_commit(),
            "client_ops_ok": ok,
            "client_ops_failed": failed,
            "safety_violations": c.violations(),
            "linearizable": lin.linearizable,
        });
        println!("{json}");
    }
    Ok(if outcome.failure.is_none() && lin.linearizable {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    })
}

fn cmd_lesson(args: &[String]) -> Result<ExitCode, String> {
    use raft_sim::lesson;
    let (first, rest) = args
        .split_first()
        .ok_or("lesson needs an ID, --all or --list")?;
    match first.as_str() {
        "--help" | "-h" => {
            println!(
                "{LESSON_HELP}\nlessons: {}",
                lesson::ids().collect::<Vec<_>>().join(", ")
            );
            return Ok(ExitCode::SUCCESS);
        }
        "--list" => {
            Flags::parse(rest, &[], &[])?;
            for l in lesson::all() {
                println!("{:<12} {} / {}", l.id, l.title.en, l.title.zh);
            }
            return Ok(ExitCode::SUCCESS);
        }
        "--all" => {
            Flags::parse(rest, &[], &[])?;
            let mut failed = 0;
            for l in lesson::all() {
                let id = l.id.clone();
                let steps = l.steps.len();
                let mut run = lesson::LessonRun::new(l)?;
                match run.drive() {
                    lesson::Poll::LessonDone => println!(
                        "{id:<12} ok ({steps} steps, {:.1} virtual s)",
                        run.cluster().now() as f64 / 1000.0
                    ),
                    lesson::Poll::Failed(f) => {
                        failed += 1;
                        println!(
                            "{id:<12} FAILED at line {}:{}: {}",
                            f.line, f.column, f.message
                        );
                    }
                    other => unreachable!("drive ends a lesson, not at {other:?}"),
                }
            }
            return Ok(if failed == 0 {
                ExitCode::SUCCESS
            } else {
                ExitCode::from(1)
            });
        }
        _ => {}
    }
    let f = Flags::parse(rest, &[], &["--lang"])?;
    let lang = match f.get("--lang") {
        None => raft_sim::Lang::En,
        Some(tag) => raft_sim::Lang::parse(tag)
            .ok_or_else(|| format!("--lang takes en or zh, not '{tag}'"))?,
    };
    let lesson = if first.ends_with(".txt") || first.contains('/') {
        let src = std::fs::read_to_string(first).map_err(|e| format!("{first}: {e}"))?;
        match lesson::parse(&src) {
            Ok(l) => l,
            Err(e) => {
                eprintln!("raft-sim: {first}: {e}");
                return Ok(ExitCode::from(1));
            }
        }
    } else {
        lesson::find(first).ok_or_else(|| {
            format!(
                "unknown lesson '{first}' (lessons: {})",
                lesson::ids().collect::<Vec<_>>().join(", ")
            )
        })?
    };
    let (text, ok) = lesson::account(lesson, lang)?;
    print!("{text}");
    Ok(if ok {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    })
}

const LESSON_HELP: &str = "\
usage: raft-sim lesson ID|FILE [--lang en|zh]
       raft-sim lesson --all | --list | --help

Runs a guided lesson natively, as a learner would go through it in the page,
with each task done by its solve commands.
  ID          a built-in lesson: prints its title, then for each step its
              narration, task and hint, and what each command found, with the
              story events (elections, votes, commits, faults) that led to it
  FILE        a lesson file (path ending in .txt), e.g. one being written
  --lang      en (default) or zh
  --all       runs every built-in lesson; one line each (ok, or FAILED at
              line:column with the reason); exit 1 if one fails
  --list      the built-in lessons with their titles

A lesson file: a header (lesson ID, title en:/zh:, cluster ...), then step
blocks: say en:/zh: narration, pause-on leader-change|two-leaders|quorum-lost|
commit, script commands (raft-sim script --help), and at most one task:
task en:/zh:, until CONDITION, hint en:/zh:, hint-after 20s, solve COMMAND.";

fn cmd_console(args: &[String]) -> Result<ExitCode, String> {
    use raft_sim::console::drive::{self, Setup};
    use raft_sim::deploy::Urls;
    let f = Flags::parse(
        args,
        &[],
        &[
            "--members",
            "--seed",
            "--command-timeout",
            "--client-urls",
            "--peer-urls",
        ],
    )?;
    let mut setup = Setup {
        members: f.num("--members", 3)?,
        seed: f.num("--seed", 1)?,
        ..Setup::default()
    };
    if !(1..=9).contains(&setup.members) {
        return Err(format!("--members takes 1 to 9, not {}", setup.members));
    }
    if let Some(t) = f.get("--command-timeout") {
        let ms = t
            .strip_suffix("ms")
            .and_then(|v| v.parse::<u64>().ok())
            .or_else(|| t.strip_suffix('s')?.parse::<u64>().ok().map(|s| s * 1000))
            .filter(|&ms| ms > 0)
            .ok_or_else(|| format!("--command-timeout takes a duration such as 5s, not '{t}'"))?;
        setup.command_timeout_ms = ms;
    }
    let list = |name: &str| -> Vec<String> {
        f.get(name)
            .map(|v| v.split(',').map(str::to_string).collect())
            .unwrap_or_default()
    };
    let (clients, peers) = (list("--client-urls"), list("--peer-urls"));
    if clients.len() != peers.len() {
        return Err("--client-urls and --peer-urls name the same members, in order".into());
    }
    for (k, (client, peer)) in clients.into_iter().zip(peers).enumerate() {
        let urls = Urls { client, peer };
        setup.deployment.urls.insert(k as u64 + 1, urls);
    }
    let stdin = std::io::stdin();
    let status = drive::run(
        &setup,
        stdin.lock(),
        &mut std::io::stdout(),
        &mut std::io::stderr(),
    )?;
    Ok(ExitCode::from(status.clamp(0, 255) as u8))
}

fn cmd_bench(args: &[String]) -> Result<ExitCode, String> {
    let f = Flags::parse(args, &["--json"], &["--secs", "--repeat", "--clients"])?;
    let secs = f.num("--secs", 60)?;
    let repeat = f.num("--repeat", 3)?.max(1);
    let clients = f.num("--clients", 8)?;
    let mut rows = Vec::new();
    println!("steady write load: {clients} clients, {secs} virtual s, best of {repeat}");
    println!("members  virtual-s/wall-s  wall-ms  delivered  us/delivered  writes-ok");
    for members in [3, 5, 7] {
        let cfg = RunConfig {
            seed: 1,
            members,
            secs,
            clients,
            writes_only: true,
            keep_events: 1,
            ..Default::default()
        };
        let mut best: Option<(f64, raft_sim::workload::RunReport)> = None;
        for _ in 0..repeat {
            let started = Instant::now();
            let report = run(&cfg)?;
            let wall = started.elapsed().as_secs_f64();
            if best.as_ref().is_none_or(|(w, _)| wall < *w) {
                best = Some((wall, report));
            }
        }
        let (wall, r) = best.expect("at least one run");
        let speed = r.virtual_ms as f64 / 1000.0 / wall;
        let per_msg = wall * 1e6 / r.messages_delivered.max(1) as f64;
        println!(
            "{members:>7}  {speed:>16.0}  {:>7.0}  {:>9}  {per_msg:>12.2}  {:>9}",
            wall * 1000.0,
            r.messages_delivered,
            r.client_ops_ok
        );
        rows.push(serde_json::json!({
            "members": members,
            "virtual_s_per_wall_s": speed,
            "wall_ms": wall * 1000.0,
            "messages_delivered": r.messages_delivered,
            "us_per_delivered_message": per_msg,
            "writes_ok": r.client_ops_ok,
        }));
    }
    if f.has("--json") {
        println!("{}", serde_json::Value::Array(rows));
    }
    Ok(ExitCode::SUCCESS)
}

/// `--history FILE` and `--history-format F`.
const HISTORY_FLAGS: &[&str] = &["--history", "--history-format"];

/// The history file and its form, if asked for.
fn history_flags(f: &Flags) -> Result<Option<(String, HistoryFormat)>, String> {
    let format = match f.get("--history-format") {
        None => HistoryFormat::Jepsen,
        Some(word) => HistoryFormat::parse(word).ok_or_else(|| {
            format!("--history-format takes jepsen, porcupine or session, not '{word}'")
        })?,
    };
    match f.get("--history") {
        Some(file) => Ok(Some((file.to_string(), format))),
        None if f.get("--history-format").is_some() => {
            Err("--history-format needs --history FILE".into())
        }
        None => Ok(None),
    }
}

fn write_history(c: &Cluster, file: &str, format: HistoryFormat) -> Result<(), String> {
    let text = match format {
        HistoryFormat::Jepsen => jepsen::write(c.history()),
        HistoryFormat::Porcupine => porcupine::write(c.history()),
        HistoryFormat::Session => Session::of_recorded(c)?.to_json_pretty(),
    };
    std::fs::write(file, text).map_err(|e| format!("--history {file}: {e}"))
}

fn cmd_replay(args: &[String]) -> Result<ExitCode, String> {
    let [file] = args else {
        return Err("replay needs one SESSION-FILE".into());
    };
    let text = std::fs::read_to_string(file).map_err(|e| format!("cannot read {file}: {e}"))?;
    let session = match Session::parse(&text) {
        Ok(s) => s,
        Err(e) => {
            eprintln!("{file}: {e}");
            return Ok(ExitCode::from(1));
        }
    };
    match session.replay() {
        Ok(c) => {
            println!(
                "{file}: replayed {} actions to {} ms: trace {} (the same run)",
                session.actions.len(),
                c.now(),
                c.trace().hash_hex()
            );
            Ok(ExitCode::SUCCESS)
        }
        Err(e) => {
            eprintln!("{file}: {e}");
            Ok(ExitCode::from(1))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn config(args: &[&str]) -> Result<RunConfig, String> {
        let args: Vec<String> = args.iter().map(|a| a.to_string()).collect();
        run_config(&Flags::parse(&args, &["--json"], CLUSTER_FLAGS)?)
    }

    #[test]
    fn members_and_its_old_spelling_nodes_mean_the_same() {
        assert_eq!(config(&["--members", "5"]).unwrap().members, 5);
        assert_eq!(config(&["--nodes", "5"]).unwrap().members, 5);
        assert!(config(&["--members", "10"]).is_err());
    }

    #[test]
    fn loss_and_duplicate_are_percentages() {
        let cfg = config(&["--loss", "5", "--dup", "2.5%"]).unwrap();
        assert_eq!(cfg.net.loss, 0.05);
        assert_eq!(cfg.net.duplicate, 0.025);
        assert_eq!(config(&["--duplicate", "10%"]).unwrap().net.duplicate, 0.1);
        let err = config(&["--loss", "150"]).unwrap_err();
        assert!(err.contains("0 to 100"), "{err}");
        assert!(config(&["--loss", "a lot"]).is_err());
    }
}
