//! wazo/rules: any bytes as the rules script of a valid plugin (format 0 or 1, chosen by the
//! first byte), parsed and run through every check and renderer. Must not panic or hang.
#![no_main]

use libfuzzer_sys::fuzz_target;

#[path = "../../tests/common/fuzz_lint.rs"]
mod fuzz_lint;

fuzz_target!(|data: &[u8]| {
    fuzz_lint::rules(data);
});
