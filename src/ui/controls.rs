//! Time controls (play, pause, step, speed, virtual time) and the settings
//! form that builds a new cluster.

use yew::prelude::*;

use super::{checked_of, time, use_lang, value_of};

use crate::i18n::{Key, Lang};

use crate::model::settings::{parse_settings, parse_traffic, PageSettings, MAX_SPEED, MIN_SPEED};
use crate::model::speed_meter::falls_short;
use crate::model::{Cmd, ErrorAt, FrameRef};

/// Properties shared by the controls.
#[derive(Clone, PartialEq, Properties)]
pub struct ControlsProps {
    /// The frame.
    pub frame: FrameRef,
    /// Commands.
    pub dispatch: Callback<Cmd>,
    /// More controls at the end of the row (the root's language switch:
    /// on a phone it shares the clock's line instead of taking one more).
    #[prop_or_default]
    pub children: Html,
}

/// Slider stops per tenfold change of speed (×1.26 a stop). The speed of
/// each stop, rounded to two digits, must map back to the same stop:
/// the slider is controlled by the speed, and with 250 stops a decade
/// an arrow key's step (×1.009) rounded back to where it came from, so
/// the slider snapped back.
const STOPS_PER_DECADE: f64 = 10.0;

/// The slider's last stop (its first is 0).
pub fn slider_max() -> f64 {
    ((MAX_SPEED.log10() - MIN_SPEED.log10()) * STOPS_PER_DECADE).round()
}

/// Slider position (0..=[`slider_max`]) for a speed, on a log scale.
pub fn speed_to_slider(speed: f64) -> f64 {
    ((speed.log10() - MIN_SPEED.log10()) * STOPS_PER_DECADE)
        .round()
        .clamp(0.0, slider_max())
}

/// The speed for a slider position.
pub fn slider_to_speed(pos: f64) -> f64 {
    let s = 10f64.powf(MIN_SPEED.log10() + pos / STOPS_PER_DECADE);
    // Round to two significant digits so that 1x is reachable.
    let mag = 10f64.powf(s.log10().floor() - 1.0);
    ((s / mag).round() * mag).clamp(MIN_SPEED, MAX_SPEED)
}

fn speed_label(s: f64) -> String {
    if s >= 1.0 {
        format!("{}×", (s * 10.0).round() / 10.0)
    } else {
        format!("{}×", (s * 1000.0).round() / 1000.0)
    }
}

/// Play, pause, step and speed.
#[component]
pub fn TimeControls(props: &ControlsProps) -> Html {
    let lang = use_lang();
    let t = |k: Key| k.text(lang);
    let frame = &props.frame;
    let d = props.dispatch.clone();
    let playing = frame.playing;
    let toggle = {
        let d = d.clone();
        Callback::from(move |_: MouseEvent| d.emit(Cmd::Play(!playing)))
    };
    let step = {
        let d = d.clone();
        Callback::from(move |_: MouseEvent| d.emit(Cmd::Step))
    };
    let speed = {
        let d = d.clone();
        Callback::from(move |e: InputEvent| {
            if let Ok(p) = value_of(&e).parse::<f64>() {
                d.emit(Cmd::Speed(slider_to_speed(p)));
            }
        })
    };
    html! {
        <div class="time" role="group" aria-label={t(Key::TimeGroup)}>
            <button type="button" class="play" onclick={toggle} aria-pressed={(!playing).to_string()}>
                { if playing { t(Key::Pause) } else { t(Key::Play) } }
            </button>
            <button type="button" onclick={step} title={t(Key::StepTitle)}>{ t(Key::Step) }</button>
            <label class="speed">
                { t(Key::Speed) }
                <input type="range" min="0" max={slider_max().to_string()} step="1"
                    value={speed_to_slider(frame.speed).to_string()} oninput={speed}
                    aria-valuetext={speed_label(frame.speed)} />
                <output>{ speed_label(frame.speed) }</output>
            </label>
            if let Some(r) = falls_short(frame.speed, frame.reached_speed) {
                <span class="reached" id="reached-speed" title={t(Key::RunningAtTitle)}>
                    { t(Key::RunningAt(speed_label(r))) }
                </span>
            }
            <span class="clock" title={t(Key::VirtualTime)}>{ "t = " }<output id="virtual-time">{ time(frame.view.time) }</output></span>
            { props.children.clone() }
        </div>
    }
}

/// One labelled settings field with its own error.
fn field(
    key: &str,
    label: &str,
    value: &str,
    error: Option<String>,
    oninput: Callback<InputEvent>,
) -> Html {
    let id = format!("set-{key}");
    html! {
        <div class={classes!("field", error.as_ref().map(|_| "invalid"))}>
            <label for={id.clone()}>{ label }</label>
            <input id={id.clone()} type="text" inputmode="decimal" value={value.to_string()} {oninput}
                aria-invalid={error.is_some().to_string()} />
            if let Some(e) = error { <span class="error" role="alert">{ e }</span> }
        </div>
    }
}

/// The settings form's text fields: (key, label).
const FIELDS: [(&str, Key); 8] = [
    ("members", Key::FieldMembers),
    ("seed", Key::FieldSeed),
    ("latency", Key::FieldLatency),
    ("jitter", Key::FieldJitter),
    ("loss", Key::FieldLoss),
    ("duplicate", Key::FieldDuplicate),
    ("election-tick", Key::FieldElectionTick),
    ("heartbeat-tick", Key::FieldHeartbeatTick),
];

/// The running cluster's settings in one line, shown while the panel is
/// folded.
pub fn summary(s: &PageSettings, lang: Lang) -> String {
    Key::SettingsSummary(
        s.members,
        s.seed,
        s.latency_ms,
        s.jitter_ms,
        s.loss_pct,
        s.pre_vote,
        s.check_quorum,
    )
    .text(lang)
}

