//! Example guest: reads `(document, pointer)`, parses the JSON document and commits the value
//! at the JSON pointer (RFC 6901), serialized back to JSON, as an `Option<String>`: `None` when
//! nothing is there. A document that is not JSON is a guest panic.
#![no_std]
#![no_main]

extern crate alloc;

use alloc::string::String;

use serde_json::Value;

vouch_guest::entry!(main);

fn main() {
    let (document, pointer): (String, String) = vouch_guest::read();
    let value: Value = match serde_json::from_str(&document) {
        Ok(value) => value,
        Err(err) => panic!("the document is not valid JSON: {err}"),
    };
    let found: Option<String> = value.pointer(&pointer).map(|v| {
        // Serializing a `Value` cannot fail: its map keys are strings.
        serde_json::to_string(v).unwrap_or_default()
    });
    vouch_guest::commit(&found);
}
