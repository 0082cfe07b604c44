//! Reading options from JS: a plain object (attribute-like values:
//! strings, numbers, booleans, arrays for lists) or a query string.

use wasm_bindgen::{JsCast, JsValue};

/// `(key, value)` text pairs from `options`: an object's own entries, or
/// the pairs of a query string; nothing for `undefined` or `null`.
pub fn pairs_from_js(options: &JsValue) -> Vec<(String, String)> {
    if options.is_undefined() || options.is_null() {
        return Vec::new();
    }
    if let Some(q) = options.as_string() {
        return q
            .trim_start_matches('?')
            .split('&')
            .filter(|p| !p.is_empty())
            .map(|p| {
                let (k, v) = p.split_once('=').unwrap_or((p, ""));
                (
                    crate::model::settings::percent_decode(k),
                    crate::model::settings::percent_decode(v),
                )
            })
            .collect();
    }
    let Some(object) = options.dyn_ref::<js_sys::Object>() else {
        return Vec::new();
    };
    js_sys::Object::entries(object)
        .iter()
        .filter_map(|entry| {
            let entry: js_sys::Array = entry.dyn_into().ok()?;
            let key = entry.get(0).as_string()?;
            let value = text(&entry.get(1))?;
            Some((key, value))
        })
        .collect()
}

/// Changes for `set`: like [`pairs_from_js`], but a key whose value is
/// `null` or `undefined` (a removed attribute) comes as `None`.
pub fn updates_from_js(options: &JsValue) -> Vec<(String, Option<String>)> {
    let Some(object) = options
        .dyn_ref::<js_sys::Object>()
        .filter(|_| options.as_string().is_none())
    else {
        return pairs_from_js(options)
            .into_iter()
            .map(|(k, v)| (k, Some(v)))
            .collect();
    };
    js_sys::Object::entries(object)
        .iter()
        .filter_map(|entry| {
            let entry: js_sys::Array = entry.dyn_into().ok()?;
            Some((entry.get(0).as_string()?, text(&entry.get(1))))
        })
        .collect()
}

/// A value as an attribute would carry it; `None` for `undefined`/`null`
/// (the key is left as it was).
fn text(v: &JsValue) -> Option<String> {
    if v.is_undefined() || v.is_null() {
        return None;
    }
    if let Some(s) = v.as_string() {
        return Some(s);
    }
    if let Some(b) = v.as_bool() {
        return Some(if b { "on" } else { "off" }.into());
    }
    if let Some(n) = v.as_f64() {
        return Some(n.to_string());
    }
    if let Some(a) = v.dyn_ref::<js_sys::Array>() {
        return Some(
            a.iter()
                .filter_map(|x| text(&x))
                .collect::<Vec<_>>()
                .join(","),
        );
    }
    Some(String::from(js_sys::JSON::stringify(v).ok()?))
}