/// Settings and "new cluster".
#[component]
pub fn SettingsPanel(props: &ControlsProps) -> Html {
    let lang = use_lang();
    let t = |k: Key| k.text(lang);
    let frame = &props.frame;
    let base = frame.settings.clone();
    let text = {
        let base = base.clone();
        use_state(move || {
            FIELDS
                .iter()
                .map(|(k, _)| (k.to_string(), base.get(k)))
                .collect::<Vec<_>>()
        })
    };
    let flags = {
        let base = base.clone();
        use_state(move || (base.pre_vote, base.check_quorum))
    };
    let errors = use_state(Vec::<(String, Key)>::new);
    let traffic = use_state(|| frame.traffic.to_string());
    let d = props.dispatch.clone();

    let submit = {
        let (text, flags, errors, d, base) = (
            text.clone(),
            flags.clone(),
            errors.clone(),
            d.clone(),
            base.clone(),
        );
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            let mut with_flags = base.clone();
            (with_flags.pre_vote, with_flags.check_quorum) = *flags;
            match parse_settings(&with_flags, &text) {
                Ok(s) => {
                    errors.set(Vec::new());
                    d.emit(Cmd::NewCluster(s));
                }
                Err(es) => {
                    errors.set(es);
                    d.emit(Cmd::Reject(ErrorAt::Settings, Key::FixMarked));
                }
            }
        })
    };
    let live_flag = |pre_vote: bool| {
        let (flags, d) = (flags.clone(), d.clone());
        Callback::from(move |e: Event| {
            let on = checked_of(&e);
            let (mut p, mut c) = *flags;
            let action = if pre_vote {
                p = on;
                raft_sim::Action::SetPreVote { on }
            } else {
                c = on;
                raft_sim::Action::SetCheckQuorum { on }
            };
            flags.set((p, c));
            d.emit(Cmd::Act(ErrorAt::Settings, action));
        })
    };
    let on_traffic = {
        let (traffic, d) = (traffic.clone(), d.clone());
        Callback::from(move |e: InputEvent| {
            let text = value_of(&e);
            if parse_traffic(&text).is_ok() {
                d.emit(Cmd::ClearErrorAt(ErrorAt::Traffic));
            }
            traffic.set(text);
        })
    };
    let set_traffic = {
        let (traffic, d) = (traffic.clone(), d.clone());
        Callback::from(move |_: MouseEvent| d.emit(Cmd::Traffic((*traffic).clone())))
    };
    let form_error = errors
        .iter()
        .find(|(k, _)| k == "form")
        .map(|(_, e)| e.clone())
        .or_else(|| match &frame.error {
            Some((ErrorAt::Settings, e)) => Some(e.clone()),
            _ => None,
        });
    html! {
        <details class="panel settings" aria-labelledby="settings-h">
            <summary>
                <h2 id="settings-h">{ t(Key::Settings) }</h2>
                <span class="note">{ summary(&base, lang) }</span>
            </summary>
            <form onsubmit={submit} novalidate=true>
                <div class="fields">
                    { for FIELDS.iter().enumerate().map(|(i, (key, label))| {
                        let oninput = {
                            let text = text.clone();
                            Callback::from(move |e: InputEvent| {
                                let mut next = (*text).clone();
                                next[i].1 = value_of(&e);
                                text.set(next);
                            })
                        };
                        let err = errors.iter().find(|(k, _)| k == key).map(|(_, e)| t(e.clone()));
                        field(key, &t(label.clone()), &text[i].1, err, oninput)
                    }) }
                </div>
                <div class="flags">
                    <label><input type="checkbox" checked={flags.0} onchange={live_flag(true)} />{ t(Key::PreVoteFlag) }</label>
                    <label><input type="checkbox" checked={flags.1} onchange={live_flag(false)} />{ t(Key::CheckQuorumFlag) }</label>
                    <span class="note">{ t(Key::FlagsNote) }</span>
                </div>
                <button type="submit" class="primary">{ t(Key::NewCluster) }</button>
                <span class="note">{ t(Key::RunningCluster(base.seed, base.members)) }</span>
            </form>
            <div class="traffic">
                <label for="traffic">{ t(Key::TrafficLabel) }</label>
                <input id="traffic" type="text" inputmode="numeric" value={(*traffic).clone()} oninput={on_traffic} />
                <button type="button" onclick={set_traffic}>{ t(Key::Set) }</button>
                <span class="note">{ t(Key::TrafficNow(frame.traffic)) }</span>
                if let Some((ErrorAt::Traffic, e)) = &frame.error { <p class="error" role="alert">{ t(e.clone()) }</p> }
            </div>
            if let Some(e) = form_error { <p class="error" role="alert">{ t(e) }</p> }
        </details>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slider_covers_the_whole_speed_range_and_hits_one() {
        assert_eq!(slider_to_speed(0.0), MIN_SPEED);
        assert_eq!(slider_to_speed(slider_max()), MAX_SPEED);
        assert_eq!(slider_to_speed(speed_to_slider(1.0)), 1.0);
        assert_eq!(slider_to_speed(speed_to_slider(0.5)), 0.5);
    }

    #[test]
    fn every_slider_step_reaches_a_speed_of_its_own() {
        // An arrow key moves the slider one step; the page sets the speed
        // and renders the slider from it. The step must survive that.
        let max = slider_max() as u32;
        let mut last = 0.0;
        for pos in 0..=max {
            let speed = slider_to_speed(pos as f64);
            assert_eq!(speed_to_slider(speed), pos as f64, "step {pos}: {speed}×");
            assert!(speed > last, "step {pos}: {speed}× after {last}×");
            last = speed;
        }
    }
}
