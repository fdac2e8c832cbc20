//! Every integration test of `registry` in one binary (one link step): contract_in_memory, scope, use_cases.

mod contract_in_memory;
mod scope;
mod use_cases;
