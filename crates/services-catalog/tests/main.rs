//! Every integration test of `services-catalog` in one binary (one link step): the contract on
//! the in-memory fakes, the rules' properties, and the use cases.

mod contract_in_memory;
mod properties;
mod use_cases;
