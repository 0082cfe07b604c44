//! The client panel: etcd-style requests to a chosen member, their results
//! and latencies, watches, and each member's KV contents.

use raft_sim::client::{MAX_KEY_BYTES, MAX_VALUE_BYTES};
use raft_sim::kv::{RangeEnd, WatchEventKind};
use raft_sim::{Action, ClientError, ClientOp, NodeId, OpResult, ReadMode, Reply};
use yew::prelude::*;

use super::{breakable, checked_of, node, use_lang, value_of};

use crate::i18n::{Key, Lang};

use crate::model::{Cmd, ErrorAt, FrameRef, Target};

/// Properties of [`ClientPanel`].
#[derive(Clone, PartialEq, Properties)]
pub struct ClientPanelProps {
    /// The frame.
    pub frame: FrameRef,
    /// Commands.
    pub dispatch: Callback<Cmd>,
}

/// The request form as typed.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Form {
    /// `put`, `get`, `delete` or `range`.
    pub op: String,
    /// Key (prefix for range).
    pub key: String,
    /// Value (put).
    pub value: String,
    /// `linearizable`, `lease` or `serializable`.
    pub mode: String,
    /// Member id, or `leader`.
    pub target: String,
}

/// Reads a typed request; errors say which control is wrong.
pub fn parse_form(f: &Form) -> Result<(Target, ClientOp, ReadMode), Key> {
    let node = parse_target(&f.target)?;
    let key = f.key.clone();
    let op = match f.op.as_str() {
        "put" => ClientOp::Put {
            key,
            value: f.value.clone(),
        },
        "get" => ClientOp::Get { key },
        "delete" => ClientOp::Delete { key },
        "range" => ClientOp::Range { prefix: key },
        other => return Err(Key::UnknownRequest(other.into())),
    };
    let mode = ReadMode::parse(&f.mode).ok_or_else(|| Key::UnknownMode(f.mode.clone()))?;
    op.validate()
        .map_err(|reason| Key::Failed(ClientError::Invalid { reason }))?;
    Ok((node, op, mode))
}

/// What to say under the value while it is typed: an error past the limit,
/// a count of bytes once it is near it, nothing before. `true`: an error.
pub fn value_note(value: &str) -> Option<(bool, Key)> {
    let bytes = value.len();
    if bytes > MAX_VALUE_BYTES {
        Some((true, Key::ValueTooBig(bytes, MAX_VALUE_BYTES)))
    } else if bytes * 4 >= MAX_VALUE_BYTES * 3 {
        Some((false, Key::ValueBytes(bytes, MAX_VALUE_BYTES)))
    } else {
        None
    }
}

/// Most keys a range answer lists in the results table.
const RANGE_SHOWN: usize = 8;
/// Longest value shown in full in an answer.
const VALUE_SHOWN: usize = 40;

/// An answer as a headline and, for a range, a line per key and value.
pub fn answer(result: &OpResult, lang: Lang) -> (String, Vec<String>) {
    let (kvs, count, revision) = match result {
        OpResult::Ok {
            reply: Reply::Range { kvs, revision },
        } => (kvs, kvs.len(), *revision),
        // A count-only read: the count, no keys.
        OpResult::Ok {
            reply: Reply::RangeResponse(r),
        } if r.kvs.is_empty() && r.count > 0 => {
            return (
                Key::RangeCounted(r.count, r.revision).text(lang),
                Vec::new(),
            );
        }
        OpResult::Ok {
            reply: Reply::RangeResponse(r),
        } => (&r.kvs, r.count as usize, r.revision),
        OpResult::Ok { reply } => {
            let key = match reply {
                Reply::Put { revision } => Key::ResultPut(*revision),
                Reply::Delete {
                    revision,
                    deleted: true,
                } => Key::ResultDeleted(*revision),
                Reply::Delete { revision, .. } => Key::ResultNothingDeleted(*revision),
                Reply::Get { kv: Some(kv), .. } => {
                    Key::ResultGet(kv.key.clone(), kv.value.clone(), kv.mod_revision)
                }
                Reply::Get { kv: None, revision } => Key::ResultGetNone(*revision),
                Reply::DeleteRange { revision, deleted } => {
                    Key::ResultDeletedCount(*deleted, *revision)
                }
                Reply::Txn(t) => Key::ResultTxn(t.succeeded, t.revision),
                Reply::Compact { revision } => Key::ResultCompacted(*revision),
                Reply::Range { .. } | Reply::RangeResponse(_) => unreachable!("matched above"),
            };
            return (key.text(lang), Vec::new());
        }
        OpResult::Err { error } => {
            return (Key::ResultError(error.clone()).text(lang), Vec::new());
        }
    };
    let mut lines: Vec<String> = kvs
        .iter()
        .take(RANGE_SHOWN)
        .map(|kv| {
            let value = if kv.value.chars().count() > VALUE_SHOWN {
                let cut: String = kv.value.chars().take(VALUE_SHOWN).collect();
                format!("{cut}…")
            } else {
                kv.value.clone()
            };
            format!("{} = {value}", kv.key)
        })
        .collect();
    if kvs.len() > RANGE_SHOWN {
        lines.push(Key::AndMore(kvs.len() - RANGE_SHOWN).text(lang));
    }
    (Key::RangeHead(count, revision).text(lang), lines)
}

