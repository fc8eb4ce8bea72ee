//! The .deb writer: a package tree decoded from the input is written with `build_deb`; the
//! archive must read back to the same tree with our reader, and `dpkg-deb -I` and `-c` must
//! accept it.
#![no_main]

use libfuzzer_sys::fuzz_target;

#[path = "../../tests/common/deb_reader.rs"]
mod deb_reader;
#[path = "../../tests/common/deb_fuzz.rs"]
mod deb_fuzz;

fuzz_target!(|data: &[u8]| {
    deb_fuzz::check(data);
});
