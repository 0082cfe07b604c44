//! etcdctl 3.4's printers (`etcdctl/ctlv3/command/printer_*.go`), for
//! the answers the console gives: simple, json (protobuf's JSON with
//! empty fields left out, bytes in base64), fields (`"Name" : value`,
//! strings quoted as Go's %q) and table.

use std::fmt::Write;

use crate::kv::{KeyValue, RangeResponse};

/// The response header every answer carries.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Header {
    /// etcd's cluster id.
    pub cluster_id: u64,
    /// The serving member's etcd id.
    pub member_id: u64,
    /// The store's revision (0: left out, as in `member list`).
    pub revision: u64,
    /// The serving member's term.
    pub raft_term: u64,
}

impl Header {
    /// `"header":{…}` without empty fields (protobuf's JSON leaves zeros
    /// out: the headers of a txn's ops carry only the revision).
    pub fn json(&self) -> String {
        let fields: Vec<String> = [
            ("cluster_id", self.cluster_id),
            ("member_id", self.member_id),
            ("revision", self.revision),
            ("raft_term", self.raft_term),
        ]
        .iter()
        .filter(|(_, v)| *v > 0)
        .map(|(name, v)| format!("\"{name}\":{v}"))
        .collect();
        format!("{{{}}}", fields.join(","))
    }

    /// The four `-w fields` lines.
    pub fn fields(&self) -> String {
        format!(
            "\"ClusterID\" : {}\n\"MemberID\" : {}\n\"Revision\" : {}\n\"RaftTerm\" : {}\n",
            self.cluster_id, self.member_id, self.revision, self.raft_term
        )
    }
}

/// One key-value as protobuf's JSON (`value` left out when empty).
pub fn kv_json(kv: &KeyValue) -> String {
    let mut s = format!("{{\"key\":\"{}\"", base64(kv.key.as_bytes()));
    for (name, n) in [
        ("create_revision", kv.create_revision),
        ("mod_revision", kv.mod_revision),
        ("version", kv.version),
    ] {
        if n > 0 {
            let _ = write!(s, ",\"{name}\":{n}");
        }
    }
    if !kv.value.is_empty() {
        let _ = write!(s, ",\"value\":\"{}\"", base64(kv.value.as_bytes()));
    }
    s.push('}');
    s
}

/// `get` in each format.
pub fn get(h: &Header, r: &RangeResponse, json: bool, fields: bool, value_only: bool) -> String {
    if json {
        let mut s = format!("{{\"header\":{}", h.json());
        if !r.kvs.is_empty() {
            let kvs: Vec<String> = r.kvs.iter().map(kv_json).collect();
            let _ = write!(s, ",\"kvs\":[{}]", kvs.join(","));
        }
        if r.more {
            s.push_str(",\"more\":true");
        }
        if r.count > 0 {
            let _ = write!(s, ",\"count\":{}", r.count);
        }
        s.push_str("}\n");
        return s;
    }
    if fields {
        let mut s = h.fields();
        for kv in &r.kvs {
            let _ = writeln!(s, "\"Key\" : {}", go_quote(&kv.key));
            let _ = writeln!(s, "\"CreateRevision\" : {}", kv.create_revision);
            let _ = writeln!(s, "\"ModRevision\" : {}", kv.mod_revision);
            let _ = writeln!(s, "\"Version\" : {}", kv.version);
            let _ = writeln!(s, "\"Value\" : {}", go_quote(&kv.value));
            s.push_str("\"Lease\" : 0\n");
        }
        let _ = writeln!(s, "\"More\" : {}", r.more);
        let _ = writeln!(s, "\"Count\" : {}", r.count);
        return s;
    }
    let mut s = String::new();
    for kv in &r.kvs {
        if !value_only {
            let _ = writeln!(s, "{}", kv.key);
        }
        let _ = writeln!(s, "{}", kv.value);
    }
    s
}

