//! Every integration test of `privacy` in one binary (one link step): contract_in_memory, use_cases.

mod contract_in_memory;
mod use_cases;
