//! Fuzzes `waymark_io::fuzz::fuzz_cells`; the same body runs as a property test in CI.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    waymark_io::fuzz::fuzz_cells(data);
});