/// "leader" or a member id. Who leads is decided when the request runs.
fn parse_target(target: &str) -> Result<Target, Key> {
    if target == "leader" {
        return Ok(Target::Leader);
    }
    target
        .parse::<NodeId>()
        .map(Target::Member)
        .map_err(|_| Key::TargetNotMember(target.into()))
}

/// The request kinds of the form: (value, label).
const OPS: [(&str, Key); 4] = [
    ("put", Key::OpPut),
    ("get", Key::OpGet),
    ("delete", Key::OpDelete),
    ("range", Key::OpRange),
];

/// A read's mode after it in the results table.
fn mode_tag(mode: ReadMode) -> Key {
    match mode {
        ReadMode::Linearizable => Key::ShortLinearizable,
        ReadMode::Lease => Key::ShortLease,
        ReadMode::Serializable => Key::ShortSerializable,
    }
}

fn op_text(op: &ClientOp) -> String {
    match op {
        ClientOp::Put { key, value } => format!("put {key} = {value}"),
        ClientOp::Get { key } => format!("get {key}"),
        ClientOp::Delete { key } => format!("delete {key}"),
        ClientOp::Range { prefix } => format!("range {prefix}*"),
        // The console's requests, as etcdctl commands (program text).
        ClientOp::RangeRequest(r) => {
            let mut text = format!("get {}", r.key);
            match &r.end {
                RangeEnd::Key => {}
                RangeEnd::Prefix => text.push_str(" --prefix"),
                RangeEnd::FromKey => text.push_str(" --from-key"),
                RangeEnd::To(end) => text.push_str(&format!(" {end}")),
            }
            if r.revision != 0 {
                text.push_str(&format!(" --rev={}", r.revision));
            }
            text
        }
        ClientOp::DeleteRange { key, end } => match end {
            RangeEnd::Key => format!("del {key}"),
            RangeEnd::Prefix => format!("del {key} --prefix"),
            RangeEnd::FromKey => format!("del {key} --from-key"),
            RangeEnd::To(end) => format!("del {key} {end}"),
        },
        ClientOp::Txn(_) => "txn".into(),
        ClientOp::Compact { revision } => format!("compaction {revision}"),
    }
}

