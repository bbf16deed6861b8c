//! A short run of the request fuzzer (`examples/fuzz_requests.rs` runs a million).

#[test]
fn decoding_and_validation_never_panic_or_answer_other_than_invalid_argument() {
    if let Err(problem) = readout_system_tests::fuzz::fuzz(20_000, 7) {
        panic!("{problem}");
    }
}
