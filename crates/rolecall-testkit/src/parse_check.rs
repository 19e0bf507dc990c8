//! The `parse` property: no panic on any bytes, and round-trip on what parses.

/// Checks the parse property on arbitrary bytes.
///
/// Parsing must not panic, whatever the input. When the input parses (as a
/// policy, and separately in any input form via `parse_document`), printing
/// the tree and parsing the text must give an equal tree, and printing that
/// tree again must give the same text.
///
/// # Panics
///
/// When the property does not hold: this is the fuzz target's oracle.
pub fn check_parse(bytes: &[u8]) {
    if let Ok(policy) = rolecall_policy::parse(bytes) {
        check_round_trip(&policy, bytes);
    }
    if let Ok(doc) = rolecall_policy::parse_document(bytes) {
        check_round_trip(&doc.policy, bytes);
    }
}

fn check_round_trip(policy: &rolecall_policy::Policy, input: &[u8]) {
    let printed = policy.to_json_string();
    let reparsed = match rolecall_policy::parse(&printed) {
        Ok(p) => p,
        #[expect(clippy::panic, reason = "a failed property is reported by panicking")]
        Err(e) => panic!(
            "printed policy does not parse: {e}\ninput: {}\nprinted: {printed}",
            String::from_utf8_lossy(input)
        ),
    };
    assert!(
        reparsed == *policy,
        "print then parse changed the tree\ninput: {}\nprinted: {printed}\nbefore: {policy:?}\nafter: {reparsed:?}",
        String::from_utf8_lossy(input)
    );
    let again = reparsed.to_json_string();
    assert!(
        again == printed,
        "printing is not stable\nfirst: {printed}\nsecond: {again}"
    );
}

#[cfg(test)]
mod tests {
    use super::check_parse;

    #[test]
    fn valid_and_invalid_inputs_pass() {
        let inputs: &[&[u8]] = &[
            br#"{"Statement": []}"#,
            br#"{"Version": "2012-10-17", "Statement": {"Effect": "allow", "Principal": "*",
                "Condition": {"NumericLessThan": {"k": [1, 2.5, 3.8028809071207444e-60, true]}}}}"#,
            b"%7B%22Statement%22%3A%5B%5D%7D",
            br#"{"Role": {"AssumeRolePolicyDocument": {"Statement": {}}}}"#,
            b"",
            b"\xff\xfe",
            b"[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[",
            br#"{"Statement": [], "Statement": []}"#,
            b"{\"Id\": \"\\ud800\", \"Statement\": []}",
            b"%7B%",
        ];
        for input in inputs {
            check_parse(input);
        }
    }

    proptest::proptest! {
        /// Valid policies with a few bytes replaced or removed: most fail,
        /// some still parse, none may panic or break the round trip.
        #[test]
        fn mutated_policies(edits in proptest::collection::vec((0usize..400, proptest::num::u8::ANY, proptest::bool::ANY), 1..4)) {
            let mut bytes = br#"{"Version":"2012-10-17","Statement":[{"Sid":"A1","Effect":"Allow","Principal":{"Federated":["arn:aws:iam::111122223333:oidc-provider/x",""]},"Action":"sts:AssumeRoleWithWebIdentity","Condition":{"StringLike":{"x:sub":"repo:o/*","x:aud":["a",1,true]},"ForAnyValue:StringEqualsIfExists":{"x:amr":"y"}}}]}"#.to_vec();
            for (at, byte, delete) in edits {
                let at = at % bytes.len();
                if delete { bytes.remove(at); } else { bytes[at] = byte; }
            }
            check_parse(&bytes);
        }
    }

    #[test]
    fn the_check_parses_what_it_should() {
        // Guard against a check that accepts everything by parsing nothing.
        assert!(rolecall_policy::parse(br#"{"Statement": []}"#).is_ok());
        assert!(rolecall_policy::parse_document(b"%7B%22Statement%22%3A%5B%5D%7D").is_ok());
    }
}
