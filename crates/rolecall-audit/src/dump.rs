//! `aws iam get-account-authorization-details` output (an "account dump"): the one reader of
//! its roles, for `audit` ([`crate::source`]) and for the command-line tool (`sts --policy`,
//! `eks --roles`).
//!
//! A dump is a JSON object with a `RoleDetailList` member, or an array of such objects (the
//! pages of a paginated call). Each entry of `RoleDetailList` is read only as far as trust
//! policies need: its `Arn` and its `AssumeRolePolicyDocument`, which stays the raw JSON text
//! the dump holds, borrowed from it. So the strict policy parser still sees the document
//! exactly as written (a member given twice included), and a document's position in the dump is
//! known from where its text lies. A role entry that itself gives a member twice says so
//! ([`DumpRole::repeated_member`]); its users refuse it.
//!
//! Big dumps are read without a `serde_json::Value` tree: a 10,000-role dump is 8.7 MiB, and
//! its `Value` alone peaked at 6.9x its size (BENCHMARKS.md, audit rows). A list whose roles
//! are all well-formed objects is read in one pass; otherwise each role is read alone, leniently
//! (see [`DumpRole::as_written`]).
//!
//! ```
//! use rolecall_audit::dump::{document_text, read_dump};
//!
//! let dump = r#"{"RoleDetailList": [
//!     {"RoleName": "app", "Arn": "arn:aws:iam::111122223333:role/app",
//!      "AssumeRolePolicyDocument": "%7B%22Statement%22%3A%5B%5D%7D"}]}"#;
//! let roles = read_dump(dump).expect("a dump");
//! assert_eq!(roles.len(), 1);
//! assert_eq!(roles[0].arn.as_deref(), Some("arn:aws:iam::111122223333:role/app"));
//! assert_eq!(roles[0].role_name(), Some("app"));
//! let document = roles[0].document.expect("a document");
//! assert_eq!(document_text(document)?, "%7B%22Statement%22%3A%5B%5D%7D");
//! assert!(read_dump(r#"{"Statement": []}"#).is_none());
//! # Ok::<(), rolecall_audit::dump::DumpError>(())
//! ```

use std::borrow::Cow;
use std::collections::BTreeMap;

use serde::Deserialize;
use serde_json::value::RawValue;

/// The member of a dump page that lists the roles.
pub const ROLE_LIST: &str = "RoleDetailList";

/// One entry of a dump's `RoleDetailList`, as far as trust policies need.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct DumpRole<'a> {
    /// `Arn`, when the entry has one that is a string.
    pub arn: Option<Cow<'a, str>>,
    /// `AssumeRolePolicyDocument` as the dump writes it (raw JSON text borrowed from the dump:
    /// an object, a JSON string holding the document or its URL-encoded form, or any other
    /// JSON value, `null` included), when the entry has the member.
    pub document: Option<&'a str>,
    /// `true` when the entry was read as a well-formed role: an object with each member once
    /// and a string `Arn` (or none). `false` when it was read leniently, alone: an entry that
    /// is not an object has no fields, a member given twice counts with its last value (see
    /// [`DumpRole::repeated_member`]), and a non-string `Arn` is no ARN.
    pub as_written: bool,
    /// The first member the entry gives twice, if any. Which of the two values AWS meant is
    /// unknown (its own output never repeats a member), so such a role must not be judged on
    /// either value.
    pub repeated_member: Option<String>,
}

impl DumpRole<'_> {
    /// The role's name: the last segment of the ARN's `role/[path/]NAME` (IAM's `RoleName`).
    pub fn role_name(&self) -> Option<&str> {
        self.arn
            .as_deref()?
            .split_once(":role/")
            .and_then(|(_, rest)| rest.rsplit('/').next())
    }
}

/// A role document that is not JSON text (a JSON string with a bad escape), with its cause.
#[derive(Debug, thiserror::Error)]
#[error("`AssumeRolePolicyDocument` is not valid JSON text: {0}")]
pub struct DumpError(String);

/// The text of a role's trust policy document ([`DumpRole::document`]): a JSON string is
/// decoded (it holds the document's text or its URL-encoded form), any other value is the
/// text as written.
///
/// # Errors
///
/// A JSON string that does not decode.
pub fn document_text(document: &str) -> Result<Cow<'_, str>, DumpError> {
    if document.starts_with('"') {
        serde_json::from_str::<String>(document)
            .map(Cow::Owned)
            .map_err(|e| DumpError(e.to_string()))
    } else {
        Ok(Cow::Borrowed(document))
    }
}

/// Whether the top-level members of a JSON object (read shallowly) make it a dump page.
pub fn is_dump_page(members: &BTreeMap<String, &RawValue>) -> bool {
    members.contains_key(ROLE_LIST)
}

