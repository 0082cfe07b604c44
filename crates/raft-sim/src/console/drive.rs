//! The console natively (`raft-sim console`): lines from a reader, each
//! command run to its end on the virtual clock before the next is read,
//! its output written as etcdctl writes it (stdout and stderr apart).

use std::io::{self, BufRead, Write};

use super::{Console, Printed};
use crate::cluster::{Cluster, ClusterConfig};
use crate::deploy::Deployment;
use crate::member::RaftSettings;

/// etcdctl's default `--command-timeout`.
pub const COMMAND_TIMEOUT_MS: u64 = 5_000;

/// How the console's cluster is built.
#[derive(Clone, Debug)]
pub struct Setup {
    /// Founding members (etcd-1..etcd-N).
    pub members: u64,
    /// Seed of every random choice.
    pub seed: u64,
    /// Names and URLs.
    pub deployment: Deployment,
    /// How long a request may take, as etcdctl's `--command-timeout`: the
    /// members give up on a client request after it.
    pub command_timeout_ms: u64,
}

impl Default for Setup {
    fn default() -> Setup {
        Setup {
            members: 3,
            seed: 1,
            deployment: Deployment::default(),
            command_timeout_ms: COMMAND_TIMEOUT_MS,
        }
    }
}

/// Runs every line of `input`; returns the exit status etcdctl gave the
/// last command that failed (0 when none did).
pub fn run(
    setup: &Setup,
    input: impl BufRead,
    out: &mut impl Write,
    err: &mut impl Write,
) -> Result<i32, String> {
    let config = ClusterConfig {
        seed: setup.seed,
        members: setup.members,
        raft: RaftSettings {
            request_timeout_ms: setup.command_timeout_ms,
            ..RaftSettings::default()
        },
        ..ClusterConfig::default()
    };
    let mut cluster = Cluster::new(config)?;
    let mut console = Console::new(setup.deployment.clone());
    let mut status = 0;
    let io = |e: io::Error| e.to_string();
    for line in input.lines() {
        let line = line.map_err(io)?;
        let printed = console.submit(&mut cluster, &line);
        write(&printed, out, err).map_err(io)?;
        // One millisecond at a time, so that "took" is exact to the ms.
        while console.busy() {
            cluster.advance(1);
            let printed = console.poll(&mut cluster);
            write(&printed, out, err).map_err(io)?;
        }
        if console.exit_status() != 0 {
            status = console.exit_status();
        }
    }
    write(&console.end_of_input(), out, err).map_err(io)?;
    if console.exit_status() != 0 {
        status = console.exit_status();
    }
    Ok(status)
}

fn write(printed: &[Printed], out: &mut impl Write, err: &mut impl Write) -> io::Result<()> {
    for p in printed {
        if p.stderr {
            err.write_all(p.text.as_bytes())?;
        } else {
            out.write_all(p.text.as_bytes())?;
        }
    }
    out.flush()?;
    err.flush()
}
