//! plugin.yml: any bytes, read as `Plugin::load` reads them (lossily when not UTF-8), then every
//! check of the lint engine, and every renderer. Must not panic, hang or blow the stack.
#![no_main]

use libfuzzer_sys::fuzz_target;

#[path = "../../tests/common/fuzz_lint.rs"]
mod fuzz_lint;

fuzz_target!(|data: &[u8]| {
    fuzz_lint::manifest(data);
});