/// Every role of a dump, page by page, in document order; `None` when `text` is not a dump
/// (not JSON, or neither an object with `RoleDetailList` nor a non-empty array of such
/// objects). A page whose `RoleDetailList` is not a list has no roles.
pub fn read_dump(text: &str) -> Option<Vec<DumpRole<'_>>> {
    let pages: Vec<BTreeMap<String, &RawValue>> = match text.trim_start().as_bytes().first() {
        Some(b'{') => vec![serde_json::from_str(text).ok()?],
        Some(b'[') => serde_json::from_str::<Vec<&RawValue>>(text)
            .ok()?
            .into_iter()
            .map(|p| serde_json::from_str(p.get()).ok())
            .collect::<Option<_>>()?,
        _ => return None,
    };
    if pages.is_empty() || !pages.iter().all(is_dump_page) {
        return None;
    }
    let mut roles = Vec::new();
    for page in &pages {
        if let Some(list) = page.get(ROLE_LIST) {
            roles.extend(page_roles(list.get()).unwrap_or_default());
        }
    }
    Some(roles)
}

/// The roles of one page's `RoleDetailList` (its raw JSON text, borrowed from the dump), in
/// order; `None` when it is not a list.
pub fn page_roles(list: &str) -> Option<Vec<DumpRole<'_>>> {
    // Usually every role is an object with a string `Arn`: read the fields straight from the
    // list (one pass over it instead of two: 3.4 % of a dump audit's instructions).
    if let Ok(roles) = serde_json::from_str::<Vec<AsWritten<'_>>>(list) {
        // Same layout: the list is converted in place, without a copy.
        return Some(roles.into_iter().map(|AsWritten(r)| r).collect());
    }
    // Otherwise take each role's raw value and read it alone.
    let raws = serde_json::from_str::<Vec<&RawValue>>(list).ok()?;
    Some(
        raws.into_iter()
            .map(|raw| lenient_role(raw.get()))
            .collect(),
    )
}

/// One role read alone: as a well-formed role when it is one, else leniently.
fn lenient_role(raw: &str) -> DumpRole<'_> {
    // (A derived struct would also accept an array, which has no fields.)
    if raw.starts_with('{') {
        if let Ok(d) = serde_json::from_str::<RoleDetail<'_>>(raw) {
            return DumpRole {
                arn: d.arn,
                document: d.doc.map(RawValue::get),
                as_written: true,
                repeated_member: None,
            };
        }
    }
    // Not an object, a member given twice or a non-string `Arn`: its members in order (the
    // last of a repeated member wins, and the repetition is told), the `Arn` only when it is a
    // string.
    let pairs = if raw.starts_with('{') {
        serde_json::from_str::<Members<'_>>(raw).map_or_else(|_| Vec::new(), |m| m.0)
    } else {
        Vec::new()
    };
    let mut members = BTreeMap::new();
    let mut repeated_member = None;
    for (name, value) in pairs {
        if let Some(_earlier) = members.insert(name.clone(), value) {
            repeated_member.get_or_insert_with(|| name.into_owned());
        }
    }
    DumpRole {
        arn: members
            .get("Arn")
            .and_then(|a| serde_json::from_str::<Cow<'_, str>>(a.get()).ok()),
        document: members.get("AssumeRolePolicyDocument").map(|d| d.get()),
        as_written: false,
        repeated_member,
    }
}

/// An object's members in document order, repeated ones included (a map keeps only one).
struct Members<'a>(Vec<(Cow<'a, str>, &'a RawValue)>);

impl<'de: 'a, 'a> Deserialize<'de> for Members<'a> {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct Pairs<'a>(std::marker::PhantomData<&'a ()>);
        impl<'de: 'a, 'a> serde::de::Visitor<'de> for Pairs<'a> {
            type Value = Members<'a>;
            fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str("an object")
            }
            fn visit_map<A: serde::de::MapAccess<'de>>(
                self,
                mut map: A,
            ) -> Result<Self::Value, A::Error> {
                let mut out = Vec::new();
                while let Some(pair) = map.next_entry::<Cow<'de, str>, &'de RawValue>()? {
                    out.push(pair);
                }
                Ok(Members(out))
            }
        }
        d.deserialize_map(Pairs(std::marker::PhantomData))
    }
}

/// A well-formed role (an object with each member once and a string `Arn` or none), read
/// straight into a [`DumpRole`].
#[repr(transparent)]
struct AsWritten<'a>(DumpRole<'a>);

impl<'de: 'a, 'a> Deserialize<'de> for AsWritten<'a> {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let MapOnly(detail) = MapOnly::<RoleDetail<'de>>::deserialize(d)?;
        Ok(AsWritten(DumpRole {
            arn: detail.arn,
            document: detail.doc.map(RawValue::get),
            as_written: true,
            repeated_member: None,
        }))
    }
}

