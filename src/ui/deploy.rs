//! The real deployment: the cluster on screen as real etcd would run it
//! (`raft_sim::deploy`): each member's etcd.conf, the systemd unit or a
//! docker-compose file, and the commands that start and check it and
//! repeat the membership changes made on screen. Hosts are editable and
//! TLS optional; the file texts are program text, not translated.

use std::collections::BTreeMap;

use raft_sim::deploy::{valid_host, Deployment};
use raft_sim::NodeId;
use yew::prelude::*;

use super::{checked_of, use_lang, value_of};
use crate::i18n::Key;
use crate::model::FrameRef;

/// Properties of [`DeployPanel`].
#[derive(Clone, PartialEq, Properties)]
pub struct DeployProps {
    /// The frame.
    pub frame: FrameRef,
}

/// Which file shows.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum File {
    Conf(NodeId),
    Unit,
    Compose,
    Commands,
}

impl File {
    fn word(self) -> String {
        match self {
            File::Conf(n) => format!("conf-{n}"),
            File::Unit => "unit".into(),
            File::Compose => "compose".into(),
            File::Commands => "commands".into(),
        }
    }
}

/// The panel.
#[component]
pub fn DeployPanel(props: &DeployProps) -> Html {
    let lang = use_lang();
    let t = |k: Key| k.text(lang);
    let typed = use_state(BTreeMap::<NodeId, String>::new);
    let tls = use_state(|| false);
    let file = use_state(|| File::Conf(1));
    let plan = &props.frame.deploy_plan;
    let named = plan.named();

    let mut d = Deployment {
        tls: *tls,
        ..Deployment::default()
    };
    for (&n, h) in typed.iter() {
        if valid_host(h.trim()) {
            d.hosts.insert(n, h.trim().to_string());
        }
    }
    // A member no file names any more falls back to the first one's file.
    let file_now = match *file {
        File::Conf(n) if !named.contains(&n) => File::Conf(named.first().copied().unwrap_or(1)),
        f => f,
    };
    let text = match file_now {
        File::Conf(n) => d.member_conf(plan, n),
        File::Unit => d.systemd_unit(),
        File::Compose => d.compose(&plan.founders),
        File::Commands => d.commands(plan),
    };

    let host_inputs = named.iter().map(|&n| {
        let value = typed.get(&n).cloned().unwrap_or_else(|| Deployment::default().host(n));
        let bad = !valid_host(value.trim());
        let oninput = {
            let typed = typed.clone();
            Callback::from(move |e: InputEvent| {
                let mut m = (*typed).clone();
                m.insert(n, value_of(&e));
                typed.set(m);
            })
        };
        let id = format!("deploy-host-{n}");
        html! {
            <div class="deploy-host">
                <label for={id.clone()}>{ t(Key::DeployHost(n)) }</label>
                <input id={id} type="text" spellcheck="false" autocomplete="off" translate="no"
                    value={value.clone()} {oninput} aria-invalid={bad.to_string()} />
                if bad { <p class="error" role="alert">{ t(Key::DeployBadHost(value.clone())) }</p> }
            </div>
        }
    });
    let ontls = {
        let tls = tls.clone();
        Callback::from(move |e: Event| tls.set(checked_of(&e)))
    };
    let choices: Vec<(File, Key)> = (named
        .iter()
        .map(|&n| (File::Conf(n), Key::DeployFileConf(n))))
    .chain([
        (File::Unit, Key::DeployFileUnit),
        (File::Compose, Key::DeployFileCompose),
        (File::Commands, Key::DeployFileCommands),
    ])
    .collect();
    let onchange = {
        let file = file.clone();
        let files: Vec<File> = choices.iter().map(|c| c.0).collect();
        Callback::from(move |e: Event| {
            let word = value_of(&e);
            if let Some(f) = files.iter().find(|f| f.word() == word) {
                file.set(*f);
            }
        })
    };
    html! {
        <section class="panel deploy" aria-labelledby="deploy-h">
            <h2 id="deploy-h">{ t(Key::DeployTitle) }</h2>
            <p class="note">{ t(Key::DeployNote) }</p>
            <div class="deploy-hosts">{ for host_inputs }</div>
            <label class="deploy-tls">
                <input id="deploy-tls" type="checkbox" checked={*tls} onchange={ontls} />
                { t(Key::DeployTls) }
            </label>
            <label class="deploy-pick">
                <span>{ t(Key::DeployFile) }</span>
                <select id="deploy-file" {onchange}>
                    { for choices.iter().map(|(f, k)| html! {
                        <option value={f.word()} selected={*f == file_now}>{ t(k.clone()) }</option>
                    }) }
                </select>
            </label>
            <pre class="deploy-file" id="deploy-text" translate="no" tabindex="0" data-file={file_now.word()}>{ text }</pre>
        </section>
    }
}