/// The client panel.
#[component]
pub fn ClientPanel(props: &ClientPanelProps) -> Html {
    let lang = use_lang();
    let t = |k: Key| k.text(lang);
    let form = use_state(|| Form {
        op: "put".into(),
        key: "/registry/pods/default/web-0".into(),
        value: "Running".into(),
        mode: "linearizable".into(),
        target: "leader".into(),
    });
    let watch_key = use_state(|| "/registry/pods/".to_string());
    let watch_prefix = use_state(|| true);
    let kv_member = use_state(|| "1".to_string());
    let frame = &props.frame;
    let d = props.dispatch.clone();
    let members = frame.member_ids();

    let set = |f: fn(&mut Form, String)| {
        let form = form.clone();
        Callback::from(move |e: Event| {
            let mut next = (*form).clone();
            f(&mut next, value_of(&e));
            form.set(next);
        })
    };
    let input = |f: fn(&mut Form, String)| {
        let form = form.clone();
        Callback::from(move |e: InputEvent| {
            let mut next = (*form).clone();
            f(&mut next, value_of(&e));
            form.set(next);
        })
    };
    let send = {
        let (form, d) = (form.clone(), d.clone());
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            match parse_form(&form) {
                Ok((node, op, mode)) => d.emit(Cmd::Client(node, op, mode)),
                Err(err) => d.emit(Cmd::Reject(ErrorAt::Client, err)),
            }
        })
    };
    let watch = {
        let (form, key, prefix, d) = (
            form.clone(),
            watch_key.clone(),
            watch_prefix.clone(),
            d.clone(),
        );
        Callback::from(move |_: MouseEvent| {
            if key.trim().is_empty() && !*prefix {
                d.emit(Cmd::Reject(ErrorAt::Watch, Key::EnterWatchKey));
                return;
            }
            match parse_target(&form.target) {
                Ok(target) => d.emit(Cmd::Watch(target, (*key).clone(), *prefix)),
                Err(e) => d.emit(Cmd::Reject(ErrorAt::Watch, e)),
            }
        })
    };
    let error_at = |at: ErrorAt| match &frame.error {
        Some((a, e)) if *a == at => html! { <p class="error" role="alert">{ t(e.clone()) }</p> },
        _ => html! {},
    };
    let is_write = matches!(form.op.as_str(), "put" | "delete");
    let shown_kv = kv_member.parse::<NodeId>().ok();
    let kv_rows = frame.stores.iter().find(|(id, _)| Some(*id) == shown_kv);

    html! {
        <section class="panel client" aria-labelledby="client-h">
            <h2 id="client-h">{ t(Key::Client) }</h2>
            <form class="request" onsubmit={send} novalidate=true>
                <label>{ t(Key::Request) }
                    <select onchange={set(|f, v| f.op = v)} aria-label={t(Key::Request)}>
                        { for OPS.iter().map(|(o, label)| html! {
                            <option value={*o} selected={form.op == *o}>{ t(label.clone()) }</option>
                        }) }
                    </select>
                </label>
                <label class="grow">{ if form.op == "range" { t(Key::Prefix) } else { t(Key::KeyField) } }
                    <input type="text" value={form.key.clone()} oninput={input(|f, v| f.key = v)}
                        maxlength={MAX_KEY_BYTES.to_string()} />
                </label>
                if form.op == "put" {
                    <label class="grow">{ t(Key::ValueField) }
                        // The limit holds as the user types (maxlength
                        // counts characters; the note counts bytes), so a
                        // pasted megabyte never reaches the page's state.
                        <input type="text" value={form.value.clone()} oninput={input(|f, v| f.value = v)}
                            maxlength={MAX_VALUE_BYTES.to_string()} aria-describedby="value-note" />
                    </label>
                }
                if !is_write {
                    <label>{ t(Key::ReadModeField) }
                        <select onchange={set(|f, v| f.mode = v)}>
                            <option value="linearizable" selected={form.mode == "linearizable"}>{ t(Key::ModeLinearizable) }</option>
                            <option value="lease" selected={form.mode == "lease"}>{ t(Key::ModeLease) }</option>
                            <option value="serializable" selected={form.mode == "serializable"}>{ t(Key::ModeSerializable) }</option>
                        </select>
                    </label>
                }
                <label>{ t(Key::SendTo) }
                    <select onchange={set(|f, v| f.target = v)}>
                        <option value="leader" selected={form.target == "leader"}>{ t(Key::TheLeader) }</option>
                        { for members.iter().map(|m| html! {
                            <option value={m.to_string()} selected={form.target == m.to_string()}>{ node(*m) }</option>
                        }) }
                    </select>
                </label>
                <button type="submit" class="primary">{ t(Key::Send) }</button>
            </form>
            if form.op == "put" {
                <p id="value-note" aria-live="polite" class={match value_note(&form.value) {
                    Some((true, _)) => "error value-note",
                    _ => "note value-note",
                }}>{ value_note(&form.value).map(|(_, k)| t(k)).unwrap_or_default() }</p>
            }
            { error_at(ErrorAt::Client) }
            <table class="results">
                <caption class="sr-only">{ t(Key::ResultsCaption) }</caption>
                <thead><tr><th>{ t(Key::ColRequest) }</th><th>{ t(Key::ColTo) }</th><th>{ t(Key::ColResult) }</th><th>{ t(Key::ColLatency) }</th></tr></thead>
                <tbody>
                    { for frame.requests.iter().take(10).map(|h| {
                        let (class, (result, kvs)) = match &h.result {
                            None => ("pending", (t(Key::Waiting), Vec::new())),
                            Some(r @ OpResult::Ok { .. }) => ("ok", answer(r, lang)),
                            Some(r) => ("err", answer(r, lang)),
                        };
                        let mode = h.mode.filter(|_| !h.op.is_write()).map(|m| t(mode_tag(m))).unwrap_or_default();
                        html! {
                            <tr class={classes!(class, h.stale.map(|_| "stale"))} data-op-id={h.op_id.to_string()}>
                                <td>{ breakable(&op_text(&h.op)) }{ mode }</td>
                                <td>{ node(h.node) }</td>
                                <td class="result">{ breakable(&result) }
                                    if let Some(s) = h.stale {
                                        <strong class="stale-mark">{ t(Key::StaleRead(s.answered, s.newest)) }</strong>
                                    }
                                    if !kvs.is_empty() {
                                        <ul class="kvs">{ for kvs.iter().map(|l| html! { <li>{ breakable(l) }</li> }) }</ul>
                                    }
                                </td>
                                <td>{ h.latency().map(|l| t(Key::Ms(l))).unwrap_or_else(|| "—".into()) }</td>
                            </tr>
                        }
                    }) }
                    if frame.requests.is_empty() {
                        <tr><td colspan="4" class="note">{ t(Key::NoRequests) }</td></tr>
                    }
                </tbody>
            </table>

            <h3>{ t(Key::Watch) }</h3>
            <div class="watch-form">
                <input type="text" aria-label={t(Key::WatchKeyLabel)} value={(*watch_key).clone()}
                    oninput={{ let k = watch_key.clone(); Callback::from(move |e: InputEvent| k.set(value_of(&e))) }} />
                <label><input type="checkbox" checked={*watch_prefix}
                    onchange={{ let p = watch_prefix.clone(); Callback::from(move |e: Event| p.set(checked_of(&e))) }} />{ t(Key::PrefixBox) }</label>
                <button type="button" onclick={watch}>{ t(Key::WatchButton) }</button>
                <span class="note">{ t(Key::WatchOnNote) }</span>
            </div>
            { error_at(ErrorAt::Watch) }
            { for frame.watches.iter().rev().take(4).map(|w| {
                let cancel = {
                    let (d, id) = (d.clone(), w.id);
                    Callback::from(move |_: MouseEvent| d.emit(Cmd::Act(ErrorAt::Watch, Action::CancelWatch { watch: id })))
                };
                html! {
                    <div class="watch">
                        <strong>{ t(Key::WatchTitle(w.id, w.node, w.key.clone(), w.prefix)) }</strong>
                        if w.start_revision != 0 { { t(Key::WatchFromRev(w.start_revision)) } }
                        if let Some(rev) = w.compact_revision { <em>{ t(Key::WatchCanceledAt(rev)) }</em> }
                        else {
                            if w.waiting { <em>{ t(Key::WatchWaiting) }</em> }
                            <button type="button" class="small" onclick={cancel}>{ t(Key::Cancel) }</button>
                        }
                        <ol class="stream">
                            { for w.events.iter().rev().take(6).map(|e| html! {
                                <li>{ t(Key::WatchEvent(e.revision(), e.kind == WatchEventKind::Delete, e.kv.key.clone(), e.kv.value.clone())) }</li>
                            }) }
                            if w.events.is_empty() { <li class="note">{ t(Key::NoEventsYet) }</li> }
                        </ol>
                    </div>
                }
            }) }

            <h3>{ t(Key::EachStore) }</h3>
            <div class="kv-pick" role="group" aria-label={t(Key::StoreGroup)}>
                { for members.iter().map(|m| {
                    let (k, id) = (kv_member.clone(), m.to_string());
                    let pressed = *kv_member == id;
                    html! { <button type="button" class="small" aria-pressed={pressed.to_string()}
                        onclick={Callback::from(move |_: MouseEvent| k.set(id.clone()))}>{ node(*m) }</button> }
                }) }
            </div>
            { match kv_rows {
                Some((_, None)) => html! { <p class="note">{ t(Key::StoreDown) }</p> },
                Some((_, Some(rows))) if rows.is_empty() => html! { <p class="note">{ t(Key::EmptyStore) }</p> },
                Some((_, Some(rows))) => html! {
                    <table class="kv">
                        <thead><tr><th>{ t(Key::ColKey) }</th><th>{ t(Key::ColValue) }</th><th>{ t(Key::ColModRev) }</th><th>{ t(Key::ColVersion) }</th></tr></thead>
                        <tbody>{ for rows.iter().take(40).map(|kv| html! {
                            <tr><td>{ breakable(&kv.key) }</td><td>{ breakable(&kv.value) }</td><td>{ kv.mod_revision }</td><td>{ kv.version }</td></tr>
                        }) }</tbody>
                    </table>
                },
                None => html! { <p class="note">{ t(Key::PickMember) }</p> },
            } }
        </section>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn form(op: &str, key: &str, target: &str) -> Form {
        Form {
            op: op.into(),
            key: key.into(),
            value: "v".into(),
            mode: "linearizable".into(),
            target: target.into(),
        }
    }

    #[test]
    fn a_range_answer_lists_its_keys_and_values() {
        let kv = |key: &str, value: &str| raft_sim::kv::KeyValue {
            key: key.into(),
            value: value.into(),
            create_revision: 2,
            mod_revision: 3,
            version: 1,
        };
        let range = |kvs| OpResult::Ok {
            reply: Reply::Range { kvs, revision: 5 },
        };
        let (head, lines) = answer(
            &range(vec![kv("/a", "Running"), kv("/b", "Pending")]),
            Lang::En,
        );
        assert_eq!(head, "2 keys at revision 5:");
        assert_eq!(lines, ["/a = Running", "/b = Pending"]);
        let (head, lines) = answer(&range(vec![kv("/a", &"x".repeat(100))]), Lang::En);
        assert_eq!(head, "1 key at revision 5:");
        assert_eq!(lines, [format!("/a = {}…", "x".repeat(VALUE_SHOWN))]);
        let many: Vec<_> = (0..10).map(|i| kv(&format!("/k{i}"), "v")).collect();
        let (_, lines) = answer(&range(many), Lang::En);
        assert_eq!(lines.len(), RANGE_SHOWN + 1);
        assert_eq!(lines[RANGE_SHOWN], "… and 2 more");
        let (head, lines) = answer(&range(vec![]), Lang::En);
        assert_eq!((head.as_str(), lines.len()), ("0 keys at revision 5", 0));
    }

    #[test]
    fn etcd_answers_say_what_etcd_counted() {
        let ok = |reply| OpResult::Ok { reply };
        // A count or a limited read: the head counts the whole range.
        let counted = ok(Reply::RangeResponse(raft_sim::kv::RangeResponse {
            revision: 7,
            kvs: vec![],
            more: false,
            count: 3,
        }));
        assert_eq!(
            answer(&counted, Lang::En),
            ("counted 3 keys at revision 7".into(), vec![])
        );
        let deleted = ok(Reply::DeleteRange {
            revision: 8,
            deleted: 2,
        });
        assert_eq!(answer(&deleted, Lang::En).0, "deleted 2 keys, revision 8");
        let txn = ok(Reply::Txn(raft_sim::kv::TxnResponse {
            revision: 9,
            succeeded: false,
            responses: vec![],
        }));
        assert!(answer(&txn, Lang::En).0.contains("failure ops ran"));
        assert!(answer(&txn, Lang::Zh).0.contains("失败分支"));
        let compacted = ok(Reply::Compact { revision: 9 });
        assert_eq!(
            answer(&compacted, Lang::En).0,
            "history compacted, revision 9"
        );
        let get = ClientOp::RangeRequest(raft_sim::kv::RangeRequest {
            revision: 4,
            ..raft_sim::kv::RangeRequest::prefix("/a")
        });
        assert_eq!(op_text(&get), "get /a --prefix --rev=4");
    }

    #[test]
    fn the_value_is_measured_as_it_is_typed() {
        assert_eq!(value_note("Running"), None);
        let note = |v: &str| value_note(v).map(|(e, k)| (e, k.text(Lang::En)));
        let (error, text) = note(&"x".repeat(MAX_VALUE_BYTES)).unwrap();
        assert!(!error);
        assert_eq!(
            text,
            format!("{MAX_VALUE_BYTES} of {MAX_VALUE_BYTES} bytes")
        );
        // Bytes, not characters: 600 two-byte characters are over.
        let (error, text) = note(&"é".repeat(600)).unwrap();
        assert!(error);
        assert!(text.contains("1200 bytes"), "{text}");
    }

    #[test]
    fn form_errors_say_what_is_wrong() {
        let parse_form = |f: &Form| parse_form(f).map_err(|k| k.text(Lang::En));
        assert!(parse_form(&form("put", "", "1"))
            .unwrap_err()
            .contains("key"));
        assert!(parse_form(&form("get", "/a", "n9"))
            .unwrap_err()
            .contains("not a member"));
        let mut big = form("put", "/a", "2");
        big.value = "x".repeat(5000);
        assert!(parse_form(&big).unwrap_err().contains("limit"));
        let (n, op, _) = parse_form(&form("range", "/registry/", "leader")).unwrap();
        assert_eq!(n, Target::Leader);
        assert_eq!(
            op,
            ClientOp::Range {
                prefix: "/registry/".into()
            }
        );
    }
}