/// The fields of one `RoleDetailList` entry the readers need; everything else is skipped
/// without being built.
#[derive(Deserialize)]
struct RoleDetail<'a> {
    #[serde(rename = "Arn", borrow, default)]
    arn: Option<Cow<'a, str>>,
    /// `Some` for any JSON value, `null` included (it becomes a parse-error finding in `audit`).
    #[serde(
        rename = "AssumeRolePolicyDocument",
        borrow,
        default,
        deserialize_with = "present"
    )]
    doc: Option<&'a RawValue>,
}

fn present<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Option<&'de RawValue>, D::Error> {
    <&RawValue>::deserialize(d).map(Some)
}

/// Reads `T` from a JSON object only (a derived struct would also accept an array).
struct MapOnly<T>(T);

impl<'de, T: Deserialize<'de>> Deserialize<'de> for MapOnly<T> {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct Only<T>(std::marker::PhantomData<T>);
        impl<'de, T: Deserialize<'de>> serde::de::Visitor<'de> for Only<T> {
            type Value = T;
            fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str("an object")
            }
            fn visit_map<A: serde::de::MapAccess<'de>>(self, map: A) -> Result<T, A::Error> {
                T::deserialize(serde::de::value::MapAccessDeserializer::new(map))
            }
        }
        d.deserialize_map(Only(std::marker::PhantomData))
            .map(MapOnly)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Well-formed roles are read in one pass, as written; an odd entry turns the list to
    /// lenient reading, where each role is still read as well as it can be.
    #[test]
    fn odd_entries_are_read_leniently_and_well_formed_ones_as_written() {
        let list = r#"[
 {"Arn": "arn:aws:iam::1:role/ok", "AssumeRolePolicyDocument": {"Statement": []}},
 {"Arn": "arn:aws:iam::1:role/null-doc", "AssumeRolePolicyDocument": null},
 ["arn:aws:iam::1:role/array", {}],
 {"Arn": "arn:aws:iam::1:role/first", "Arn": "arn:aws:iam::1:role/dup", "AssumeRolePolicyDocument": "x"},
 {"Arn": 5, "AssumeRolePolicyDocument": "y"},
 {"RoleName": "no-arn"}
]"#;
        let roles = page_roles(list).unwrap();
        let seen: Vec<(Option<&str>, Option<&str>, bool)> = roles
            .iter()
            .map(|r| (r.arn.as_deref(), r.document, r.as_written))
            .collect();
        assert_eq!(
            seen,
            [
                (
                    Some("arn:aws:iam::1:role/ok"),
                    Some(r#"{"Statement": []}"#),
                    true
                ),
                (Some("arn:aws:iam::1:role/null-doc"), Some("null"), true),
                (None, None, false),
                (Some("arn:aws:iam::1:role/dup"), Some(r#""x""#), false),
                (None, Some(r#""y""#), false),
                (None, None, true),
            ]
        );
        // Only the entry that gives a member twice says so.
        let repeated: Vec<Option<&str>> =
            roles.iter().map(|r| r.repeated_member.as_deref()).collect();
        assert_eq!(repeated, [None, None, None, Some("Arn"), None, None]);
        // Every entry well-formed: one pass, all as written.
        let good = page_roles(r#"[{"Arn": "a:role/x"}, {"AssumeRolePolicyDocument": 1}]"#).unwrap();
        assert!(good.iter().all(|r| r.as_written));
        assert_eq!(page_roles(r#""not a list""#), None);
    }

    /// A dump is an object with `RoleDetailList` or a non-empty array of such pages.
    #[test]
    fn dumps_are_recognised_by_their_pages() {
        let page = r#"{"RoleDetailList": [{"Arn": "arn:aws:iam::1:role/p/a"}]}"#;
        assert_eq!(read_dump(page).map(|r| r.len()), Some(1));
        let pages = format!("[{page}, {page}, {{\"RoleDetailList\": \"not a list\"}}]");
        let roles = read_dump(&pages).unwrap();
        assert_eq!(roles.len(), 2);
        assert_eq!(roles[1].role_name(), Some("a"));
        for not_a_dump in [
            "[]",
            r#"[{"RoleDetailList": []}, {"Statement": []}]"#,
            r#"{"Statement": []}"#,
            "%7B",
            "{",
        ] {
            assert_eq!(read_dump(not_a_dump), None, "{not_a_dump}");
        }
    }

    #[test]
    fn documents_are_decoded_only_from_json_strings() {
        assert_eq!(document_text(r#""{\"a\":1}""#).unwrap(), r#"{"a":1}"#);
        assert_eq!(document_text(r#"{"a": 1}"#).unwrap(), r#"{"a": 1}"#);
        assert!(document_text(r#""\x""#).is_err());
    }
}