/// A table as etcdctl's tablewriter draws it: centred header, values
/// left-aligned, numbers and booleans right-aligned.
pub fn table(header: &[&str], rows: &[Vec<String>], right: &[bool]) -> String {
    let widths: Vec<usize> = (0..header.len())
        .map(|i| {
            rows.iter()
                .map(|r| r[i].chars().count())
                .chain([header[i].chars().count()])
                .max()
                .unwrap_or(0)
        })
        .collect();
    let rule: String = widths
        .iter()
        .map(|w| format!("+{}", "-".repeat(w + 2)))
        .collect::<String>()
        + "+\n";
    let mut s = rule.clone();
    for (i, h) in header.iter().enumerate() {
        let pad = widths[i] - h.chars().count();
        let left = pad / 2;
        let _ = write!(s, "| {}{}{} ", " ".repeat(left), h, " ".repeat(pad - left));
    }
    s.push_str("|\n");
    s.push_str(&rule);
    for r in rows {
        for (i, cell) in r.iter().enumerate() {
            let pad = " ".repeat(widths[i] - cell.chars().count());
            if right[i] {
                let _ = write!(s, "| {pad}{cell} ");
            } else {
                let _ = write!(s, "| {cell}{pad} ");
            }
        }
        s.push_str("|\n");
    }
    s.push_str(&rule);
    s
}

/// Standard base64 with padding, as Go's encoding/json writes []byte.
pub fn base64(bytes: &[u8]) -> String {
    const A: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut s = String::with_capacity(bytes.len().div_ceil(3) * 4);
    for chunk in bytes.chunks(3) {
        let b = [
            chunk[0],
            chunk.get(1).copied().unwrap_or(0),
            chunk.get(2).copied().unwrap_or(0),
        ];
        let n = (u32::from(b[0]) << 16) | (u32::from(b[1]) << 8) | u32::from(b[2]);
        for i in 0..4 {
            if i <= chunk.len() {
                s.push(A[((n >> (18 - 6 * i)) & 63) as usize] as char);
            } else {
                s.push('=');
            }
        }
    }
    s
}

/// Go's `%q` of a string.
pub fn go_quote(text: &str) -> String {
    let mut s = String::from("\"");
    for c in text.chars() {
        match c {
            '"' => s.push_str("\\\""),
            '\\' => s.push_str("\\\\"),
            '\n' => s.push_str("\\n"),
            '\t' => s.push_str("\\t"),
            '\r' => s.push_str("\\r"),
            c if (c as u32) < 0x20 || c as u32 == 0x7f => {
                let _ = write!(s, "\\x{:02x}", c as u32);
            }
            c => s.push(c),
        }
    }
    s.push('"');
    s
}

/// go-humanize's `Bytes` (SI units), as `endpoint status` shows DB size.
pub fn human_bytes(n: u64) -> String {
    if n < 10 {
        return format!("{n} B");
    }
    let units = ["B", "kB", "MB", "GB", "TB"];
    let e = ((n as f64).ln() / 1000f64.ln()).floor() as usize;
    let e = e.min(units.len() - 1);
    let v = n as f64 / 1000f64.powi(e as i32);
    if v < 10.0 {
        format!("{:.1} {}", (v * 10.0 + 0.5).floor() / 10.0, units[e])
    } else {
        format!("{:.0} {}", (v * 10.0 + 0.5).floor() / 10.0, units[e])
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bytes_and_strings_as_go_writes_them() {
        assert_eq!(base64(b"foo"), "Zm9v");
        assert_eq!(base64(b"qux2"), "cXV4Mg==");
        assert_eq!(base64(b"22b"), "MjJi");
        assert_eq!(
            go_quote("{\"kind\":\"Pod\"}"),
            "\"{\\\"kind\\\":\\\"Pod\\\"}\""
        );
        assert_eq!(human_bytes(24576), "25 kB");
        assert_eq!(human_bytes(20480), "20 kB");
    }
}
